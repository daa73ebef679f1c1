// /system/outcomes: changes whose outcome Flowroute did not confirm. "Checking" ones settle by themselves within a
// minute; "flagged" ones need a person: look the change up in Flowroute, then in the audit log.
import { Alert, Anchor, Badge, Button, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { DateTime } from '@/components/date-time';
import { PageHeader } from '@/components/page-header';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { authQueries, hasRole } from '@/lib/auth';
import { formatNanp, isNanp11 } from '@contract/phone';
import { operationLabel, outcomeQueries, type Unsettled } from '../api/outcome-queries';

export function OutcomesPage() {
  const session = useQuery(authQueries.me());
  const me = session.data;
  if (session.isPending) return <LoadingState label="Checking your role" />;
  if (me && !hasRole(me, 'admin')) {
    return (
      <>
        <PageHeader title="Unsettled changes" />
        <Alert color="gray" variant="light" title="Admins only">
          Only admins can see changes whose outcome is unknown. You are signed in as {me.username} ({me.role}
          ).
        </Alert>
      </>
    );
  }
  return <OutcomesScreen />;
}

function StateBadge({ state }: { state: Unsettled['state'] }) {
  return state === 'flagged' ? (
    <Badge color="red" variant="light" style={{ flexShrink: 0 }}>
      Needs checking
    </Badge>
  ) : (
    <Badge color="blue" variant="light">
      Checking…
    </Badge>
  );
}

function Target({ value }: { value: string | null }) {
  if (!value) return <>—</>;
  return (
    <Anchor
      component={Link}
      to={`/admin/audit?number=${encodeURIComponent(value)}`}
      style={{ whiteSpace: 'nowrap' }}
    >
      {isNanp11(value) ? formatNanp(value) : value}
    </Anchor>
  );
}

/** Phones: one card per change instead of a wide table. */
function OutcomeCards({ items }: { items: Unsettled[] }) {
  return (
    <Stack gap="sm" component="ul" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Unsettled changes">
      {items.map((item) => (
        <Paper key={item.id} withBorder p="sm" component="li">
          <Group justify="space-between" gap="xs" mb={4}>
            <Text fw={600}>{operationLabel(item.operation)}</Text>
            <StateBadge state={item.state} />
          </Group>
          <Text size="sm">
            <Target value={item.target} /> · {item.actor ?? '—'}
          </Text>
          <DateTime value={item.since} size="xs" c="dimmed" />
          {item.detail ? (
            <Text size="sm" mt={4}>
              {item.detail}
            </Text>
          ) : null}
        </Paper>
      ))}
    </Stack>
  );
}

function OutcomesScreen() {
  const list = useQuery(outcomeQueries.unsettled());
  const phone = useMediaQuery('(max-width: 48em)');
  return (
    <>
      <PageHeader
        title="Unsettled changes"
        description="Purchases, sends and route changes whose answer from Flowroute was lost. The proxy checks Flowroute for up to a minute; what it cannot confirm is listed here for a person to check."
        actions={
          <Button variant="default" onClick={() => void list.refetch()} loading={list.isFetching}>
            Refresh
          </Button>
        }
      />
      {list.isPending ? (
        <LoadingState rows={4} label="Loading unsettled changes" />
      ) : list.isError ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <EmptyState title="Nothing to check">Every change sent to Flowroute has a known outcome.</EmptyState>
      ) : (
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            For each flagged change: look it up in Flowroute (the number, its routes, or the message log),
            then repeat it only if it did not happen.
          </Text>
          {phone ? (
            <OutcomeCards items={list.data} />
          ) : (
            <Table.ScrollContainer minWidth={720}>
              <Table striped highlightOnHover aria-label="Unsettled changes">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>State</Table.Th>
                    <Table.Th>Change</Table.Th>
                    <Table.Th>Target</Table.Th>
                    <Table.Th>Who</Table.Th>
                    <Table.Th>Since</Table.Th>
                    <Table.Th>Detail</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.data.map((item) => (
                    <Table.Tr key={item.id}>
                      <Table.Td>
                        <StateBadge state={item.state} />
                      </Table.Td>
                      <Table.Td>{operationLabel(item.operation)}</Table.Td>
                      <Table.Td>
                        <Target value={item.target} />
                      </Table.Td>
                      <Table.Td>{item.actor ?? '—'}</Table.Td>
                      <Table.Td>
                        <DateTime value={item.since} size="sm" />
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" maw={420}>
                          {item.detail ?? '—'}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <Group>
            <Anchor component={Link} to="/admin/audit?result=unknown" size="sm">
              Open these in the audit log
            </Anchor>
          </Group>
        </Stack>
      )}
    </>
  );
}
