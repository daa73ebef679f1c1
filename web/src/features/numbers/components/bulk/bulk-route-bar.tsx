// Bulk route assignment, shown above the account numbers list when rows are selected: pick a route and
// a slot, preview current → new per number, apply with progress and per-number results, retry the
// failures, and revert to the saved "before" values (kept in sessionStorage across reloads).
import {
  Alert,
  Badge,
  Button,
  Group,
  List,
  Modal,
  Paper,
  Progress,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useId, useMemo, useState } from 'react';
import { DateTime } from '@/components/date-time';
import { useHasRole } from '@/lib/auth';
import { DEFAULT_ROUTE_ID, routeLabel, type Route, type RouteSlot } from '@/lib/flowroute/routes';
import { formatNanp } from '@/lib/format';
import { RouteSelect } from '../routing/route-select';
import { useOnAccount } from '../routing/use-on-account';
import {
  failedNumbers,
  itemsOf,
  notRevertible,
  previewRows,
  summarize,
  toApply,
  toRevert,
  type BulkState,
} from './bulk-machine';
import { BulkTable } from './bulk-table';
import { useBulkRun, type BulkFilters, type BulkSelection } from './use-bulk-run';

export type { BulkFilters, BulkSelection } from './use-bulk-run';

const TYPED_CONFIRM_FROM = 100;

function numbersText(n: number): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? 'number' : 'numbers'}`;
}

function describeFilters(filters: BulkFilters): string {
  const parts = [
    filters.starts_with ? `starting with ${filters.starts_with}` : null,
    filters.contains ? `containing ${filters.contains}` : null,
    filters.ends_with ? `ending with ${filters.ends_with}` : null,
  ].filter(Boolean);
  return parts.length ? `All numbers ${parts.join(', ')}` : 'All numbers on the account';
}

export function BulkRouteBar({
  selection,
  filters,
  onClear,
}: {
  selection: BulkSelection;
  filters: BulkFilters;
  onClear: () => void;
}) {
  const canChange = useHasRole('operator');
  const run = useBulkRun();
  const slotLabelId = useId();
  const [slot, setSlot] = useState<RouteSlot>('primary');
  const [target, setTarget] = useState<{ id: string; route: Route | null } | null>(null);
  const [dialogOpen, setDialogOpen] = useState(false);

  const targetNumber =
    slot === 'failover' && target?.route?.attributes.route_type === 'number'
      ? target.route.attributes.value
      : null;
  const targetOwned = useOnAccount(targetNumber);
  const blockedReason =
    targetNumber && targetOwned
      ? `${formatNanp(targetNumber)} is one of this account's Flowroute numbers: Flowroute does not allow it as a failover.`
      : null;

  const count = selection.mode === 'some' ? selection.numbers.length : null;
  const hasRun = run.state.phase !== 'idle';
  // A new run replaces the saved "before" values: not while the last change can still be reverted.
  const pendingRevert =
    (run.state.phase === 'done' || run.state.phase === 'reverted') && toRevert(run.state).length > 0;
  const busy =
    run.state.phase === 'applying' || run.state.phase === 'reverting' || run.state.phase === 'collecting';
  if (count === 0 && !hasRun) return null;

  const preview = () => {
    if (!target) return;
    setDialogOpen(true);
    void run.start(selection, filters, slot, target.id, routeLabel(target.route, target.id));
  };

  return (
    <>
      {hasRun && !dialogOpen ? (
        <LastRunStrip state={run.state} onOpen={() => setDialogOpen(true)} onForget={run.reset} />
      ) : null}
      {count !== 0 ? (
        <Paper
          withBorder
          shadow="sm"
          p="sm"
          radius="md"
          role="region"
          aria-label="Bulk route change"
          style={{ position: 'sticky', bottom: 0, zIndex: 5 }}
        >
          <Group align="flex-end" gap="sm" wrap="wrap">
            <Stack gap={2} style={{ flex: '1 1 180px' }}>
              <Text fw={600} size="sm">
                {count === null
                  ? describeFilters(filters)
                  : `${count.toLocaleString('en-US')} ${count === 1 ? 'number' : 'numbers'} selected`}
              </Text>
              <Button variant="subtle" size="compact-xs" onClick={onClear} w="fit-content" px={0}>
                Clear selection
              </Button>
            </Stack>
            {canChange ? (
              <>
                <div>
                  <Text id={slotLabelId} size="sm" fw={500} mb={4}>
                    Slot
                  </Text>
                  <SegmentedControl
                    aria-labelledby={slotLabelId}
                    value={slot}
                    onChange={(v) => setSlot(v as RouteSlot)}
                    data={[
                      { value: 'primary', label: 'Primary' },
                      { value: 'failover', label: 'Failover' },
                    ]}
                  />
                </div>
                <div style={{ flex: '2 1 260px', minWidth: 0 }}>
                  <RouteSelect
                    label={`New ${slot} route`}
                    value={target?.id ?? null}
                    onChange={(id, route) => setTarget(id ? { id, route } : null)}
                    error={blockedReason}
                    description={null}
                  />
                </div>
                <Stack gap={2}>
                  <Button
                    onClick={preview}
                    disabled={!target || Boolean(blockedReason) || busy || pendingRevert}
                  >
                    Preview change
                  </Button>
                  {pendingRevert ? (
                    <Text size="xs" c="dimmed" maw={220}>
                      Revert or forget the last bulk change first (its saved routes would be lost).
                    </Text>
                  ) : null}
                </Stack>
              </>
            ) : (
              <Text size="sm" c="dimmed">
                Changing routes needs the operator role.
              </Text>
            )}
          </Group>
        </Paper>
      ) : null}
      <BulkDialog opened={dialogOpen && hasRun} onClose={() => setDialogOpen(false)} run={run} />
    </>
  );
}

function LastRunStrip({
  state,
  onOpen,
  onForget,
}: {
  state: BulkState;
  onOpen: () => void;
  onForget: () => void;
}) {
  const s = summarize(state);
  return (
    <Alert
      variant="light"
      color={s.failed > 0 || s.revertFailed > 0 ? 'yellow' : 'blue'}
      mb="sm"
      title="Bulk route change"
    >
      <Group justify="space-between" gap="sm">
        <Text size="sm">
          {state.slot === 'primary' ? 'Primary' : 'Failover'} → {state.routeLabel}: {s.ok} changed
          {s.failed ? `, ${s.failed} failed` : ''}
          {s.reverted ? `, ${s.reverted} reverted` : ''}. The previous routes are saved, so it can be
          reverted.
        </Text>
        <Group gap="xs">
          <Button size="xs" variant="light" onClick={onOpen}>
            Open
          </Button>
          <Button size="xs" variant="subtle" color="gray" onClick={onForget}>
            Forget
          </Button>
        </Group>
      </Group>
    </Alert>
  );
}

function BulkDialog({
  opened,
  onClose,
  run,
}: {
  opened: boolean;
  onClose: () => void;
  run: ReturnType<typeof useBulkRun>;
}) {
  const fullScreen = useMediaQuery('(max-width: 48em)');
  const { state } = run;
  const s = summarize(state);
  const busy = state.phase === 'applying' || state.phase === 'reverting';
  const slotName = state.slot === 'primary' ? 'primary' : 'failover';
  const items = useMemo(() => itemsOf(state), [state]);
  const rows = useMemo(() => previewRows(state), [state]);
  const sameAsOther = rows.filter((r) => r.change === 'change' && r.sameAsOther).length;
  const emptyBefore = rows.filter((r) => r.change === 'change' && r.current === null).length;
  const unrevertable = notRevertible(state).length;
  // Past this many numbers the count must be typed: one click should not reroute a whole account.
  const needsTyped = s.ready > TYPED_CONFIRM_FROM;
  const [typed, setTyped] = useState('');

  const forget = () => {
    setTyped('');
    run.reset();
    onClose();
  };

  return (
    <Modal
      closeButtonProps={{ 'aria-label': 'Close' }}
      opened={opened}
      onClose={() => !busy && onClose()}
      title={`Set the ${slotName} route to ${state.routeLabel}`}
      size="xl"
      fullScreen={fullScreen}
      closeOnClickOutside={!busy}
      closeOnEscape={!busy}
      withCloseButton={!busy}
    >
      <Stack gap="md">
        {state.phase === 'collecting' ? (
          <Stack gap={6}>
            <Text size="sm" aria-live="polite">
              {state.collected ? 'Listed' : 'Listing'} {s.total.toLocaleString('en-US')} numbers · read the
              current {slotName} route of {(s.total - s.loading).toLocaleString('en-US')}
            </Text>
            <Progress
              value={s.total ? ((s.total - s.loading) / s.total) * 100 : 0}
              animated
              aria-label="Reading current routes"
            />
            {state.collectError ? (
              <Alert color="red" variant="light" role="alert" title="Could not list the numbers">
                {state.collectError}
              </Alert>
            ) : null}
          </Stack>
        ) : null}

        {state.phase !== 'collecting' ? <Summary state={state} /> : null}

        {state.phase === 'preview' ? (
          <PreviewWarnings
            primaryDefault={state.slot === 'primary' && state.routeId === DEFAULT_ROUTE_ID}
            sameAsOther={sameAsOther}
            otherSlot={state.slot === 'primary' ? 'failover' : 'primary'}
            emptyBefore={emptyBefore}
          />
        ) : null}

        {busy ? (
          <Stack gap={6}>
            <Text size="sm" aria-live="polite">
              {state.phase === 'applying'
                ? `Applying: ${s.ok + s.failed} of ${s.ok + s.failed + s.queued} done`
                : `Reverting: ${s.reverted + s.revertFailed} of ${s.reverted + s.revertFailed + s.revertPending} done`}
            </Text>
            <Progress
              value={
                state.phase === 'applying'
                  ? ((s.ok + s.failed) / Math.max(1, s.ok + s.failed + s.queued)) * 100
                  : ((s.reverted + s.revertFailed) /
                      Math.max(1, s.reverted + s.revertFailed + s.revertPending)) *
                    100
              }
              aria-label={state.phase === 'applying' ? 'Applying route changes' : 'Reverting route changes'}
            />
          </Stack>
        ) : null}

        {run.pausedUntil !== null && (busy || state.phase === 'collecting') ? (
          <Text size="sm" c="dimmed" aria-live="polite">
            Waiting for the proxy&apos;s per-minute limit (nothing was lost or sent twice); continuing at{' '}
            <DateTime value={run.pausedUntil} size="sm" />.
          </Text>
        ) : null}

        {state.phase === 'done' && unrevertable > 0 ? (
          <Text size="sm" c="dimmed">
            {numbersText(unrevertable)} had no failover before: a revert cannot remove a failover again.
          </Text>
        ) : null}

        <BulkTable state={state} items={items} />

        <Group justify="flex-end" align="flex-end" gap="sm">
          {state.phase === 'collecting' || state.phase === 'preview' ? (
            <Button variant="default" onClick={forget}>
              Cancel
            </Button>
          ) : null}
          {state.phase === 'preview' && needsTyped ? (
            <TextInput
              label={`Type ${s.ready} to confirm`}
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              inputMode="numeric"
              autoComplete="off"
              w={180}
            />
          ) : null}
          {state.phase === 'preview' ? (
            <Button
              onClick={() => {
                setTyped('');
                void run.apply(toApply(state));
              }}
              disabled={s.ready === 0 || (needsTyped && typed.trim() !== String(s.ready))}
            >
              Apply to {s.ready.toLocaleString('en-US')} {s.ready === 1 ? 'number' : 'numbers'}
            </Button>
          ) : null}
          {busy ? (
            <Button variant="default" color="red" onClick={run.stop}>
              Stop
            </Button>
          ) : null}
          {state.phase === 'done' || state.phase === 'reverted' ? (
            <>
              <Button variant="subtle" color="gray" onClick={forget}>
                Finish and forget
              </Button>
              <Button variant="default" onClick={onClose}>
                Close
              </Button>
            </>
          ) : null}
          {state.phase === 'done' && s.failed > 0 ? (
            <Button variant="light" onClick={() => void run.apply(failedNumbers(state))}>
              Retry {s.failed} failed
            </Button>
          ) : null}
          {(state.phase === 'done' || state.phase === 'reverted') && toRevert(state).length > 0 ? (
            <Button variant="light" color="orange" onClick={() => void run.revert(toRevert(state))}>
              {state.phase === 'reverted'
                ? `Retry ${toRevert(state).length} failed reverts`
                : `Revert all ${toRevert(state).length}`}
            </Button>
          ) : null}
        </Group>
      </Stack>
    </Modal>
  );
}

function Summary({ state }: { state: BulkState }) {
  const s = summarize(state);
  const badges: Array<[string, number, string]> =
    state.phase === 'preview'
      ? [
          ['will change', s.ready, 'blue'],
          ['already on this route', s.unchanged, 'gray'],
          ['could not be read', s.loadFailed, 'red'],
        ]
      : [
          ['changed', s.ok, 'green'],
          ['failed', s.failed, 'red'],
          ['pending', s.queued, 'blue'],
          ['already on this route', s.unchanged, 'gray'],
          ['could not be read', s.loadFailed, 'red'],
          ['reverted', s.reverted, 'orange'],
          ['revert failed', s.revertFailed, 'red'],
        ];
  return (
    <Group gap="xs" aria-label="Summary" role="group">
      {badges
        .filter(([, n]) => n > 0)
        .map(([label, n, color]) => (
          <Badge key={label} color={color} variant="light" size="lg" tt="none">
            {n.toLocaleString('en-US')} {label}
          </Badge>
        ))}
    </Group>
  );
}

function PreviewWarnings({
  primaryDefault,
  sameAsOther,
  otherSlot,
  emptyBefore,
}: {
  primaryDefault: boolean;
  sameAsOther: number;
  otherSlot: RouteSlot;
  emptyBefore: number;
}) {
  const lines: string[] = [];
  if (sameAsOther > 0) {
    lines.push(
      `${numbersText(sameAsOther)} already ${sameAsOther === 1 ? 'has' : 'have'} this route as ${otherSlot}: primary and failover would be the same route.`,
    );
  }
  if (primaryDefault) {
    lines.push(
      'This is the default SIP registration route (0): calls ring only devices registered to Flowroute.',
    );
  }
  if (emptyBefore > 0) {
    lines.push(
      `${numbersText(emptyBefore)} ${emptyBefore === 1 ? 'has' : 'have'} no failover now. A revert cannot remove it again (set it back by hand).`,
    );
  }
  if (lines.length === 0) return null;
  return (
    <Alert color="yellow" variant="light" title="Before you apply">
      <List size="sm" spacing={4}>
        {lines.map((line) => (
          <List.Item key={line}>{line}</List.Item>
        ))}
      </List>
    </Alert>
  );
}
