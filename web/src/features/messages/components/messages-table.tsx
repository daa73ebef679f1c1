// The virtualized MDR table: only the rows in view are in the DOM, so 100,000 rows scroll smoothly.
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef } from 'react';
import { formatNanodollars, formatNanp } from '@/lib/format';
import { statusColor } from '../model/dlr';
import type { LogRow } from '../model/rows';
import { segmentsOf } from '../model/rows';
import { formatLocalDateTime, formatUtcShort } from '../model/time-format';
import classes from './messages-table.module.css';

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
      className={classes.scroll}
      style={{ height }}
      data-testid="messages-table-scroll"
      tabIndex={0}
      aria-label="Messages table, scrollable"
      role="region"
    >
      <table className={classes.table} aria-rowcount={rows.length + 1}>
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
        <thead>
          <tr>
            <th className={classes.th}>Time</th>
            <th className={classes.th}>Dir.</th>
            <th className={classes.th}>From</th>
            <th className={classes.th}>To</th>
            <th className={classes.th}>Status</th>
            <th className={classes.th} title="Segments by Flowroute's rule">
              Seg.
            </th>
            <th className={classes.th}>Message</th>
            <th className={`${classes.th} ${classes.right}`}>USD</th>
          </tr>
        </thead>
        <tbody>
          {padTop > 0 ? (
            <tr aria-hidden="true">
              <td colSpan={8} style={{ height: padTop, padding: 0, border: 0 }} />
            </tr>
          ) : null}
          {items.map((item) => {
            const row = rows[item.index];
            return row ? (
              <MessageRow
                key={item.key}
                row={row}
                index={item.index}
                selected={row.id === selectedId}
                onSelect={onSelect}
              />
            ) : null;
          })}
          {padBottom > 0 ? (
            <tr aria-hidden="true">
              <td colSpan={8} style={{ height: padBottom, padding: 0, border: 0 }} />
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
});

const MessageRow = memo(function MessageRow({
  row,
  index,
  selected,
  onSelect,
}: {
  row: LogRow;
  index: number;
  selected: boolean;
  onSelect: (id: string) => void;
}) {
  const inbound = row.direction === 'inbound';
  return (
    <tr
      className={classes.row}
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-testid="message-row"
      onClick={() => onSelect(row.id)}
    >
      <td className={classes.td}>
        <button
          type="button"
          className={classes.open}
          title={`UTC ${formatUtcShort(row.time)}`}
          aria-label={`Open message sent ${formatLocalDateTime(row.time)}`}
          onClick={(e) => {
            e.stopPropagation();
            onSelect(row.id);
          }}
        >
          <time dateTime={row.timestamp}>{formatLocalDateTime(row.time)}</time>
        </button>
      </td>
      <td className={classes.td}>
        <span className={`${classes.pill} ${inbound ? classes.in : classes.out}`}>
          {inbound ? '← in' : 'out →'}
        </span>
      </td>
      <td className={`${classes.td} ${classes.mono}`}>{formatNanp(row.from)}</td>
      <td className={`${classes.td} ${classes.mono}`}>{formatNanp(row.to)}</td>
      <td className={classes.td}>
        <span
          className={classes.pill}
          style={{
            background: `var(--mantine-color-${statusColor(row.status)}-light)`,
            color: `var(--mantine-color-${statusColor(row.status)}-9)`,
          }}
        >
          {row.status || 'none'}
        </span>
      </td>
      <td className={classes.td}>{row.is_mms ? 'MMS' : segmentsOf(row)}</td>
      <td className={classes.td} title={row.body}>
        {row.body || <span className={classes.dimmed}>(no text)</span>}
      </td>
      <td className={`${classes.td} ${classes.right}`}>{formatNanodollars(row.amount_nanodollars)}</td>
    </tr>
  );
});
