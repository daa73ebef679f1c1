// /buy/cart: review the cart, confirm, watch the purchase run, retry or drop what failed.
import { Alert, Badge, Button, Grid, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useState } from 'react';
import { Link } from 'react-router';
import { EmptyState } from '@/components/states';
import { PhoneNumber } from '@/components/phone-number';
import { countOf, formatNanp } from '@/lib/format';
import { useHasRole } from '@/lib/auth';
import { clearCart, isBusy, pendingItems, removeItem, totals, type CartItem } from '../api/cart';
import { useAvailability } from '../api/use-availability';
import { updateCart, useCart } from '../api/cart-store';
import { formatCents } from '../api/money';
import { usePurchase } from '../api/use-purchase';
import { CartTotals, ItemStatusBadge } from '../components/cart-panel';
import { ConfirmPurchaseModal } from '../components/confirm-purchase-modal';
import { numberTypeLabel, rateCenterLabel, stateLabel } from '../components/labels';
import { PurchaseResults } from '../components/purchase-results';

function RemoveButton({ number, disabled }: { number: string; disabled: boolean }) {
  return (
    <Button
      size="compact-xs"
      variant="subtle"
      color="gray"
      disabled={disabled}
      aria-label={`Remove ${formatNanp(number)} from cart`}
      onClick={() => updateCart((s) => removeItem(s, number))}
    >
      Remove
    </Button>
  );
}

/** "price changed (was $1.00 + $1.25/mo)" after a fresh check found other costs. */
function PriceChanged({ item }: { item: CartItem }) {
  const was = item.price_changed_from;
  if (!was) return null;
  return (
    <Text span size="xs" c="orange.9" display="block">
      price changed (was {formatCents(was.setup_cents, { code: false })} +{' '}
      {formatCents(was.monthly_cents, { code: false })}/mo)
    </Text>
  );
}

export function CartPage() {
  const narrow = !useMediaQuery('(min-width: 48em)', true, { getInitialValueInEffect: false });
  const cart = useCart();
  const purchase = usePurchase();
  const isAdmin = useHasRole('admin');
  const [confirming, setConfirming] = useState(false);
  const items = pendingItems(cart);
  const availability = useAvailability(items);
  const isGone = (item: CartItem) =>
    availability.sold.has(item.number) || (item.outcome?.status === 'failed' && item.outcome.unavailable);
  const gone = items.filter(isGone);
  // What the buy button buys: numbers known to be sold are left out (they would only fail).
  const buyable = items.filter((item) => !isGone(item));
  const t = totals(buyable);
  const anyBusy = cart.items.some(isBusy);
  const resultsShown = Boolean(cart.run);

  if (!isAdmin) {
    // The proxy refuses purchases below admin (DESIGN.md roles): offer no cart at all, only the way back.
    return (
      <EmptyState
        title="Buying numbers needs the admin role"
        action={
          <Button component={Link} to="/buy" variant="light">
            Browse the inventory
          </Button>
        }
      >
        You can browse and search the numbers for sale; ask an admin to buy the ones you need.
      </EmptyState>
    );
  }

  const buyButton = (
    <Button size="md" disabled={buyable.length === 0 || purchase.running} onClick={() => setConfirming(true)}>
      Buy {countOf(t.count, 'number')}
    </Button>
  );

  return (
    <Stack gap="lg">
      {resultsShown ? (
        <PurchaseResults
          cart={cart}
          running={purchase.running}
          stopping={purchase.stopping}
          waiting={purchase.waiting}
          isAdmin={isAdmin}
          onRetry={(numbers) => purchase.retry(numbers)}
          onStop={purchase.stop}
        />
      ) : null}

      {items.length === 0 ? (
        resultsShown ? (
          <Group gap="xs">
            <Button component={Link} to="/buy/search" variant="default">
              Find more numbers
            </Button>
            <Button component={Link} to="/numbers" variant="subtle">
              Go to your numbers
            </Button>
          </Group>
        ) : (
          <EmptyState
            title="Your cart is empty"
            action={
              <Group gap="xs" justify="center">
                <Button component={Link} to="/buy" variant="light">
                  Browse area codes
                </Button>
                <Button component={Link} to="/buy/search" variant="default">
                  Search numbers
                </Button>
              </Group>
            }
          >
            Add numbers from any search; they stay here (also after a reload) until you buy or remove them.
          </EmptyState>
        )
      ) : (
        <Grid gap="lg">
          {gone.length > 0 ? (
            <Grid.Col span={12} order={0}>
              <Alert
                color="orange"
                variant="light"
                title="No longer available — someone else bought it"
                role="alert"
              >
                <Group justify="space-between" gap="xs" wrap="wrap">
                  <Text size="sm">
                    {gone.map((i) => formatNanp(i.number)).join(', ')} {gone.length === 1 ? 'is' : 'are'} no
                    longer for sale and left out of the purchase.
                  </Text>
                  <Button
                    size="xs"
                    color="orange"
                    variant="light"
                    onClick={() => updateCart((s) => gone.reduce((acc, i) => removeItem(acc, i.number), s))}
                  >
                    Drop {gone.length === 1 ? 'it' : `all ${gone.length}`}
                  </Button>
                </Group>
              </Alert>
            </Grid.Col>
          ) : null}
          <Grid.Col span={{ base: 12, lg: 8 }} order={{ base: 2, lg: 1 }}>
            <Paper
              withBorder
              radius="md"
              p="md"
              style={{ minWidth: 0 }}
              component="section"
              aria-labelledby="cart-title"
            >
              <Group justify="space-between" mb="sm">
                <Title order={2} size="h4" id="cart-title">
                  In your cart
                </Title>
                <Button
                  size="xs"
                  variant="subtle"
                  color="gray"
                  disabled={anyBusy}
                  onClick={() => updateCart(clearCart)}
                >
                  Remove all
                </Button>
              </Group>
              {narrow ? (
                <Stack
                  gap={0}
                  component="ul"
                  p={0}
                  m={0}
                  style={{ listStyle: 'none' }}
                  aria-label="Numbers in the cart"
                >
                  {items.map((item) => (
                    <Group
                      key={item.number}
                      component="li"
                      data-number={item.number}
                      justify="space-between"
                      wrap="nowrap"
                      py="xs"
                      style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}
                    >
                      <Stack gap={2} style={{ minWidth: 0 }}>
                        <Group gap={6} wrap="nowrap">
                          <PhoneNumber value={item.number} fw={600} />
                          <ItemStatusBadge item={item} />
                          {availability.sold.has(item.number) && !item.outcome ? (
                            <Badge size="xs" color="orange" variant="light">
                              Sold
                            </Badge>
                          ) : null}
                        </Group>
                        <Text size="xs" c="dimmed">
                          {numberTypeLabel(item.number_type)} · {stateLabel(item.state)} ·{' '}
                          {rateCenterLabel(item.rate_center)}
                        </Text>
                        <Text size="xs">
                          Setup {formatCents(item.setup_cents)} · Monthly {formatCents(item.monthly_cents)}
                          <PriceChanged item={item} />
                        </Text>
                      </Stack>
                      <RemoveButton number={item.number} disabled={isBusy(item)} />
                    </Group>
                  ))}
                </Stack>
              ) : (
                <Table.ScrollContainer minWidth={620}>
                  <Table verticalSpacing={6} striped aria-label="Numbers in the cart">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Number</Table.Th>
                        <Table.Th>Type</Table.Th>
                        <Table.Th>State</Table.Th>
                        <Table.Th>Rate center</Table.Th>
                        <Table.Th ta="right">Setup (USD)</Table.Th>
                        <Table.Th ta="right">Monthly (USD)</Table.Th>
                        <Table.Th ta="right">Remove</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {items.map((item) => (
                        <Table.Tr key={item.number} data-number={item.number}>
                          <Table.Td>
                            <Group gap={6} wrap="nowrap">
                              <PhoneNumber value={item.number} />
                              <ItemStatusBadge item={item} />
                              {availability.sold.has(item.number) && !item.outcome ? (
                                <Badge size="xs" color="orange" variant="light">
                                  Sold
                                </Badge>
                              ) : null}
                            </Group>
                          </Table.Td>
                          <Table.Td>{numberTypeLabel(item.number_type)}</Table.Td>
                          <Table.Td>{stateLabel(item.state)}</Table.Td>
                          <Table.Td>{rateCenterLabel(item.rate_center)}</Table.Td>
                          <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                            {formatCents(item.setup_cents, { code: false })}
                            <PriceChanged item={item} />
                          </Table.Td>
                          <Table.Td ta="right" style={{ fontVariantNumeric: 'tabular-nums' }}>
                            {formatCents(item.monthly_cents, { code: false })}
                          </Table.Td>
                          <Table.Td ta="right">
                            <Button
                              size="compact-xs"
                              variant="subtle"
                              color="gray"
                              disabled={isBusy(item)}
                              aria-label={`Remove ${formatNanp(item.number)} from cart`}
                              onClick={() => updateCart((s) => removeItem(s, item.number))}
                            >
                              Remove
                            </Button>
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              )}
              <Group mt="sm" gap="xs">
                <Button component={Link} to="/buy/search" variant="default" size="xs">
                  Add more numbers
                </Button>
              </Group>
            </Paper>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 4 }} order={{ base: 1, lg: 2 }}>
            <Paper withBorder radius="md" p="md" component="section" aria-labelledby="totals-title">
              <Stack gap="sm">
                <Title order={2} size="h4" id="totals-title">
                  Total
                </Title>
                <CartTotals count={t.count} setupCents={t.setup_cents} monthlyCents={t.monthly_cents} />
                {buyButton}
                <Text size="xs" c="dimmed">
                  Each number is bought with its own request; if one fails, the others still go through.
                </Text>
              </Stack>
            </Paper>
          </Grid.Col>
        </Grid>
      )}

      <ConfirmPurchaseModal
        opened={confirming}
        items={buyable}
        busy={purchase.running}
        onClose={() => setConfirming(false)}
        onConfirm={() => {
          purchase.start(buyable.map((i) => i.number));
          setConfirming(false);
        }}
      />
    </Stack>
  );
}
