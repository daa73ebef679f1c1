// Per-number rows of a bulk route change: number, current → new, result. Virtualized past 100 rows.
import { Table, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import { PhoneNumber } from '@/components/phone-number';
import type { BulkItem, BulkState } from './bulk-machine';

const ROW_HEIGHT = 41;
const VIRTUAL_FROM = 100;

function status(item: BulkItem): { text: string; color?: string } {
  if (item.revert === 'ok') return { text: '↩ Reverted' };
  if (item.revert === 'queued') return { text: 'Reverting…', color: 'dimmed' };
  if (item.revert === 'failed') {
    return {
      text: `Revert failed: ${item.revertError?.message ?? ''}${httpSuffix(item.revertError?.status)}`,
      color: 'red',
    };
  }
  switch (item.status) {
    case 'loading':
      return { text: 'Reading…', color: 'dimmed' };
    case 'ready':
      return { text: 'Will change' };
    case 'unchanged':
      return { text: 'Already set: skipped', color: 'dimmed' };
    case 'load_failed':
      return { text: `Could not read: ${item.error?.message ?? ''}`, color: 'red' };
    case 'queued':
      return { text: 'Sending…', color: 'dimmed' };
    case 'ok':
      return { text: item.after === undefined ? '✓ Changed (not read back)' : '✓ Changed' };
    case 'failed':
      return { text: `Failed: ${item.error?.message ?? ''}${httpSuffix(item.error?.status)}`, color: 'red' };
  }
}

function httpSuffix(status: number | undefined): string {
  return status ? ` (HTTP ${status})` : '';
}

function Row({ item, state, compact }: { item: BulkItem; state: BulkState; compact: boolean }) {
  const st = status(item);
  const current = item.before === undefined ? '…' : (item.beforeLabel ?? item.before ?? 'None');
  if (compact) {
    // Phones: number and result on the left, current → new on the right.
    return (
      <Table.Tr data-number={item.number} data-status={item.status} data-revert={item.revert}>
        <Table.Td>
          <PhoneNumber value={item.number} size="sm" />
          <Text size="xs" c={st.color} lineClamp={3} title={st.text}>
            {st.text}
          </Text>
        </Table.Td>
        <Table.Td>
          <Text size="xs" lineClamp={2} style={{ overflowWrap: 'anywhere' }}>
            {current}
          </Text>
          <Text size="xs" c="dimmed" lineClamp={2} style={{ overflowWrap: 'anywhere' }}>
            → {item.status === 'unchanged' ? 'unchanged' : state.routeLabel}
          </Text>
        </Table.Td>
      </Table.Tr>
    );
  }
  return (
    <Table.Tr
      data-number={item.number}
      data-status={item.status}
      data-revert={item.revert}
      style={{ height: ROW_HEIGHT }}
    >
      <Table.Td>
        <PhoneNumber value={item.number} size="sm" />
      </Table.Td>
      <Table.Td>
        <Text size="sm" truncate maw={240} title={current}>
          {current}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" truncate maw={240} c={item.status === 'unchanged' ? 'dimmed' : undefined}>
          {item.status === 'unchanged' ? 'unchanged' : state.routeLabel}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" c={st.color} lineClamp={2} title={st.text} maw={320}>
          {st.text}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

export function BulkTable({ state, items }: { state: BulkState; items: BulkItem[] }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const compact = useMediaQuery('(max-width: 40em)') ?? false;
  const columns = compact ? 2 : 4;
  const virtual = items.length > VIRTUAL_FROM;
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render by design
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => (compact ? 58 : ROW_HEIGHT),
    overscan: 12,
    enabled: virtual,
  });
  const rows = virtual ? virtualizer.getVirtualItems() : null;
  const padTop = rows && rows.length ? (rows[0]?.start ?? 0) : 0;
  const padBottom = rows && rows.length ? virtualizer.getTotalSize() - (rows[rows.length - 1]?.end ?? 0) : 0;

  return (
    <div
      ref={scrollRef}
      style={{
        maxHeight: 420,
        overflow: 'auto',
        border: '1px solid var(--mantine-color-default-border)',
        borderRadius: 8,
      }}
      tabIndex={0}
      role="region"
      aria-label="Numbers in this change"
    >
      <Table stickyHeader verticalSpacing={6} aria-label="Current and new route per number">
        <Table.Thead>
          {compact ? (
            <Table.Tr>
              <Table.Th>Number · result</Table.Th>
              <Table.Th>Current → new</Table.Th>
            </Table.Tr>
          ) : (
            <Table.Tr>
              <Table.Th>Number</Table.Th>
              <Table.Th>Current</Table.Th>
              <Table.Th>New</Table.Th>
              <Table.Th>Result</Table.Th>
            </Table.Tr>
          )}
        </Table.Thead>
        <Table.Tbody>
          {padTop > 0 ? (
            <tr aria-hidden="true">
              <td colSpan={columns} style={{ height: padTop, padding: 0 }} />
            </tr>
          ) : null}
          {(rows ?? items.map((_, index) => ({ index, key: index }))).map((row) => {
            const item = items[row.index];
            return item ? <Row key={item.number} item={item} state={state} compact={compact} /> : null;
          })}
          {padBottom > 0 ? (
            <tr aria-hidden="true">
              <td colSpan={columns} style={{ height: padBottom, padding: 0 }} />
            </tr>
          ) : null}
        </Table.Tbody>
      </Table>
    </div>
  );
}
