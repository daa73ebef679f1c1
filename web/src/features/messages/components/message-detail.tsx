// One MDR in full: every field, amount in USD, encoding and segments, media with previews, and the
// delivery-receipt timeline. Polls itself (see messageQueries.detail) until the status is final.
import {
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Timeline,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { analyzeSms } from '@contract/sms';
import { CopyButton } from '@/components/copy-button';
import { DateTime } from '@/components/date-time';
import { Money } from '@/components/money';
import { PhoneNumber } from '@/components/phone-number';
import { ErrorState, LoadingState } from '@/components/states';
import { Can } from '@/lib/auth';
import { isSettled, messageQueries, type MdrDetail } from '@/lib/flowroute/messages';
import { levelLabel, receiptsOldestFirst, statusColor } from '../model/dlr';
import { encodingLabel, nanodollarsToDecimal } from '../model/rows';
import { MediaPreview } from './media-urls-field';
import { DirectionBadge, StatusBadge } from './status-badge';
import { countOf } from '@/lib/format';

export function MessageDetail({ id, compact = false }: { id: string; compact?: boolean }) {
  const query = useQuery(messageQueries.detail(id));
  if (query.isPending) return <LoadingState label="Loading message…" />;
  if (query.isError)
    return (
      <ErrorState
        error={query.error}
        title="Could not load this message"
        onRetry={() => void query.refetch()}
      />
    );
  return <MessageDetailView detail={query.data} polling={!isSettled(query.data.data)} compact={compact} />;
}

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <div>{children}</div>
    </Stack>
  );
}

export function MessageDetailView({
  detail,
  polling,
  compact,
}: {
  detail: MdrDetail;
  polling: boolean;
  compact?: boolean;
}) {
  const mdr = detail.data;
  const a = mdr.attributes;
  const ours = a.direction === 'inbound' ? a.to : a.from;
  const theirs = a.direction === 'inbound' ? a.from : a.to;
  const analysis = analyzeSms(a.body, 'flowroute');
  const media = mediaOf(detail);
  const receipts = receiptsOldestFirst(a.delivery_receipts);

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Group gap="xs" wrap="wrap">
          <DirectionBadge direction={a.direction} size="md" />
          <StatusBadge status={a.status} size="md" />
          {a.is_mms ? (
            <Badge variant="light" color="cyan" style={{ color: 'var(--mantine-color-cyan-9)' }}>
              MMS
            </Badge>
          ) : (
            <Badge variant="light" color="gray">
              SMS
            </Badge>
          )}
          {polling ? (
            <Group gap={4} aria-live="polite">
              <Loader size={12} />
              <Text size="xs" c="dimmed">
                Checking for updates until the status is final
              </Text>
            </Group>
          ) : null}
        </Group>
        <Group gap="xs">
          <Button
            component={Link}
            to={`/messages/conversations?ours=${ours}&theirs=${theirs}`}
            variant="default"
            size="xs"
          >
            Open conversation
          </Button>
          <Can role="operator">
            <Button
              component={Link}
              to={`/messages/compose?from=${ours}&to=${theirs}`}
              variant="default"
              size="xs"
            >
              Reply
            </Button>
          </Can>
        </Group>
      </Group>

      <Paper withBorder p="md" radius="md">
        <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb={4}>
          Body
        </Text>
        <Text style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} data-testid="detail-body">
          {a.body || (
            <Text span c="dimmed">
              (no text)
            </Text>
          )}
        </Text>
      </Paper>

      <SimpleGrid cols={{ base: 1, xs: 2, md: compact ? 2 : 3 }} spacing="md" verticalSpacing="sm">
        <Field label="Message id">
          <Group gap={4} wrap="nowrap">
            <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
              {mdr.id}
            </Text>
            <CopyButton value={mdr.id} label="Copy message id" />
          </Group>
        </Field>
        <Field label="Time">
          <DateTime value={a.timestamp} size="sm" />
        </Field>
        <Field label="Direction">
          <Text size="sm">{a.direction}</Text>
        </Field>
        <Field label="From">
          <PhoneNumber value={a.from} size="sm" />
        </Field>
        <Field label="To">
          <PhoneNumber value={a.to} size="sm" />
        </Field>
        <Field label="Status">
          <Text size="sm" c={statusColor(a.status) === 'red' ? 'red' : undefined} data-testid="detail-status">
            {a.status || '(none)'}
          </Text>
        </Field>
        <Field label="Amount">
          <Money nanodollars={a.amount_nanodollars} withCode size="sm" />{' '}
          <Text span size="xs" c="dimmed">
            ({a.amount_nanodollars.toLocaleString('en-US')} nanodollars = $
            {nanodollarsToDecimal(a.amount_nanodollars)}
            {a.amount_display !== undefined && a.amount_display !== null
              ? `; Flowroute shows ${String(a.amount_display)}`
              : ''}
            )
          </Text>
        </Field>
        <Field label="Encoding">
          <Text size="sm">
            {encodingLabel(a.message_encoding)}{' '}
            <Text span size="xs" c="dimmed">
              (message_encoding {a.message_encoding})
            </Text>
          </Text>
        </Field>
        <Field label="Segments">
          <Text size="sm">
            {a.is_mms ? '1 MMS' : `${Math.max(1, analysis.segments)} by Flowroute's rule`}{' '}
            <Text span size="xs" c="dimmed">
              ({countOf(analysis.characters, 'character')})
            </Text>
          </Text>
        </Field>
        <Field label="Message type">
          <Text size="sm">{a.message_type || '—'}</Text>
        </Field>
        <Field label="MMS">
          <Text size="sm">{a.is_mms ? 'yes' : 'no'}</Text>
        </Field>
        {a.message_callback_url ? (
          <Field label="Callback URL">
            <Text size="sm" style={{ wordBreak: 'break-all' }}>
              {a.message_callback_url}
            </Text>
          </Field>
        ) : null}
      </SimpleGrid>

      {media.length > 0 ? (
        <Stack gap="xs">
          <Title order={2} size="h5">
            Media ({media.length})
          </Title>
          <Group gap="md" align="flex-start">
            {media.map((m, i) => (
              <Paper key={m.id} withBorder p="xs" radius="sm" maw={260}>
                <Stack gap={4}>
                  {m.url ? (
                    <MediaPreview url={m.url} label={`Media ${i + 1}: ${m.file_name ?? m.id}`} size={120} />
                  ) : null}
                  <Text size="xs" style={{ wordBreak: 'break-all' }}>
                    {m.file_name ?? m.id}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {[
                      m.mime_type,
                      m.file_size !== null && m.file_size !== undefined ? formatBytes(m.file_size) : null,
                    ]
                      .filter(Boolean)
                      .join(' · ') || 'type unknown'}
                  </Text>
                  {m.url ? (
                    <Anchor href={m.url} target="_blank" rel="noopener noreferrer" size="xs">
                      Open media
                    </Anchor>
                  ) : null}
                </Stack>
              </Paper>
            ))}
          </Group>
        </Stack>
      ) : null}

      <Stack gap="xs">
        <Title order={2} size="h5">
          Delivery receipts
        </Title>
        {receipts.length === 0 ? (
          <Text size="sm" c="dimmed">
            {a.direction === 'inbound'
              ? 'Inbound messages have no delivery receipts.'
              : a.is_mms
                ? 'Flowroute reports no delivery receipts for MMS.'
                : polling
                  ? 'No receipt yet; they usually arrive within seconds.'
                  : 'No delivery receipts were reported.'}
          </Text>
        ) : (
          <Timeline active={receipts.length - 1} bulletSize={14} lineWidth={2} data-testid="dlr-timeline">
            {receipts.map((r, i) => (
              <Timeline.Item
                key={i}
                color={statusColor(r.status)}
                title={
                  <Group gap="xs">
                    <Text size="sm" fw={600}>
                      {r.status || '(no status)'}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {levelLabel(r.level)}
                    </Text>
                  </Group>
                }
              >
                <Text size="sm">
                  {r.status_code !== null ? (
                    <Text span ff="monospace">
                      {String(r.status_code)}
                    </Text>
                  ) : (
                    'no code'
                  )}
                  {r.status_code_description ? ` — ${r.status_code_description}` : ''}
                </Text>
                <DateTime value={r.timestamp} size="xs" c="dimmed" />
              </Timeline.Item>
            ))}
          </Timeline>
        )}
      </Stack>

      {!compact ? (
        <details>
          <summary>
            <Text span size="sm" c="dimmed">
              Raw record (JSON)
            </Text>
          </summary>
          <Table.ScrollContainer minWidth={300}>
            <pre style={{ fontSize: 12, margin: 0 }}>{JSON.stringify(detail, null, 2)}</pre>
          </Table.ScrollContainer>
        </details>
      ) : null}
    </Stack>
  );
}

interface MediaItem {
  id: string;
  url: string | null;
  file_name: string | null;
  mime_type: string | null;
  file_size: number | null;
}

function mediaOf(detail: MdrDetail): MediaItem[] {
  const refs = detail.data.relationships?.media?.data ?? [];
  const included = detail.included ?? [];
  const byId = new Map(included.filter((x) => x.type === 'media').map((x) => [x.id, x]));
  const ids = refs.length > 0 ? refs.map((r) => r.id) : [...byId.keys()];
  return ids.map((id) => {
    const m = byId.get(id);
    const url = m?.attributes?.url ?? m?.links?.self ?? null;
    return {
      id,
      url: url && /^https:\/\//i.test(url) ? url : null,
      file_name: m?.attributes?.file_name ?? null,
      mime_type: m?.attributes?.mime_type ?? null,
      file_size: m?.attributes?.file_size ?? null,
    };
  });
}

function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`;
  return `${(n / 1_000_000).toFixed(2)} MB`;
}
