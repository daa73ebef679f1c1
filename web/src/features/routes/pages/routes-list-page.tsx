// /routes: the account's inbound routes (filter by type, paged by links.next, URL state) and, for each,
// which of the account's numbers use it as primary or failover (see api/route-usage.ts for how).
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  VisuallyHidden,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { Fragment, useMemo, useState } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';
import { PageHeader } from '@/components/page-header';
import { Pager, nextOffsetFromLink, usePageParams } from '@/components/pager';
import { PhoneNumber } from '@/components/phone-number';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { Can } from '@/lib/auth';
import {
  DEFAULT_ROUTE_ID,
  ROUTE_TYPE_LABELS,
  isRouteType,
  routeLabel,
  routeQueries,
  type Route,
} from '@/lib/flowroute/routes';
import { usageByRoute, type RouteUse } from '../api/route-usage';
import { UsageStatus, useRouteUsage } from '../components/usage-status';
import { countOf } from '@/lib/format';

const TYPE_COLORS: Record<string, string> = { host: 'blue', uri: 'grape', number: 'teal', 'sip-reg': 'gray' };
const SHOW_NUMBERS = 60;

export function RoutesListPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const location = useLocation();
  const created = (location.state as { created?: Route } | null)?.created ?? null;
  const rawType = searchParams.get('type');
  const routeType = isRouteType(rawType) ? rawType : undefined;
  const { limit, offset, setPage } = usePageParams({ defaultLimit: 50 });
  const routesQuery = useQuery(routeQueries.list({ route_type: routeType, limit, offset }));
  const usage = useRouteUsage();
  const byRoute = useMemo(() => (usage.numbers ? usageByRoute(usage.numbers) : null), [usage.numbers]);
  const [expanded, setExpanded] = useState<Set<string>>(() => new Set());
  const compact = useMediaQuery('(max-width: 48em)') ?? false;

  const setType = (value: string | null) => {
    setSearchParams((prev) => {
      const params = new URLSearchParams(prev);
      if (value && value !== 'all') params.set('type', value);
      else params.delete('type');
      params.delete('offset');
      return params;
    });
  };
  const toggle = (id: string) =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const routes = routesQuery.data?.data ?? [];
  return (
    <>
      <PageHeader
        title="Routes"
        description="Where Flowroute sends inbound calls. Each number has a primary route and an optional failover."
        actions={
          <Can role="operator">
            <Button component={Link} to="/routes/new">
              New route
            </Button>
          </Can>
        }
      />
      <Stack gap="md">
        {created ? (
          <Alert color="green" variant="light" title="Route created">
            {routeLabel(created)} (id {created.id}) can now be set as a number&apos;s primary or failover.
          </Alert>
        ) : null}
        <UsageStatus usage={usage} />
        <Group align="flex-end" justify="space-between" gap="sm">
          <Select
            label="Route type"
            value={routeType ?? 'all'}
            onChange={setType}
            allowDeselect={false}
            data={[
              { value: 'all', label: 'All types' },
              ...(['host', 'uri', 'number', 'sip-reg'] as const).map((t) => ({
                value: t,
                label: ROUTE_TYPE_LABELS[t],
              })),
            ]}
            w={220}
          />
        </Group>
        <Paper withBorder radius="md" style={{ opacity: routesQuery.isPlaceholderData ? 0.6 : 1 }}>
          {routesQuery.isPending || (routesQuery.isPlaceholderData && routes.length === 0) ? (
            // The previous filter's empty page is not an answer for this one: load, never a false "No routes".
            <LoadingState rows={6} label="Loading routes" />
          ) : routesQuery.isError ? (
            <ErrorState error={routesQuery.error} onRetry={() => void routesQuery.refetch()} />
          ) : routes.length === 0 ? (
            <EmptyState title={routeType ? `No ${ROUTE_TYPE_LABELS[routeType]} routes` : 'No routes'}>
              {offset > 0
                ? 'There are no more routes on this page.'
                : 'Create a route to send calls somewhere.'}
            </EmptyState>
          ) : compact ? (
            <Stack
              gap={0}
              component="ul"
              aria-label="Routes"
              style={{ listStyle: 'none', margin: 0, padding: 0 }}
            >
              {routes.map((route) => {
                const use = byRoute?.get(route.id) ?? { primary: [], failover: [] };
                const open = expanded.has(route.id);
                const panelId = `route-numbers-${route.id}`;
                return (
                  <li
                    key={route.id}
                    style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}
                  >
                    <Stack gap={6} p="sm">
                      <Group justify="space-between" wrap="nowrap" gap="xs">
                        <RouteName route={route} />
                        <RouteTypeBadge route={route} />
                      </Group>
                      <RouteValue route={route} />
                      <Group justify="space-between" gap="xs">
                        <Text size="sm">
                          Primary for{' '}
                          <Count value={byRoute ? use.primary.length : null} partial={!usage.complete} /> ·
                          Failover for{' '}
                          <Count value={byRoute ? use.failover.length : null} partial={!usage.complete} />
                        </Text>
                        <ShowNumbersButton
                          route={route}
                          open={open}
                          panelId={panelId}
                          disabled={!byRoute || use.primary.length + use.failover.length === 0}
                          onClick={() => toggle(route.id)}
                        />
                      </Group>
                      {open ? (
                        <div id={panelId}>
                          <RouteNumbers use={use} />
                        </div>
                      ) : null}
                    </Stack>
                  </li>
                );
              })}
            </Stack>
          ) : (
            <Table.ScrollContainer minWidth={760}>
              <Table highlightOnHover verticalSpacing="sm" aria-label="Routes">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Alias</Table.Th>
                    <Table.Th>Type</Table.Th>
                    <Table.Th>Value</Table.Th>
                    <Table.Th ta="right">Primary for</Table.Th>
                    <Table.Th ta="right">Failover for</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>Numbers</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {routes.map((route) => {
                    const use = byRoute?.get(route.id) ?? { primary: [], failover: [] };
                    const open = expanded.has(route.id);
                    const total = use.primary.length + use.failover.length;
                    const panelId = `route-numbers-${route.id}`;
                    return (
                      <Fragment key={route.id}>
                        <Table.Tr>
                          <Table.Td>
                            <RouteName route={route} />
                          </Table.Td>
                          <Table.Td>
                            <RouteTypeBadge route={route} />
                          </Table.Td>
                          <Table.Td>
                            <RouteValue route={route} />
                          </Table.Td>
                          <Table.Td ta="right">
                            <Count value={byRoute ? use.primary.length : null} partial={!usage.complete} />
                          </Table.Td>
                          <Table.Td ta="right">
                            <Count value={byRoute ? use.failover.length : null} partial={!usage.complete} />
                          </Table.Td>
                          <Table.Td ta="right">
                            <ShowNumbersButton
                              route={route}
                              open={open}
                              panelId={panelId}
                              disabled={!byRoute || total === 0}
                              onClick={() => toggle(route.id)}
                            />
                          </Table.Td>
                        </Table.Tr>
                        {open ? (
                          <Table.Tr id={panelId}>
                            <Table.Td colSpan={6} bg="var(--mantine-color-default-hover)">
                              <RouteNumbers use={use} />
                            </Table.Td>
                          </Table.Tr>
                        ) : null}
                      </Fragment>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <div style={{ padding: '0 var(--mantine-spacing-md)' }}>
            <Pager
              limit={limit}
              offset={offset}
              count={routes.length}
              nextOffset={nextOffsetFromLink(routesQuery.data?.links?.next)}
              onChange={setPage}
              loading={routesQuery.isFetching}
              itemLabel="routes"
            />
          </div>
        </Paper>
      </Stack>
    </>
  );
}

function RouteName({ route }: { route: Route }) {
  return (
    <div style={{ minWidth: 0 }}>
      <Text fw={500} size="sm">
        {route.attributes.alias || `Route ${route.id}`}
      </Text>
      <Text size="xs" c="dimmed">
        id {route.id}
        {route.id === DEFAULT_ROUTE_ID ? ' · default for new numbers' : ''}
      </Text>
    </div>
  );
}

function RouteTypeBadge({ route }: { route: Route }) {
  return (
    <Badge
      variant="light"
      color={TYPE_COLORS[route.attributes.route_type] ?? 'gray'}
      style={{ flexShrink: 0 }}
    >
      {ROUTE_TYPE_LABELS[route.attributes.route_type] ?? route.attributes.route_type}
    </Badge>
  );
}

function RouteValue({ route }: { route: Route }) {
  if (route.attributes.route_type === 'number')
    return <PhoneNumber value={route.attributes.value} size="sm" />;
  return (
    <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
      {route.attributes.value ?? '—'}
    </Text>
  );
}

function ShowNumbersButton({
  route,
  open,
  panelId,
  disabled,
  onClick,
}: {
  route: Route;
  open: boolean;
  panelId: string;
  disabled: boolean;
  onClick: () => void;
}) {
  return (
    <Button
      size="compact-sm"
      variant="subtle"
      onClick={onClick}
      aria-expanded={open}
      aria-controls={open ? panelId : undefined}
      disabled={disabled}
      aria-label={`${open ? 'Hide' : 'Show'} numbers using ${route.attributes.alias || `route ${route.id}`}`}
    >
      {open ? 'Hide numbers' : 'Show numbers'}
    </Button>
  );
}

function Count({ value, partial }: { value: number | null; partial: boolean }) {
  // A 0 from a count still running (or one that could not read every number) is not a real 0.
  if (value === null || (partial && value === 0)) {
    return (
      <Text span c="dimmed" size="sm" aria-label="not counted yet">
        —
      </Text>
    );
  }
  return (
    <Text span size="sm" fw={value > 0 ? 600 : 400} c={value > 0 ? undefined : 'dimmed'}>
      {partial && value > 0 ? '≥ ' : ''}
      {value.toLocaleString('en-US')}
    </Text>
  );
}

function RouteNumbers({ use }: { use: RouteUse }) {
  return (
    <Group align="flex-start" gap="xl" wrap="wrap">
      {(['primary', 'failover'] as const).map((slot) => {
        const list = use[slot];
        return (
          <Stack key={slot} gap={4} miw={220}>
            <Text size="sm" fw={600}>
              {slot === 'primary' ? 'Primary for' : 'Failover for'} {countOf(list.length, 'number')}
            </Text>
            {list.length === 0 ? (
              <Text size="sm" c="dimmed">
                None
              </Text>
            ) : (
              <Group gap="xs" wrap="wrap" maw={720}>
                {list.slice(0, SHOW_NUMBERS).map((n) => (
                  <Anchor key={n} component={Link} to={`/numbers/${n}`} size="sm">
                    <PhoneNumber value={n} size="sm" />
                  </Anchor>
                ))}
                {list.length > SHOW_NUMBERS ? (
                  <Text size="sm" c="dimmed">
                    and {(list.length - SHOW_NUMBERS).toLocaleString('en-US')} more
                  </Text>
                ) : null}
              </Group>
            )}
          </Stack>
        );
      })}
    </Group>
  );
}
