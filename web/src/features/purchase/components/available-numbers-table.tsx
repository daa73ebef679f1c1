// Search results: purchasable numbers with type, place and both costs; admins add one or several to the cart,
// other roles see the same list read-only. Phones get a card list instead of a wide table.
import { Badge, Button, Card, Checkbox, Group, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import { PhoneNumber } from '@/components/phone-number';
import { useHasRole } from '@/lib/auth';
import { countOf, formatNanp } from '@/lib/format';
import type { AvailableNumber } from '@/lib/flowroute/purchase';
import { addItems, inCart, removeItem, type CartCandidate } from '../api/cart';
import { updateCart, useCart } from '../api/cart-store';
import { formatCents, toCents } from '../api/money';
import { numberTypeLabel, rateCenterLabel, stateLabel } from './labels';

function candidateOf(n: AvailableNumber): CartCandidate {
  return {
    number: n.attributes.value,
    number_type: n.attributes.number_type,
    state: n.attributes.state,
    rate_center: n.attributes.rate_center,
    setup_cost: n.attributes.setup_cost,
    monthly_cost: n.attributes.monthly_cost,
  };
}

function CartToggle({ n, size = 'xs' }: { n: AvailableNumber; size?: 'xs' | 'sm' }) {
  const cart = useCart();
  const number = n.attributes.value;
  const added = inCart(cart, number);
  const label = formatNanp(number);
  return added ? (
    <Button
      size={size}
      variant="light"
      color="green"
      aria-label={`Remove ${label} from cart`}
      onClick={() => updateCart((s) => removeItem(s, number))}
    >
      In cart ✓
    </Button>
  ) : (
    <Button
      size={size}
      variant="outline"
      aria-label={`Add ${label} to cart`}
      onClick={() => updateCart((s) => addItems(s, [candidateOf(n)]))}
    >
      Add to cart
    </Button>
  );
}

export function AvailableNumbersTable({
  numbers,
  dimmed = false,
}: {
  numbers: AvailableNumber[];
  dimmed?: boolean;
}) {
  const cart = useCart();
  // Only admins buy: everyone else gets no checkboxes, no bulk bar and no cart buttons.
  const canBuy = useHasRole('admin');
  const wide = useMediaQuery('(min-width: 48em)', true, { getInitialValueInEffect: false });
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const selectable = numbers.filter((n) => !inCart(cart, n.attributes.value));
  const selectedHere = selectable.filter((n) => selected.has(n.attributes.value));
  const allSelected = selectable.length > 0 && selectedHere.length === selectable.length;

  const toggle = (number: string, on: boolean) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(number);
      else next.delete(number);
      return next;
    });

  const addSelected = () => {
    updateCart((s) => addItems(s, selectedHere.map(candidateOf)));
    setSelected(new Set());
  };

  const bulkBar = (
    <Group justify="space-between" gap="xs" wrap="wrap">
      <Checkbox
        label={allSelected ? 'Unselect all on this page' : 'Select all on this page'}
        checked={allSelected}
        indeterminate={selectedHere.length > 0 && !allSelected}
        disabled={selectable.length === 0}
        onChange={(e) =>
          setSelected(
            e.currentTarget.checked ? new Set(selectable.map((n) => n.attributes.value)) : new Set(),
          )
        }
      />
      <Button size="xs" disabled={selectedHere.length === 0} onClick={addSelected}>
        {selectedHere.length > 0
          ? `Add ${countOf(selectedHere.length, 'number')} to cart`
          : 'Add selected to cart'}
      </Button>
    </Group>
  );

  if (!wide) {
    return (
      <Stack gap="xs" style={{ opacity: dimmed ? 0.6 : 1 }}>
        {canBuy ? bulkBar : null}
        <Stack
          gap="xs"
          component="ul"
          p={0}
          m={0}
          style={{ listStyle: 'none' }}
          aria-label="Available numbers"
        >
          {numbers.map((n) => {
            const number = n.attributes.value;
            const added = inCart(cart, number);
            return (
              <Card key={number} component="li" withBorder padding="sm" radius="md" data-number={number}>
                {/* Number and details may wrap; the cart button keeps its full width (it was cut off). */}
                <Group gap="sm" wrap="nowrap" align="flex-start">
                  {canBuy ? (
                    <Checkbox
                      mt={4}
                      aria-label={`Select ${formatNanp(number)}`}
                      checked={added || selected.has(number)}
                      disabled={added}
                      onChange={(e) => toggle(number, e.currentTarget.checked)}
                    />
                  ) : null}
                  <Stack gap={2} style={{ minWidth: 0, flex: 1 }}>
                    <PhoneNumber value={number} fw={600} />
                    <Text size="xs" c="dimmed">
                      {numberTypeLabel(n.attributes.number_type)} · {stateLabel(n.attributes.state)} ·{' '}
                      {rateCenterLabel(n.attributes.rate_center)}
                    </Text>
                    <Text size="xs">
                      Setup {formatCents(toCents(n.attributes.setup_cost))} · Monthly{' '}
                      {formatCents(toCents(n.attributes.monthly_cost))}
                    </Text>
                  </Stack>
                  {canBuy ? (
                    <div style={{ flexShrink: 0 }}>
                      <CartToggle n={n} />
                    </div>
                  ) : null}
                </Group>
              </Card>
            );
          })}
        </Stack>
      </Stack>
    );
  }

  return (
    <Stack gap="xs" style={{ opacity: dimmed ? 0.6 : 1 }}>
      {canBuy ? bulkBar : null}
      <Table.ScrollContainer minWidth={canBuy ? 760 : 620}>
        <Table striped highlightOnHover verticalSpacing={6} aria-label="Available numbers">
          <Table.Thead>
            <Table.Tr>
              {canBuy ? (
                <Table.Th w={40}>
                  <VisuallyHidden>Select</VisuallyHidden>
                </Table.Th>
              ) : null}
              <Table.Th>Number</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Rate center</Table.Th>
              <Table.Th ta="right">Setup (USD)</Table.Th>
              <Table.Th ta="right">Monthly (USD)</Table.Th>
              {canBuy ? (
                <Table.Th ta="right">
                  <VisuallyHidden>Cart</VisuallyHidden>
                </Table.Th>
              ) : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {numbers.map((n) => {
              const number = n.attributes.value;
              const added = inCart(cart, number);
              return (
                <Table.Tr key={number} data-number={number}>
                  {canBuy ? (
                    <Table.Td>
                      <Checkbox
                        aria-label={`Select ${formatNanp(number)}`}
                        checked={added || selected.has(number)}
                        disabled={added}
                        onChange={(e) => toggle(number, e.currentTarget.checked)}
                      />
                    </Table.Td>
                  ) : null}
                  <Table.Td>
                    <PhoneNumber value={number} />
                  </Table.Td>
                  <Table.Td>
                    <Badge
                      variant="light"
                      color={/toll/.test(n.attributes.number_type) ? 'grape' : 'blue'}
                      tt="none"
                    >
                      {numberTypeLabel(n.attributes.number_type)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{stateLabel(n.attributes.state)}</Table.Td>
                  <Table.Td>{rateCenterLabel(n.attributes.rate_center)}</Table.Td>
                  <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                    {formatCents(toCents(n.attributes.setup_cost), { code: false })}
                  </Table.Td>
                  <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                    {formatCents(toCents(n.attributes.monthly_cost), { code: false })}
                  </Table.Td>
                  {canBuy ? (
                    <Table.Td ta="right">
                      <CartToggle n={n} />
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
