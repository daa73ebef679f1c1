// /numbers/:number: every attribute of one number, its routes (with the route objects Flowroute includes),
// recent messages to and from it, copy buttons, and the routing panel to change its routes.
import {
  Anchor,
  Badge,
  Box,
  Breadcrumbs,
  Card,
  Group,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { CopyButton } from '@/components/copy-button';
import { DateTime } from '@/components/date-time';
import { ErrorBoundary } from '@/components/error-boundary';
import { PageHeader } from '@/components/page-header';
import { PhoneNumber } from '@/components/phone-number';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { isApiError } from '@/lib/api';
import { Can } from '@/lib/auth';
import {
  formatDateTime,
  formatNanp,
  formatNumberType,
  formatRateCenter,
  formatState,
  parseNanp,
  toE164,
} from '@/lib/format';
import {
  includedRoutes,
  numberQueries,
  routeOf,
  type NumberDetail,
  type Route,
} from '@/lib/flowroute/numbers';
import { useRecentMessages } from '../api/use-recent-messages';
import { NumberRoutingPanel } from '../components/routing/number-routing-panel';

const MESSAGE_DAYS = 30;
const MESSAGES_SHOWN = 25;

export function NumberDetailPage() {
  const { number: raw = '' } = useParams();
  const parsed = parseNanp(raw);
  if (!parsed.ok) {
    return (
      <>
        <PageHeader title="Not a phone number" />
        <EmptyState
          title={`“${raw}” is not a North American number`}
          action={
            <Anchor component={Link} to="/numbers">
              Back to numbers
            </Anchor>
          }
        >
          {parsed.error}
        </EmptyState>
      </>
    );
  }
  return <NumberDetailView number={parsed.digits} />;
}

function NumberDetailView({ number }: { number: string }) {
  const detail = useQuery(numberQueries.detail(number));
  const formatted = formatNanp(number);
  const alias = detail.data?.data.attributes.alias;

  return (
    <>
      <Breadcrumbs mb="xs" aria-label="Breadcrumb">
        <Anchor component={Link} to="/numbers" size="sm">
          Numbers
        </Anchor>
        <Text size="sm" c="dimmed">
          {formatted}
        </Text>
      </Breadcrumbs>
      <PageHeader
        title={
          <Group gap="xs" wrap="nowrap" component="span">
            <span style={{ fontVariantNumeric: 'tabular-nums' }}>{formatted}</span>
          </Group>
        }
        documentTitle={formatted}
        description={alias ? alias : detail.data ? 'No alias' : undefined}
        actions={
          <Group gap="xs">
            <CopyForm label="E.164" value={toE164(number)} />
            <CopyForm label="11-digit" value={number} />
          </Group>
        }
      />
      {detail.isPending ? (
        <LoadingState label="Loading number" />
      ) : detail.isError ? (
        isApiError(detail.error) && detail.error.kind === 'not_found' ? (
          <EmptyState
            title="This number is not on the account"
            action={
              <Anchor component={Link} to="/numbers">
                Back to numbers
              </Anchor>
            }
          >
            {formatted} was not found. It may have been released, or it was never bought on this account.
          </EmptyState>
        ) : (
          <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />
        )
      ) : (
        <Stack gap="lg">
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
            <Attributes detail={detail.data} />
            {/* Current primary/failover and changing them; the linked route objects are listed below. */}
            <ErrorBoundary title="The routing panel failed">
              <NumberRoutingPanel number={number} />
            </ErrorBoundary>
          </SimpleGrid>
          <IncludedRoutes detail={detail.data} />
          <RecentMessages number={number} />
        </Stack>
      )}
    </>
  );
}

function CopyForm({ label, value }: { label: string; value: string }) {
  return (
    <Group
      gap={6}
      wrap="nowrap"
      px={8}
      py={2}
      style={{
        border: '1px solid var(--mantine-color-default-border)',
        borderRadius: 'var(--mantine-radius-sm)',
      }}
    >
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" ff="monospace">
        {value}
      </Text>
      <CopyButton value={value} label={`Copy ${label} form ${value}`} />
    </Group>
  );
}

function Section({ title, children, extra }: { title: string; children: ReactNode; extra?: ReactNode }) {
  return (
    <Card withBorder padding="md" radius="md" component="section" aria-label={title}>
      <Group justify="space-between" mb="sm" gap="xs">
        <Title order={2} size="h4">
          {title}
        </Title>
        {extra}
      </Group>
      {children}
    </Card>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th scope="row" w={170} fw={500} c="dimmed" style={{ verticalAlign: 'top' }}>
        {label}
      </Table.Th>
      <Table.Td style={{ overflowWrap: 'anywhere' }}>{children}</Table.Td>
    </Table.Tr>
  );
}

function Attributes({ detail }: { detail: NumberDetail }) {
  const a = detail.data.attributes;
  const rel = detail.data.relationships;
  return (
    <Section title="Attributes">
      <Table withRowBorders={false} verticalSpacing={6} horizontalSpacing={0}>
        <Table.Tbody>
          <Field label="Number">
            <PhoneNumber value={a.value} />
          </Field>
          <Field label="E.164">
            <Text span ff="monospace" size="sm">
              {toE164(a.value)}
            </Text>
          </Field>
          <Field label="Flowroute id">
            <Text span ff="monospace" size="sm">
              {detail.data.id}
            </Text>
          </Field>
          <Field label="Alias">{a.alias ? a.alias : <Dim>None</Dim>}</Field>
          <Field label="Type">
            {formatNumberType(a.number_type)}{' '}
            <Text span size="xs" c="dimmed">
              ({a.number_type})
            </Text>
          </Field>
          <Field label="State">{formatState(a.state)}</Field>
          <Field label="Rate center">{formatRateCenter(a.rate_center)}</Field>
          <Field label="CNAM lookups">
            <Badge size="sm" variant="light" color={a.cnam_lookups_enabled ? 'teal' : 'gray'}>
              {a.cnam_lookups_enabled ? 'Enabled' : 'Disabled'}
            </Badge>
          </Field>
          <Field label="CNAM preset">
            {rel.cnam_preset.data ? (
              `${rel.cnam_preset.data.type} ${rel.cnam_preset.data.id}`
            ) : (
              <Dim>None</Dim>
            )}
          </Field>
          <Field label="E911 address">
            {rel.e911_address.data ? (
              `${rel.e911_address.data.type} ${rel.e911_address.data.id}`
            ) : (
              <Text
                span
                size="sm"
                style={{
                  color: 'light-dark(var(--mantine-color-orange-light-color), var(--mantine-color-orange-4))',
                }}
              >
                None — 911 calls from this number have no registered address
              </Text>
            )}
          </Field>
        </Table.Tbody>
      </Table>
    </Section>
  );
}

function routeHref(route: Route | null, id: string) {
  const params = new URLSearchParams();
  if (route) params.set('type', route.attributes.route_type);
  params.set('route', id);
  return `/routes?${params.toString()}`;
}

function IncludedRoutes({ detail }: { detail: NumberDetail }) {
  const routes = [...includedRoutes(detail).values()];
  const primary = routeOf(detail, 'primary_route').id;
  const failover = routeOf(detail, 'failover_route').id;
  return (
    <Section title="Route details (included by Flowroute)">
      {routes.length === 0 ? (
        <Text size="sm" c="dimmed">
          Flowroute included no route objects with this number.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="xs" aria-label="Routes included with this number">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Used as</Table.Th>
                <Table.Th>Route id</Table.Th>
                <Table.Th>Alias</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>Value</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {routes.map((route) => (
                <Table.Tr key={route.id}>
                  <Table.Td>
                    {[route.id === primary ? 'Primary' : null, route.id === failover ? 'Failover' : null]
                      .filter(Boolean)
                      .join(', ') || '—'}
                  </Table.Td>
                  <Table.Td ff="monospace">
                    <Anchor component={Link} to={routeHref(route, route.id)} size="sm">
                      {route.id}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{route.attributes.alias || <Dim>None</Dim>}</Table.Td>
                  <Table.Td>{route.attributes.route_type}</Table.Td>
                  <Table.Td ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                    {route.attributes.value ?? <Dim>—</Dim>}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Section>
  );
}

function RecentMessages({ number }: { number: string }) {
  const recent = useRecentMessages(number, MESSAGE_DAYS);
  const shown = recent.messages.slice(0, MESSAGES_SHOWN);
  const windowText = `${formatDateTime(recent.range.start_date, { seconds: false })} to now`;
  const logHref = `/messages?range=30d&ours=${number}`;
  return (
    <Section
      title={`Recent messages (last ${MESSAGE_DAYS} days)`}
      extra={
        <Group gap="md">
          <Can role="operator">
            <Anchor component={Link} to={`/messages/compose?from=${number}`} size="sm">
              Send from this number
            </Anchor>
          </Can>
          <Anchor component={Link} to={logHref} size="sm">
            Message log for this number
          </Anchor>
        </Group>
      }
    >
      <Text size="xs" c="dimmed" mb="xs">
        Flowroute lists messages by date only: this reads every message from {windowText} and keeps those to
        or from this number.
        {recent.truncated ? ' The window had more messages than were read; older ones may be missing.' : ''}
      </Text>
      {recent.isPending ? (
        <LoadingState label="Reading messages" rows={3} />
      ) : recent.isError ? (
        <ErrorState error={recent.error} onRetry={() => void recent.refetch()} />
      ) : shown.length === 0 ? (
        recent.isScanning ? (
          <LoadingState label="Reading messages" rows={3} />
        ) : (
          <Text size="sm" c="dimmed">
            No messages to or from this number in the last {MESSAGE_DAYS} days.
          </Text>
        )
      ) : (
        <>
          <Box visibleFrom="sm">
            <Table.ScrollContainer minWidth={640}>
              <Table verticalSpacing="xs" aria-label={`Messages to and from ${formatNanp(number)}`}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Time</Table.Th>
                    <Table.Th>Direction</Table.Th>
                    <Table.Th>Other party</Table.Th>
                    <Table.Th>Message</Table.Th>
                    <Table.Th>Status</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {shown.map((m) => {
                    const a = m.attributes;
                    const inbound = a.direction === 'inbound';
                    return (
                      <Table.Tr key={m.id}>
                        <Table.Td>
                          <Anchor
                            component={Link}
                            to={`/messages/${m.id}`}
                            size="sm"
                            aria-label={`Message ${m.id}`}
                          >
                            <DateTime value={a.timestamp} seconds={false} size="sm" />
                          </Anchor>
                        </Table.Td>
                        <Table.Td>
                          <Badge size="sm" variant="light" color={inbound ? 'grape' : 'blue'}>
                            {inbound ? 'In' : 'Out'}
                          </Badge>
                        </Table.Td>
                        <Table.Td>
                          <PhoneNumber value={inbound ? a.from : a.to} size="sm" />
                        </Table.Td>
                        <Table.Td maw={360}>
                          <Text size="sm" truncate title={a.body}>
                            {a.is_mms ? '[MMS] ' : ''}
                            {a.body || <Dim>(no text)</Dim>}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{a.status || (inbound ? 'received' : '—')}</Text>
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Box>
          <Stack
            gap={0}
            hiddenFrom="sm"
            component="ul"
            p={0}
            m={0}
            aria-label={`Messages to and from ${formatNanp(number)}`}
          >
            {shown.map((m) => {
              const a = m.attributes;
              const inbound = a.direction === 'inbound';
              return (
                <Box
                  key={m.id}
                  component="li"
                  py="xs"
                  style={{ listStyle: 'none', borderBottom: '1px solid var(--mantine-color-default-border)' }}
                >
                  <Group justify="space-between" gap="xs" wrap="nowrap">
                    <Group gap={6} wrap="nowrap">
                      <Badge size="xs" variant="light" color={inbound ? 'grape' : 'blue'}>
                        {inbound ? 'In' : 'Out'}
                      </Badge>
                      <PhoneNumber value={inbound ? a.from : a.to} size="sm" />
                    </Group>
                    <Anchor component={Link} to={`/messages/${m.id}`} size="xs">
                      <DateTime value={a.timestamp} seconds={false} size="xs" />
                    </Anchor>
                  </Group>
                  <Text size="sm" lineClamp={2} mt={2}>
                    {a.is_mms ? '[MMS] ' : ''}
                    {a.body || <Dim>(no text)</Dim>}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {a.status || (inbound ? 'received' : '—')}
                  </Text>
                </Box>
              );
            })}
          </Stack>
        </>
      )}
      {recent.messages.length > MESSAGES_SHOWN ? (
        <Text size="xs" c="dimmed" mt="xs">
          Showing the latest {MESSAGES_SHOWN} of {recent.messages.length}.{' '}
          <Anchor component={Link} to={logHref} size="xs" underline="always">
            See all in the message log
          </Anchor>
        </Text>
      ) : null}
      {recent.isScanning && shown.length > 0 ? (
        <Text size="xs" c="dimmed" mt="xs">
          Still reading older messages…
        </Text>
      ) : null}
    </Section>
  );
}

function Dim({ children }: { children: ReactNode }) {
  return (
    <Text span size="sm" c="dimmed">
      {children}
    </Text>
  );
}
