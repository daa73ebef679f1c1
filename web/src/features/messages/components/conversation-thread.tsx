// One conversation as chat bubbles (ours on the right) with delivery ticks, and the reply box.
import { Anchor, Box, Button, Group, Paper, Stack, Text, Tooltip } from '@mantine/core';
import { useQueries } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { countOf, formatDateTime, formatNanp, formatUtc } from '@/lib/format';
import { Can } from '@/lib/auth';
import { isDeliveredStatus, isFailedStatus, messageQueries } from '@/lib/flowroute/messages';
import { toLogRow, type LogRow } from '../model/rows';
import { ComposeForm } from './compose-form';

const PAGE = 200;

export function ConversationThread({
  ours,
  theirs,
  rows,
  height,
}: {
  ours: string;
  theirs: string;
  /** this pair's loaded records, oldest first */
  rows: LogRow[];
  height: number | string;
}) {
  const [sentIds, setSentIds] = useState<string[]>([]);
  const [shown, setShown] = useState(PAGE);
  // Messages sent from this screen are followed live (detail polling) until they show up in the loaded set.
  const sent = useQueries({
    queries: sentIds.map((id) => messageQueries.detail(id)),
    combine: (results) => results.flatMap((r) => (r.data ? [toLogRow(r.data.data)] : [])),
  });
  const all = useMemo(() => {
    const known = new Set(rows.map((r) => r.id));
    return [...rows, ...sent.filter((r) => !known.has(r.id))];
  }, [rows, sent]);
  const pendingIds = sentIds.filter((id) => !all.some((r) => r.id === id));
  const visible = all.slice(Math.max(0, all.length - shown));

  const scrollRef = useRef<HTMLDivElement>(null);
  const lastId = all[all.length - 1]?.id;
  useEffect(() => {
    const el = scrollRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lastId, pendingIds.length]);

  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <div>
          <Text fw={600} ff="monospace" data-testid="conversation-title">
            {formatNanp(theirs)}
          </Text>
          <Text size="xs" c="dimmed">
            with our number {formatNanp(ours)} · {countOf(all.length, 'message')} in the loaded range
          </Text>
        </div>
      </Group>
      <Box
        ref={scrollRef}
        mah={height}
        mih={160}
        p="sm"
        style={{
          overflowY: 'auto',
          border: '1px solid var(--mantine-color-default-border)',
          borderRadius: 8,
        }}
        bg="var(--mantine-color-default-hover)"
        role="log"
        aria-label={`Messages with ${formatNanp(theirs)}`}
        data-testid="conversation-thread"
      >
        <Stack gap={6}>
          {all.length > visible.length ? (
            <Group justify="center">
              <Button size="xs" variant="subtle" onClick={() => setShown((n) => n + PAGE)}>
                Show earlier messages ({all.length - visible.length})
              </Button>
            </Group>
          ) : null}
          {all.length === 0 && pendingIds.length === 0 ? (
            <Text size="sm" c="dimmed" ta="center" py="xl">
              No messages between these numbers in the loaded range.
            </Text>
          ) : null}
          {visible.map((r) => (
            <Bubble key={r.id} row={r} />
          ))}
          {pendingIds.map((id) => (
            <Group key={id} justify="flex-end">
              <Text size="xs" c="dimmed">
                Sent {id.slice(0, 13)}… — loading…
              </Text>
            </Group>
          ))}
        </Stack>
      </Box>
      <Can
        role="operator"
        fallback={
          <Text size="sm" c="dimmed">
            Replying needs the operator role.
          </Text>
        }
      >
        <Paper withBorder p="sm" radius="md">
          <ComposeForm
            key={`${ours}:${theirs}`}
            scope={`reply:${ours}:${theirs}`}
            variant="reply"
            initial={{ from: ours, to: theirs }}
            onSent={(id) => setSentIds((ids) => [...ids, id])}
          />
        </Paper>
      </Can>
    </Stack>
  );
}

function Ticks({ status }: { status: string }) {
  if (isDeliveredStatus(status))
    return (
      <Text span size="xs" c="teal.9" fw={700} aria-label="delivered" title="Delivered">
        ✓✓
      </Text>
    );
  if (isFailedStatus(status))
    return (
      <Text span size="xs" c="red.9" fw={700} aria-label={`not delivered: ${status}`} title={status}>
        ✕ {status}
      </Text>
    );
  return (
    <Text
      span
      size="xs"
      c="gray.7"
      fw={700}
      aria-label={`sent, ${status || 'no receipt yet'}`}
      title={status || 'sent'}
    >
      ✓
    </Text>
  );
}

function Bubble({ row }: { row: LogRow }) {
  const out = row.direction === 'outbound';
  return (
    <Group
      justify={out ? 'flex-end' : 'flex-start'}
      wrap="nowrap"
      data-testid="bubble"
      data-direction={row.direction}
    >
      <Paper
        px="sm"
        py={6}
        radius="lg"
        maw="min(520px, 85%)"
        bg={out ? 'var(--mantine-color-blue-filled)' : 'var(--mantine-color-body)'}
        c={out ? 'white' : undefined}
        withBorder={!out}
        style={{ borderBottomRightRadius: out ? 4 : undefined, borderBottomLeftRadius: out ? undefined : 4 }}
      >
        <Text size="sm" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
          {row.body || (
            <Text span fs="italic" size="sm">
              {row.is_mms ? '(media only)' : '(no text)'}
            </Text>
          )}
        </Text>
        <Group gap={6} justify="flex-end" mt={2} wrap="nowrap">
          {row.is_mms ? (
            <Text span size="xs" c={out ? 'blue.0' : 'dimmed'}>
              MMS
            </Text>
          ) : null}
          <Tooltip label={`UTC ${formatUtc(row.timestamp)}`} withArrow openDelay={300}>
            <Anchor
              component={Link}
              to={`/messages/${row.id}`}
              size="xs"
              c={out ? 'blue.0' : 'dimmed'}
              underline="hover"
              aria-label={`Details of message sent ${formatDateTime(row.timestamp)}`}
            >
              {formatDateTime(row.timestamp, { seconds: false })}
            </Anchor>
          </Tooltip>
          {out ? (
            <Box
              component="span"
              px={4}
              style={{ background: 'var(--mantine-color-white)', borderRadius: 8, lineHeight: 1 }}
              data-testid="ticks"
            >
              <Ticks status={row.status} />
            </Box>
          ) : null}
        </Group>
      </Paper>
    </Group>
  );
}
