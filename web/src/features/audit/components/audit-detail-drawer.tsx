// Detail of one audit record: the intent (who, from where, what was asked) and every outcome written for it,
// or the single event; plus its place in the hash chain.
import { Alert, Badge, Code, Drawer, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { CopyButton } from '@/components/copy-button';
import { DateTime } from '@/components/date-time';
import { ErrorState, LoadingState } from '@/components/states';
import { actionLabel, formatTarget, STATUS_DISPLAY, type EntryStatus } from '../api/audit-display';
import { auditQueries, type AuditRecord } from '../api/audit-queries';

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th
        scope="row"
        w={{ base: 112, sm: 150 }}
        fw={500}
        c="dimmed"
        style={{ verticalAlign: 'top', whiteSpace: 'normal' }}
      >
        {label}
      </Table.Th>
      <Table.Td style={{ overflowWrap: 'anywhere' }}>{children}</Table.Td>
    </Table.Tr>
  );
}

function Dash() {
  return (
    <Text span c="dimmed">
      —
    </Text>
  );
}

function Mono({ value, copyLabel }: { value: string | null; copyLabel?: string }) {
  if (!value) return <Dash />;
  return (
    <Group gap={4} wrap="nowrap" align="center">
      <Text span ff="monospace" size="xs" style={{ overflowWrap: 'anywhere' }}>
        {value}
      </Text>
      {copyLabel ? <CopyButton value={value} label={copyLabel} /> : null}
    </Group>
  );
}

function resultStatus(result: string | null): EntryStatus {
  return result === 'ok' || result === 'rejected' || result === 'failed' || result === 'unknown'
    ? result
    : 'pending';
}

function ResultBadge({ result }: { result: string | null }) {
  const display = STATUS_DISPLAY[resultStatus(result)];
  return (
    <Badge variant="light" color={display.color}>
      {display.label}
    </Badge>
  );
}

function Summary({ summary }: { summary: Record<string, unknown> }) {
  if (Object.keys(summary).length === 0) return <Dash />;
  return (
    <Code block style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', fontSize: 12 }}>
      {JSON.stringify(summary, null, 2)}
    </Code>
  );
}

function OutcomeFields({ outcome }: { outcome: AuditRecord }) {
  return (
    <Table withRowBorders={false} verticalSpacing={4} layout="fixed" aria-label="Outcome">
      <Table.Tbody>
        <Field label="Result">
          <ResultBadge result={outcome.result} />
        </Field>
        <Field label="HTTP status">{outcome.status ?? <Dash />}</Field>
        <Field label="Flowroute id">
          <Mono value={outcome.flowrouteId} copyLabel="Copy Flowroute id" />
        </Field>
        <Field label="Duration">{outcome.durationMs !== null ? `${outcome.durationMs} ms` : <Dash />}</Field>
        <Field label="Recorded">
          <DateTime value={outcome.ts} size="sm" />
        </Field>
        {outcome.detail ? <Field label="Detail">{outcome.detail}</Field> : null}
      </Table.Tbody>
    </Table>
  );
}

function RecordDetail({ record, outcomes }: { record: AuditRecord; outcomes: AuditRecord[] }) {
  const isIntent = record.kind === 'intent';
  const latest = outcomes[outcomes.length - 1];
  return (
    <Stack gap="lg">
      <Group gap="sm" wrap="wrap">
        <Title order={3} size="h4">
          {actionLabel(record.action)}
        </Title>
        <ResultBadge result={isIntent ? (latest?.result ?? null) : record.result} />
      </Group>

      <section aria-labelledby="audit-intent-heading">
        <Title order={4} size="h6" id="audit-intent-heading" mb={4} tt="uppercase" c="dimmed">
          {isIntent ? 'Intent (before forwarding)' : record.kind === 'event' ? 'Event' : 'Outcome record'}
        </Title>
        <Table
          withRowBorders={false}
          verticalSpacing={4}
          layout="fixed"
          aria-labelledby="audit-intent-heading"
        >
          <Table.Tbody>
            <Field label="Time">
              <DateTime value={record.ts} size="sm" />
            </Field>
            <Field label="Who">
              {record.actor ?? <Dash />}
              {record.role ? (
                <Text span c="dimmed" size="sm">
                  {' '}
                  ({record.role})
                </Text>
              ) : null}
            </Field>
            <Field label="Operation">
              <Code>{record.action}</Code>
            </Field>
            <Field label="Number / target">{record.target ? formatTarget(record.target) : <Dash />}</Field>
            <Field label="Source IP">{record.sourceIp ?? <Dash />}</Field>
            <Field label="Browser">
              {record.userAgent ? (
                <Text span size="xs">
                  {record.userAgent}
                </Text>
              ) : (
                <Dash />
              )}
            </Field>
            <Field label="Idempotency key">
              <Mono value={record.idempotencyKey} copyLabel="Copy idempotency key" />
            </Field>
            {!isIntent ? (
              <>
                <Field label="HTTP status">{record.status ?? <Dash />}</Field>
                {record.detail ? <Field label="Detail">{record.detail}</Field> : null}
              </>
            ) : null}
            <Field label="Request summary">
              <Summary summary={record.summary} />
            </Field>
          </Table.Tbody>
        </Table>
      </section>

      {isIntent ? (
        <section aria-labelledby="audit-outcome-heading">
          <Title order={4} size="h6" id="audit-outcome-heading" mb={4} tt="uppercase" c="dimmed">
            Outcome (after Flowroute answered)
          </Title>
          {outcomes.length === 0 ? (
            <Alert color="gray" variant="light">
              No outcome recorded yet. The change is in flight, or the proxy stopped before Flowroute
              answered; such intents are marked “Outcome unknown” when the proxy next checks. Check Flowroute
              for what happened.
            </Alert>
          ) : (
            <Stack gap="md">
              {outcomes.map((outcome, i) => (
                <div key={outcome.id}>
                  {outcomes.length > 1 ? (
                    <Text size="xs" c="dimmed" mb={2}>
                      Outcome {i + 1} of {outcomes.length}
                    </Text>
                  ) : null}
                  <OutcomeFields outcome={outcome} />
                </div>
              ))}
            </Stack>
          )}
        </section>
      ) : null}

      <section aria-labelledby="audit-chain-heading">
        <Title order={4} size="h6" id="audit-chain-heading" mb={4} tt="uppercase" c="dimmed">
          Hash chain
        </Title>
        <Table
          withRowBorders={false}
          verticalSpacing={4}
          layout="fixed"
          aria-labelledby="audit-chain-heading"
        >
          <Table.Tbody>
            <Field label="Sequence">#{record.seq}</Field>
            <Field label="Record id">
              <Mono value={record.id} copyLabel="Copy record id" />
            </Field>
            <Field label="Previous hash">
              <Mono value={record.prevHash} />
            </Field>
            <Field label="Hash">
              <Mono value={record.hash} />
            </Field>
          </Table.Tbody>
        </Table>
      </section>
    </Stack>
  );
}

export function AuditDetailDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const narrow = useMediaQuery('(max-width: 48em)');
  const detail = useQuery({ ...auditQueries.detail(id ?? ''), enabled: id !== null });
  return (
    <Drawer
      opened={id !== null}
      onClose={onClose}
      position="right"
      size={narrow ? '100%' : 'lg'}
      title="Audit record"
      closeButtonProps={{ 'aria-label': 'Close record' }}
    >
      {id === null ? null : detail.isPending ? (
        <LoadingState label="Loading the record" />
      ) : detail.isError ? (
        <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />
      ) : (
        <RecordDetail record={detail.data.record} outcomes={detail.data.outcomes} />
      )}
    </Drawer>
  );
}
