// Per-number routing panel: shows the number's primary and failover route as Flowroute reports them,
// and lets operators change them (pick or create a route, see warnings, confirm current → new, then read
// the number back and show what the server says).
import { Alert, Badge, Button, Card, Group, List, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import { RouteForm } from '@/components/route-form';
import { ErrorState, LoadingState } from '@/components/states';
import { Can } from '@/lib/auth';
import { invalidateNumbers, numberQueries, routeOf } from '@/lib/flowroute/numbers';
import {
  ROUTE_TYPE_LABELS,
  changeError,
  keyForAttempt,
  patchRouteUsage,
  routeLabel,
  routeValueText,
  setNumberRoute,
  type ChangeError,
  type Route,
  type RouteSlot,
} from '@/lib/flowroute/routes';
import { formatNanp } from '@/lib/format';
import { RouteSelect } from './route-select';
import { useOnAccount } from './use-on-account';
import {
  failoverNumberTarget,
  hasBlockingWarning,
  routingWarnings,
  type RoutingWarning,
  type SlotRoute,
} from './route-warnings';

const SLOTS: RouteSlot[] = ['primary', 'failover'];
const SLOT_LABEL: Record<RouteSlot, string> = { primary: 'Primary', failover: 'Failover' };

type SlotOutcome = { slot: RouteSlot; ok: true } | { slot: RouteSlot; ok: false; error: ChangeError };

interface ApplyResult {
  outcomes: SlotOutcome[];
  /** What the server reports after the change (read back). */
  server: { primary: SlotRoute | null; failover: SlotRoute | null } | null;
  intended: Partial<Record<RouteSlot, string>>;
  readBackError?: string;
}

export function NumberRoutingPanel({ number }: { number: string }) {
  const detailQuery = useQuery(numberQueries.detail(number));
  const [editing, setEditing] = useState(false);
  const [result, setResult] = useState<ApplyResult | null>(null);

  const current = useMemo(() => {
    const detail = detailQuery.data;
    if (!detail) return null;
    const slot = (name: 'primary_route' | 'failover_route'): SlotRoute | null => {
      const { id, route } = routeOf(detail, name);
      return id === null ? null : { id, route: route ?? null };
    };
    return { primary: slot('primary_route'), failover: slot('failover_route') };
  }, [detailQuery.data]);

  const currentFailoverOwned = useOnAccount(failoverNumberTarget(current?.failover ?? null));
  const currentWarnings = current
    ? routingWarnings({ number, ...current, failoverTargetOnAccount: currentFailoverOwned })
    : [];

  return (
    <Card withBorder radius="md" padding="lg" component="section" aria-labelledby={`routing-${number}`}>
      <Group justify="space-between" mb="sm" gap="xs">
        <Title order={2} size="h4" id={`routing-${number}`}>
          Voice routing
        </Title>
        {current && !editing ? (
          <Can role="operator">
            <Button
              size="xs"
              variant="light"
              onClick={() => {
                setEditing(true);
                setResult(null);
              }}
            >
              Change routing
            </Button>
          </Can>
        ) : null}
      </Group>
      {detailQuery.isPending ? (
        <LoadingState rows={2} label="Loading routing" />
      ) : detailQuery.isError ? (
        <ErrorState error={detailQuery.error} onRetry={() => void detailQuery.refetch()} />
      ) : current ? (
        <Stack gap="md">
          {result ? <ResultNotice result={result} onDismiss={() => setResult(null)} /> : null}
          {editing ? (
            <RoutingEditor
              number={number}
              current={current}
              onCancel={() => setEditing(false)}
              onApplied={(r) => {
                setResult(r);
                if (r.outcomes.every((o) => o.ok)) setEditing(false);
              }}
            />
          ) : (
            <>
              <SlotTable primary={current.primary} failover={current.failover} />
              <Warnings warnings={currentWarnings} title="Check this routing" />
            </>
          )}
        </Stack>
      ) : null}
    </Card>
  );
}

function RouteCell({ slot }: { slot: SlotRoute | null }) {
  if (!slot) {
    return (
      <Text size="sm" c="dimmed">
        None set
      </Text>
    );
  }
  const route = slot.route;
  return (
    <Stack gap={2}>
      <Group gap={6} wrap="wrap">
        <Text size="sm" fw={500}>
          {route?.attributes.alias || `Route ${slot.id}`}
        </Text>
        {route ? (
          <Badge size="xs" variant="light" color="gray">
            {ROUTE_TYPE_LABELS[route.attributes.route_type] ?? route.attributes.route_type}
          </Badge>
        ) : null}
      </Group>
      <Text size="xs" c="dimmed" ff="monospace" style={{ wordBreak: 'break-all' }}>
        {(route && routeValueText(route)) ??
          (slot.id === '0' ? 'devices registered to Flowroute' : `id ${slot.id}`)}
      </Text>
    </Stack>
  );
}

function SlotTable({ primary, failover }: { primary: SlotRoute | null; failover: SlotRoute | null }) {
  return (
    <Table withRowBorders={false} verticalSpacing={6} horizontalSpacing={0} aria-label="Current routes">
      <Table.Tbody>
        {SLOTS.map((slot) => (
          <Table.Tr key={slot}>
            <Table.Th w={110} fw={500} c="dimmed" style={{ verticalAlign: 'top' }} scope="row">
              {SLOT_LABEL[slot]}
            </Table.Th>
            <Table.Td>
              <RouteCell slot={slot === 'primary' ? primary : failover} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

const SEVERITY_COLOR = { error: 'red', warning: 'yellow', info: 'blue' } as const;

export function Warnings({ warnings, title }: { warnings: RoutingWarning[]; title: string }) {
  if (warnings.length === 0) return null;
  const worst = warnings[0]?.severity ?? 'info';
  return (
    <Alert
      color={SEVERITY_COLOR[worst]}
      variant="light"
      title={title}
      role={worst === 'error' ? 'alert' : undefined}
    >
      <List size="sm" spacing={4}>
        {warnings.map((w) => (
          <List.Item key={`${w.code}-${w.message}`}>
            {w.severity === 'error' ? <strong>Not allowed: </strong> : null}
            {w.message}
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}

function RoutingEditor({
  number,
  current,
  onCancel,
  onApplied,
}: {
  number: string;
  current: { primary: SlotRoute | null; failover: SlotRoute | null };
  onCancel: () => void;
  onApplied: (result: ApplyResult) => void;
}) {
  const queryClient = useQueryClient();
  const fullScreen = useMediaQuery('(max-width: 36em)');
  const [draft, setDraft] = useState<{ primary: SlotRoute | null; failover: SlotRoute | null }>(current);
  const [creatingFor, setCreatingFor] = useState<RouteSlot | null>(null);
  const [created, setCreated] = useState<Route[]>([]);
  const [confirming, setConfirming] = useState(false);
  const [applying, setApplying] = useState(false);
  // Idempotency-Key per slot for this intent (see keyForAttempt for when a retry reuses it).
  const attempts = useRef<Partial<Record<RouteSlot, { routeId: string; key: string; error?: ChangeError }>>>(
    {},
  );

  const known = useMemo(() => {
    const list: Route[] = [...created];
    for (const s of [current.primary, current.failover]) if (s?.route) list.push(s.route);
    return list;
  }, [created, current]);

  const owned = useOnAccount(failoverNumberTarget(draft.failover));
  const warnings = routingWarnings({ number, ...draft, failoverTargetOnAccount: owned });
  const blocked = hasBlockingWarning(warnings);
  const changes = SLOTS.filter((slot) => draft[slot] !== null && draft[slot]?.id !== current[slot]?.id);
  const checkingOwnership = failoverNumberTarget(draft.failover) !== null && owned === null;

  const apply = async () => {
    setApplying(true);
    const outcomes: SlotOutcome[] = [];
    const intended: Partial<Record<RouteSlot, string>> = {};
    // Primary first: if it fails, the failover is not changed either, so the pair stays consistent.
    for (const slot of changes) {
      const target = draft[slot];
      if (!target) continue;
      intended[slot] = target.id;
      const previous = attempts.current[slot];
      const key = keyForAttempt(previous?.routeId === target.id ? previous : {});
      attempts.current[slot] = { routeId: target.id, key };
      try {
        await setNumberRoute(number, slot, target.id, key);
        outcomes.push({ slot, ok: true });
        attempts.current[slot] = undefined;
      } catch (error) {
        const failure = changeError(error);
        attempts.current[slot] = { routeId: target.id, key, error: failure };
        outcomes.push({ slot, ok: false, error: failure });
        break;
      }
    }
    // Show what the server says now, not what we assumed.
    let server: ApplyResult['server'] = null;
    let readBackError: string | undefined;
    try {
      const detail = await queryClient.fetchQuery({ ...numberQueries.detail(number), staleTime: 0 });
      const read = (name: 'primary_route' | 'failover_route'): SlotRoute | null => {
        const { id, route } = routeOf(detail, name);
        return id === null ? null : { id, route: route ?? null };
      };
      server = { primary: read('primary_route'), failover: read('failover_route') };
      const now = server;
      patchRouteUsage(
        queryClient,
        SLOTS.map((slot) => ({ number, slot, routeId: now[slot]?.id ?? null })),
      );
    } catch (error) {
      readBackError = changeError(error).message;
    }
    void invalidateNumbers(queryClient);
    setApplying(false);
    setConfirming(false);
    onApplied({ outcomes, server, intended, readBackError });
  };

  return (
    <Stack gap="md">
      {SLOTS.map((slot) => (
        <Stack key={slot} gap={6}>
          <RouteSelect
            label={`${SLOT_LABEL[slot]} route`}
            value={draft[slot]?.id ?? null}
            knownRoutes={known}
            onChange={(id, route) => setDraft((d) => ({ ...d, [slot]: id ? { id, route } : null }))}
            description={
              slot === 'failover'
                ? 'Used when the primary does not answer. Cannot be another Flowroute number.'
                : 'Where calls to this number go first.'
            }
          />
          <Group gap="xs">
            <Button size="compact-sm" variant="subtle" onClick={() => setCreatingFor(slot)}>
              New route for {slot}…
            </Button>
          </Group>
        </Stack>
      ))}
      {checkingOwnership ? (
        <Text size="sm" c="dimmed">
          Checking whether {formatNanp(failoverNumberTarget(draft.failover))} is one of this account&apos;s
          numbers…
        </Text>
      ) : null}
      <Warnings warnings={warnings} title={blocked ? 'This routing cannot be saved' : 'Before you save'} />
      <Group justify="flex-end" gap="sm">
        <Button variant="default" onClick={onCancel}>
          Cancel
        </Button>
        <Button
          onClick={() => setConfirming(true)}
          disabled={changes.length === 0 || blocked || checkingOwnership}
        >
          Review change
        </Button>
      </Group>

      <Modal
        closeButtonProps={{ 'aria-label': 'Close' }}
        opened={creatingFor !== null}
        onClose={() => setCreatingFor(null)}
        title={`New route for the ${creatingFor ?? ''} slot`}
        size="lg"
        fullScreen={fullScreen}
      >
        <RouteForm
          submitLabel="Create and select"
          onCancel={() => setCreatingFor(null)}
          onCreated={(route) => {
            setCreated((list) => [...list, route]);
            if (creatingFor) setDraft((d) => ({ ...d, [creatingFor]: { id: route.id, route } }));
            setCreatingFor(null);
          }}
        />
      </Modal>

      <Modal
        closeButtonProps={{ 'aria-label': 'Close' }}
        opened={confirming}
        onClose={() => !applying && setConfirming(false)}
        title={`Change routing of ${formatNanp(number)}?`}
        size="lg"
        fullScreen={fullScreen}
      >
        <Stack gap="md">
          <Table.ScrollContainer minWidth={420}>
            <Table aria-label="Routing change" verticalSpacing="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Slot</Table.Th>
                  <Table.Th>Current</Table.Th>
                  <Table.Th>New</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {SLOTS.map((slot) => {
                  const changed = changes.includes(slot);
                  return (
                    <Table.Tr key={slot}>
                      <Table.Th scope="row">{SLOT_LABEL[slot]}</Table.Th>
                      <Table.Td>
                        <RouteCell slot={current[slot]} />
                      </Table.Td>
                      <Table.Td>
                        {changed ? (
                          <RouteCell slot={draft[slot]} />
                        ) : (
                          <Text size="sm" c="dimmed">
                            unchanged
                          </Text>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Warnings warnings={warnings} title="Warnings" />
          <Text size="sm" c="dimmed">
            Calls to this number follow the new routing as soon as Flowroute accepts it.
          </Text>
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={() => setConfirming(false)} disabled={applying}>
              Back
            </Button>
            <Button onClick={() => void apply()} loading={applying} disabled={blocked}>
              Apply {changes.length === 1 ? 'change' : `${changes.length} changes`}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}

function ResultNotice({ result, onDismiss }: { result: ApplyResult; onDismiss: () => void }) {
  const failed = result.outcomes.filter((o): o is Extract<SlotOutcome, { ok: false }> => !o.ok);
  const mismatched = result.server
    ? (Object.entries(result.intended) as [RouteSlot, string][]).filter(
        ([slot, id]) =>
          result.outcomes.some((o) => o.slot === slot && o.ok) && result.server?.[slot]?.id !== id,
      )
    : [];
  const ok = failed.length === 0 && mismatched.length === 0 && !result.readBackError;
  return (
    <Alert
      color={ok ? 'green' : failed.length > 0 ? 'red' : 'yellow'}
      variant="light"
      title={ok ? 'Routing saved' : failed.length > 0 ? 'Routing not fully saved' : 'Check the result'}
      withCloseButton
      onClose={onDismiss}
      closeButtonLabel="Dismiss"
      role={ok ? 'status' : 'alert'}
    >
      <Stack gap={4}>
        {failed.map((f) => (
          <Text size="sm" key={f.slot}>
            {SLOT_LABEL[f.slot]} was not changed: {f.error.message}
            {f.error.status ? ` (HTTP ${f.error.status})` : ''}
          </Text>
        ))}
        {mismatched.map(([slot, id]) => (
          <Text size="sm" key={slot}>
            Flowroute accepted the {slot} change to route {id}, but now reports{' '}
            {routeLabel(result.server?.[slot]?.route, result.server?.[slot]?.id ?? null)}.
          </Text>
        ))}
        {result.server ? (
          <Text size="sm">
            Flowroute now reports: primary{' '}
            {routeLabel(result.server.primary?.route, result.server.primary?.id ?? null)}; failover{' '}
            {routeLabel(result.server.failover?.route, result.server.failover?.id ?? null)}.
          </Text>
        ) : (
          <Text size="sm">
            Could not read the number back: {result.readBackError}. Reload to see the current routing.
          </Text>
        )}
      </Stack>
    </Alert>
  );
}
