// The cart summary shown next to every buy screen (side panel on wide screens, drawer on phones):
// items, totals in USD, remove/clear, and the way to the review-and-buy page.
import {
  ActionIcon,
  Badge,
  Button,
  Divider,
  Group,
  Progress,
  ScrollArea,
  Stack,
  Text,
  Tooltip,
} from '@mantine/core';
import { Link } from 'react-router';
import { PhoneNumber } from '@/components/phone-number';
import { formatNanp } from '@/lib/format';
import { clearCart, isBusy, pendingItems, removeItem, runProgress, totals, type CartItem } from '../api/cart';
import { updateCart, useCart } from '../api/cart-store';
import { formatCents } from '../api/money';
import { useRunnerState } from '../api/purchase-runner';

export function CartTotals({
  count,
  setupCents,
  monthlyCents,
}: {
  count: number;
  setupCents: number;
  monthlyCents: number;
}) {
  return (
    <Stack gap={2}>
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Text size="sm">Numbers</Text>
        <Text size="sm" fw={600} data-testid="cart-count">
          {count}
        </Text>
      </Group>
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Text size="sm">Setup (one time)</Text>
        <Text
          size="sm"
          fw={600}
          style={{ fontVariantNumeric: 'tabular-nums' }}
          data-testid="cart-setup-total"
        >
          {formatCents(setupCents)}
        </Text>
      </Group>
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Text size="sm">Monthly</Text>
        <Text
          size="sm"
          fw={600}
          style={{ fontVariantNumeric: 'tabular-nums' }}
          data-testid="cart-monthly-total"
        >
          {formatCents(monthlyCents)}/mo
        </Text>
      </Group>
    </Stack>
  );
}

export function ItemStatusBadge({ item }: { item: CartItem }) {
  switch (item.outcome?.status) {
    case 'queued':
      return (
        <Badge size="xs" color="gray" variant="light">
          Waiting
        </Badge>
      );
    case 'in_flight':
      return (
        <Badge size="xs" color="blue" variant="light">
          Buying…
        </Badge>
      );
    case 'bought':
      return (
        <Badge size="xs" color="green" variant="light">
          Bought
        </Badge>
      );
    case 'failed':
      return (
        <Badge size="xs" color={item.outcome.unavailable ? 'orange' : 'red'} variant="light">
          {item.outcome.unavailable ? 'Unavailable' : 'Failed'}
        </Badge>
      );
    case 'not_attempted':
      return (
        <Badge size="xs" color="gray" variant="outline">
          Not attempted
        </Badge>
      );
    default:
      return null;
  }
}

export function CartPanel({ onNavigate, inDrawer = false }: { onNavigate?: () => void; inDrawer?: boolean }) {
  const cart = useCart();
  const runner = useRunnerState();
  const items = pendingItems(cart);
  const t = totals(items);
  const progress = runProgress(cart);
  const anyBusy = cart.items.some(isBusy);

  return (
    <Stack gap="sm">
      <Group justify={inDrawer ? 'flex-end' : 'space-between'} wrap="nowrap">
        {/* In the drawer its title already says "Cart". */}
        {inDrawer ? null : (
          <Text fw={700} component="h2" size="lg" m={0}>
            Cart
          </Text>
        )}
        {items.length > 0 ? (
          <Button
            size="compact-xs"
            variant="subtle"
            color="gray"
            disabled={anyBusy}
            onClick={() => updateCart(clearCart)}
          >
            Clear
          </Button>
        ) : null}
      </Group>

      {runner.running ? (
        <Stack gap={4}>
          <Text size="xs" c="dimmed">
            Buying {progress.done} of {progress.total}…
          </Text>
          <Progress value={progress.total ? (progress.done / progress.total) * 100 : 0} size="sm" animated />
        </Stack>
      ) : null}

      {items.length === 0 ? (
        <Text size="sm" c="dimmed">
          Your cart is empty. Add numbers from the search results.
        </Text>
      ) : (
        <ScrollArea.Autosize mah={360} type="auto" offsetScrollbars>
          <Stack gap={6} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
            {items.map((item) => (
              <Group key={item.number} component="li" justify="space-between" wrap="nowrap" gap="xs">
                <Stack gap={0} style={{ minWidth: 0 }}>
                  <PhoneNumber value={item.number} size="sm" />
                  <Group gap={6} wrap="nowrap">
                    <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                      {formatCents(item.setup_cents, { code: false })} +{' '}
                      {formatCents(item.monthly_cents, { code: false })}
                      /mo
                    </Text>
                    <ItemStatusBadge item={item} />
                  </Group>
                </Stack>
                <Tooltip label="Remove from cart" withArrow>
                  <ActionIcon
                    variant="subtle"
                    color="gray"
                    size="sm"
                    aria-label={`Remove ${formatNanp(item.number)} from cart`}
                    disabled={isBusy(item)}
                    onClick={() => updateCart((s) => removeItem(s, item.number))}
                  >
                    <span aria-hidden="true">×</span>
                  </ActionIcon>
                </Tooltip>
              </Group>
            ))}
          </Stack>
        </ScrollArea.Autosize>
      )}

      <Divider />
      <CartTotals count={t.count} setupCents={t.setup_cents} monthlyCents={t.monthly_cents} />
      {items.length > 0 || cart.run ? (
        <Button component={Link} to="/buy/cart" onClick={onNavigate}>
          {items.length > 0 ? 'Review and buy' : 'View purchase results'}
        </Button>
      ) : null}
    </Stack>
  );
}
