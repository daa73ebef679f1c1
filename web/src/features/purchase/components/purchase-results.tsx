// Progress and per-number outcome of the current purchase run: bought (linked to its detail page),
// failed with Flowroute's reason (retry / drop), or not attempted.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Progress,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { PhoneNumber } from '@/components/phone-number';
import { countOf, formatNanp } from '@/lib/format';
import { clearBought, removeItem, runProgress, type CartItem, type CartState } from '../api/cart';
import { updateCart } from '../api/cart-store';
import { useRunnerState } from '../api/purchase-runner';
import { ItemStatusBadge } from './cart-panel';

function Reason({ item }: { item: CartItem }) {
  const { waiting } = useRunnerState();
  const outcome = item.outcome;
  switch (outcome?.status) {
    case 'bought':
      return (
        <Stack gap={0}>
          <Anchor
            component={Link}
            to={`/numbers/${item.number}`}
            size="sm"
            aria-label={`Open number ${formatNanp(item.number)}`}
          >
            Open number
          </Anchor>
          {outcome.warning ? (
            <Text size="xs" c="orange">
              {outcome.warning}
            </Text>
          ) : null}
        </Stack>
      );
    case 'failed':
      return (
        <Text size="sm" c={outcome.unavailable ? 'orange.8' : 'red.8'}>
          {outcome.reason}
          {outcome.http_status ? (
            <Text span size="xs" c="dimmed">
              {' '}
              (HTTP {outcome.http_status})
            </Text>
          ) : null}
        </Text>
      );
    case 'not_attempted':
      return (
        <Text size="sm" c="dimmed">
          Not attempted: {outcome.reason}
        </Text>
      );
    case 'in_flight':
      return (
        <Text size="sm" c="dimmed">
          {waiting ? 'Waiting for the purchase limit…' : 'Sending…'}
        </Text>
      );
    case 'queued':
      return (
        <Text size="sm" c="dimmed">
          Waiting its turn
        </Text>
      );
    default:
      return null;
  }
}

function ResultBadges({ item }: { item: CartItem }) {
  return (
    <Group gap={4} wrap="nowrap">
      <ItemStatusBadge item={item} />
      {item.outcome?.status === 'bought' && item.outcome.replayed ? (
        <Badge size="xs" variant="outline" color="gray" title="An earlier attempt had already bought it">
          already done
        </Badge>
      ) : null}
    </Group>
  );
}

function ItemActions({
  item,
  running,
  isAdmin,
  onRetry,
}: {
  item: CartItem;
  running: boolean;
  isAdmin: boolean;
  onRetry: (numbers: string[]) => void;
}) {
  const status = item.outcome?.status;
  if (running || (status !== 'failed' && status !== 'not_attempted')) return null;
  const unavailable = item.outcome?.status === 'failed' && item.outcome.unavailable;
  return (
    <Group gap={4} justify="flex-end" wrap="nowrap">
      {isAdmin && !unavailable ? (
        <Button
          size="compact-xs"
          variant="light"
          onClick={() => onRetry([item.number])}
          aria-label={`Retry ${formatNanp(item.number)}`}
        >
          Retry
        </Button>
      ) : null}
      <Button
        size="compact-xs"
        variant={unavailable ? 'light' : 'subtle'}
        color={unavailable ? 'orange' : 'gray'}
        onClick={() => updateCart((s) => removeItem(s, item.number))}
        aria-label={`Drop ${formatNanp(item.number)} from cart`}
      >
        Drop
      </Button>
    </Group>
  );
}

/** "Waiting 14 s — Limit reached: 5 purchases per minute…" with a live countdown. */
function WaitingNotice({ waiting }: { waiting: { until: number; reason: string } }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.ceil((waiting.until - now) / 1000));
  return (
    <Alert color="yellow" variant="light" p="xs" title={`Waiting ${seconds} s before the next purchase`}>
      <Text size="sm">
        {waiting.reason} The rest of the cart is bought automatically when the limit allows; nothing is sent
        twice.
      </Text>
    </Alert>
  );
}

export function PurchaseResults({
  cart,
  running,
  stopping,
  waiting,
  isAdmin,
  onRetry,
  onStop,
}: {
  cart: CartState;
  running: boolean;
  stopping: boolean;
  waiting: { until: number; reason: string } | null;
  isAdmin: boolean;
  onRetry: (numbers: string[]) => void;
  onStop: () => void;
}) {
  const narrow = !useMediaQuery('(min-width: 48em)', true, { getInitialValueInEffect: false });
  const run = cart.run;
  if (!run) return null;
  const byNumber = new Map(cart.items.map((item) => [item.number, item]));
  const items = run.numbers.map((n) => byNumber.get(n)).filter((i): i is CartItem => i !== undefined);
  const p = runProgress(cart);
  const retryable = items.filter(
    (i) =>
      (i.outcome?.status === 'failed' && !i.outcome.unavailable) || i.outcome?.status === 'not_attempted',
  );
  const unavailable = items.filter((i) => i.outcome?.status === 'failed' && i.outcome.unavailable);
  const percent = p.total ? Math.round((p.done / p.total) * 100) : 0;

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="purchase-results-title">
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Title order={2} size="h4" id="purchase-results-title">
            {running ? 'Buying numbers…' : 'Purchase results'}
          </Title>
          <Group gap="xs">
            {running ? (
              <Button size="xs" variant="default" onClick={onStop} disabled={stopping}>
                {stopping ? 'Stopping…' : 'Stop after current'}
              </Button>
            ) : null}
            {!running && retryable.length > 0 && isAdmin ? (
              <Button size="xs" onClick={() => onRetry(retryable.map((i) => i.number))}>
                Retry {countOf(retryable.length, 'number')}
              </Button>
            ) : null}
            {!running && unavailable.length > 0 ? (
              <Button
                size="xs"
                variant="light"
                color="orange"
                onClick={() =>
                  updateCart((s) => unavailable.reduce((acc, i) => removeItem(acc, i.number), s))
                }
              >
                Drop{' '}
                {unavailable.length === 1 ? 'the unavailable number' : `${unavailable.length} unavailable`}
              </Button>
            ) : null}
            {!running && p.bought > 0 ? (
              <Button size="xs" variant="subtle" color="gray" onClick={() => updateCart(clearBought)}>
                Done: clear bought from list
              </Button>
            ) : null}
          </Group>
        </Group>

        <Progress.Root size="lg" aria-hidden="true">
          <Progress.Section value={p.total ? (p.bought / p.total) * 100 : 0} color="green" />
          <Progress.Section value={p.total ? (p.failed / p.total) * 100 : 0} color="red" />
          <Progress.Section value={p.total ? (p.notAttempted / p.total) * 100 : 0} color="gray.4" />
        </Progress.Root>
        <Text size="sm" role="status" aria-live="polite" data-testid="purchase-summary">
          {p.done} of {p.total} done ({percent}%) · {p.bought} bought · {p.failed} failed
          {p.notAttempted > 0 ? ` · ${p.notAttempted} not attempted` : ''}
        </Text>
        {running && waiting ? <WaitingNotice waiting={waiting} /> : null}
        {run.stopped_reason && !running ? (
          <Alert color="yellow" variant="light" p="xs">
            Stopped: {run.stopped_reason}
          </Alert>
        ) : null}

        {narrow ? (
          <Stack
            gap={0}
            component="ul"
            p={0}
            m={0}
            style={{ listStyle: 'none' }}
            aria-label="Result per number"
          >
            {items.map((item) => (
              <Stack
                key={item.number}
                component="li"
                gap={4}
                py="xs"
                data-number={item.number}
                data-status={item.outcome?.status ?? 'none'}
                style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}
              >
                <Group justify="space-between" wrap="nowrap" gap="xs">
                  <PhoneNumber value={item.number} fw={600} />
                  <ResultBadges item={item} />
                </Group>
                <Reason item={item} />
                <ItemActions item={item} running={running} isAdmin={isAdmin} onRetry={onRetry} />
              </Stack>
            ))}
          </Stack>
        ) : (
          <Table verticalSpacing={6} aria-label="Result per number">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Number</Table.Th>
                <Table.Th>Result</Table.Th>
                <Table.Th>Details</Table.Th>
                <Table.Th ta="right">Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((item) => (
                <Table.Tr
                  key={item.number}
                  data-number={item.number}
                  data-status={item.outcome?.status ?? 'none'}
                >
                  <Table.Td>
                    <PhoneNumber value={item.number} />
                  </Table.Td>
                  <Table.Td>
                    <ResultBadges item={item} />
                  </Table.Td>
                  <Table.Td>
                    <Reason item={item} />
                  </Table.Td>
                  <Table.Td ta="right">
                    <ItemActions item={item} running={running} isAdmin={isAdmin} onRetry={onRetry} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Paper>
  );
}
