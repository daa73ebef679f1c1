// The last step before money is spent: repeats count and totals; big orders (more than 5 numbers or a
// setup total above the limit) must type the count. The buy button can fire only once per opening.
import { Alert, Button, Group, List, Modal, ScrollArea, Stack, Text, TextInput } from '@mantine/core';
import { useRef, useState } from 'react';
import { countOf, formatNanp } from '@/lib/format';
import {
  DEFAULT_CONFIRM_POLICY,
  needsTypedConfirmation,
  totals,
  typedCountMatches,
  type CartItem,
  type ConfirmPolicy,
} from '../api/cart';
import { formatCents } from '../api/money';
import { CartTotals } from './cart-panel';

export function ConfirmPurchaseModal({
  opened,
  items,
  onClose,
  onConfirm,
  busy,
  policy = DEFAULT_CONFIRM_POLICY,
}: {
  opened: boolean;
  items: CartItem[];
  onClose: () => void;
  /** Starts the purchase; called at most once per opening. */
  onConfirm: () => void;
  busy: boolean;
  policy?: ConfirmPolicy;
}) {
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={<Text fw={700}>Buy {countOf(items.length, 'number')}?</Text>}
      size="md"
      centered
      closeButtonProps={{ 'aria-label': 'Cancel and close' }}
    >
      {/* Remounted per opening: the typed count and the one-shot guard start fresh. */}
      {opened ? (
        <ConfirmBody items={items} onClose={onClose} onConfirm={onConfirm} busy={busy} policy={policy} />
      ) : null}
    </Modal>
  );
}

function ConfirmBody({
  items,
  onClose,
  onConfirm,
  busy,
  policy,
}: {
  items: CartItem[];
  onClose: () => void;
  onConfirm: () => void;
  busy: boolean;
  policy: ConfirmPolicy;
}) {
  const t = totals(items);
  const mustType = needsTypedConfirmation(t, policy);
  const [typed, setTyped] = useState('');
  const fired = useRef(false);
  const [sent, setSent] = useState(false);
  const typedOk = !mustType || typedCountMatches(typed, t.count);
  const disabled = !typedOk || busy || sent || t.count === 0;

  const confirm = () => {
    // Double clicks land here twice before React re-renders: the ref makes the second one a no-op.
    if (fired.current || disabled) return;
    fired.current = true;
    setSent(true);
    onConfirm();
  };

  return (
    <Stack gap="md">
      <ScrollArea.Autosize mah={180} type="auto">
        <List size="sm" spacing={2} aria-label="Numbers to buy">
          {items.map((item) => (
            <List.Item key={item.number}>
              <Text span ff="monospace" size="sm">
                {formatNanp(item.number)}
              </Text>{' '}
              <Text span size="xs" c="dimmed">
                {formatCents(item.setup_cents, { code: false })} setup,{' '}
                {formatCents(item.monthly_cents, { code: false })}
                /mo
              </Text>
            </List.Item>
          ))}
        </List>
      </ScrollArea.Autosize>
      <CartTotals count={t.count} setupCents={t.setup_cents} monthlyCents={t.monthly_cents} />
      <Text size="xs" c="dimmed">
        Flowroute charges the setup cost now and the monthly cost from today. A purchase cannot be undone here
        (releasing a number needs Flowroute support to reverse).
      </Text>
      {mustType ? (
        <Alert color="yellow" variant="light" p="sm">
          <Stack gap="xs">
            <Text size="sm">
              This is a large order ({countOf(t.count, 'number')}, {formatCents(t.setup_cents)} setup). Type
              the number of numbers to confirm.
            </Text>
            <TextInput
              label={`Type ${t.count} to confirm`}
              inputMode="numeric"
              autoComplete="off"
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              data-autofocus
            />
          </Stack>
        </Alert>
      ) : null}
      <Group justify="flex-end" gap="xs" wrap="wrap-reverse">
        <Button variant="default" onClick={onClose}>
          Cancel
        </Button>
        <Button onClick={confirm} disabled={disabled} loading={busy || sent} data-autofocus={!mustType}>
          Buy {countOf(t.count, 'number')} for {formatCents(t.setup_cents)}
        </Button>
      </Group>
    </Stack>
  );
}
