// The virtualized MDR log: only the rows in view are in the DOM, so 100,000 rows scroll smoothly.
// A table on wide screens; `MessagesList` (messages-list.tsx) is the same log as two-line cards for phones.
import { memo, useMemo } from 'react';
import { Pill, tableClasses as t, VirtualTable, type VirtualColumn } from '@/components/virtual-table';
import { formatNanodollars, formatNanp } from '@/lib/format';
import { statusColor } from '../model/dlr';
import type { LogRow } from '../model/rows';
import { segmentsOf } from '../model/rows';
import { formatLocalDateTime, formatUtcShort } from '../model/time-format';
import classes from './messages-table.module.css';

type Tone = 'gray' | 'teal' | 'blue' | 'red';

function columns(onSelect: (id: string) => void): VirtualColumn<LogRow>[] {
  return [
    {
      id: 'time',
      label: 'Time',
      width: 225,
      card: { line: 2 },
      cell: (row) => {
        const local = formatLocalDateTime(row.time);
        return (
          <button
            type="button"
            className={classes.open}
            title={`UTC ${formatUtcShort(row.time)}`}
            aria-label={`Open message sent ${local}`}
            onClick={(e) => {
              e.stopPropagation();
              onSelect(row.id);
            }}
          >
            <time dateTime={row.timestamp}>{local}</time>
          </button>
        );
      },
    },
    {
      id: 'dir',
      label: 'Dir.',
      width: 80,
      card: { line: 1 },
      cell: (row) =>
        row.direction === 'inbound' ? <Pill tone="grape">← in</Pill> : <Pill tone="indigo">out →</Pill>,
    },
    { id: 'from', label: 'From', width: 150, className: t.mono, cell: (row) => formatNanp(row.from) },
    { id: 'to', label: 'To', width: 150, className: t.mono, cell: (row) => formatNanp(row.to) },
    {
      id: 'theirs',
      label: 'Their number',
      cardOnly: true,
      card: { line: 1, grow: true },
      cell: (row) => <span className={t.mono}>{formatNanp(row.theirs)}</span>,
    },
    {
      id: 'status',
      label: 'Status',
      width: 130,
      card: { line: 1 },
      cell: (row) => <Pill tone={statusColor(row.status) as Tone}>{row.status || 'none'}</Pill>,
    },
    {
      id: 'segments',
      label: 'Seg.',
      width: 56,
      headerTitle: "Segments by Flowroute's rule",
      cell: (row) => (row.is_mms ? 'MMS' : segmentsOf(row)),
    },
    {
      id: 'body',
      label: 'Message',
      title: (row) => row.body,
      card: { line: 2, grow: true },
      cell: (row) => row.body || <span className={t.dim}>(no text)</span>,
    },
    {
      id: 'usd',
      label: 'USD',
      width: 90,
      className: t.right,
      cell: (row) => formatNanodollars(row.amount_nanodollars),
    },
  ];
}

const getKey = (row: LogRow) => row.id;

export interface MessagesLogProps {
  rows: readonly LogRow[];
  selectedId: string | null;
  onSelect: (id: string) => void;
  height: number | string;
}

export function MessagesLog({ layout, ...props }: MessagesLogProps & { layout: 'table' | 'cards' }) {
  const { rows, selectedId, onSelect, height } = props;
  // The page passes a stable callback, so the columns (and the memoized rows) stay put while scrolling.
  const cols = useMemo(() => columns(onSelect), [onSelect]);
  return (
    <VirtualTable
      rows={rows}
      columns={cols}
      getKey={getKey}
      caption="Messages"
      layout={layout}
      rowHeight={41}
      cardHeight={64}
      height={height}
      overscan={layout === 'table' ? 12 : 8}
      isSelected={(row) => row.id === selectedId}
      selectedAria="aria-selected"
      onRowClick={(row) => onSelect(row.id)}
      scrollToKey={selectedId}
      testId="messages-table-scroll"
      rowTestId="message-row"
    />
  );
}

export const MessagesTable = memo(function MessagesTable(props: MessagesLogProps) {
  return <MessagesLog layout="table" {...props} />;
});
