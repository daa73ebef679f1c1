// The virtualized MDR table: only the rows in view are in the DOM, so 100,000 rows scroll smoothly.
import { Table, Text, UnstyledButton } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import { Money } from '@/components/money';
import { PhoneNumber } from '@/components/phone-number';
import type { LogRow } from '../model/rows';
import { segmentsOf } from '../model/rows';
import { formatLocalDateTime, formatUtcShort } from '../model/time-format';
import { DirectionBadge, StatusBadge } from './status-badge';

const ROW_HEIGHT = 41;

export const MessagesTable = memo(function MessagesTable({
  rows,
  selectedId,
  onSelect,
  height,
}: {
  rows: readonly LogRow[];
  selectedId: string | null;
  onSelect: (id: string) => void;
  height: number | string;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    getItemKey: (i) => rows[i]?.id ?? i,
  });
  // Bring a row selected from the URL into view once it is loaded.
  const selectedIndex = selectedId ? rows.findIndex((r) => r.id === selectedId) : -1;
  const scrolledTo = useRef<string | null>(null);
  useEffect(() => {
    if (selectedIndex >= 0 && selectedId && scrolledTo.current !== selectedId) {
      scrolledTo.current = selectedId;
      virtualizer.scrollToIndex(selectedIndex, { align: 'center' });
    }
  }, [selectedIndex, selectedId, virtualizer]);

  const items = virtualizer.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = items.length > 0 ? virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0) : 0;

  return (
    <div
      ref={scrollRef}
      style={{
        height,
        overflow: 'auto',
        border: '1px solid var(--mantine-color-default-border)',
        borderRadius: 8,
      }}
      data-testid="messages-table-scroll"
      tabIndex={0}
      aria-label="Messages table, scrollable"
      role="region"
    >
      <Table
        stickyHeader
        highlightOnHover
        verticalSpacing={8}
        style={{ tableLayout: 'fixed', minWidth: 1000 }}
        aria-rowcount={rows.length + 1}
      >
        <colgroup>
          <col style={{ width: 225 }} />
          <col style={{ width: 80 }} />
          <col style={{ width: 150 }} />
          <col style={{ width: 150 }} />
          <col style={{ width: 130 }} />
          <col style={{ width: 56 }} />
          <col />
          <col style={{ width: 90 }} />
        </colgroup>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Time</Table.Th>
            <Table.Th>Dir.</Table.Th>
            <Table.Th>From</Table.Th>
            <Table.Th>To</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th title="Segments by Flowroute's rule">Seg.</Table.Th>
            <Table.Th>Message</Table.Th>
            <Table.Th style={{ textAlign: 'right' }}>USD</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {padTop > 0 ? (
            <tr aria-hidden="true">
              <td colSpan={8} style={{ height: padTop, padding: 0, border: 0 }} />
            </tr>
          ) : null}
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            const selected = row.id === selectedId;
            return (
              <Table.Tr
                key={item.key}
                aria-rowindex={item.index + 2}
                aria-selected={selected}
                data-testid="message-row"
                onClick={() => onSelect(row.id)}
                style={{
                  height: ROW_HEIGHT,
                  cursor: 'pointer',
                  background: selected ? 'var(--mantine-color-blue-light)' : undefined,
                }}
              >
                <Table.Td>
                  <UnstyledButton
                    onClick={(e) => {
                      e.stopPropagation();
                      onSelect(row.id);
                    }}
                    aria-label={`Open message ${row.id}`}
                  >
                    <Text
                      component="time"
                      size="sm"
                      dateTime={row.timestamp}
                      title={`UTC ${formatUtcShort(row.time)}`}
                      style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}
                    >
                      {formatLocalDateTime(row.time)}
                    </Text>
                  </UnstyledButton>
                </Table.Td>
                <Table.Td>
                  <DirectionBadge direction={row.direction} size="xs" />
                </Table.Td>
                <Table.Td>
                  <PhoneNumber value={row.from} size="sm" />
                </Table.Td>
                <Table.Td>
                  <PhoneNumber value={row.to} size="sm" />
                </Table.Td>
                <Table.Td>
                  <StatusBadge status={row.status} size="xs" />
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{row.is_mms ? 'MMS' : segmentsOf(row)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" truncate="end" title={row.body}>
                    {row.body || (
                      <Text span c="dimmed">
                        (no text)
                      </Text>
                    )}
                  </Text>
                </Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>
                  <Money nanodollars={row.amount_nanodollars} size="sm" />
                </Table.Td>
              </Table.Tr>
            );
          })}
          {padBottom > 0 ? (
            <tr aria-hidden="true">
              <td colSpan={8} style={{ height: padBottom, padding: 0, border: 0 }} />
            </tr>
          ) : null}
        </Table.Tbody>
      </Table>
    </div>
  );
});
