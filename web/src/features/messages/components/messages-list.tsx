// The MDR log on phones: a virtualized list of two-line items (time, direction, other party, status / text).
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useRef } from 'react';
import { formatNanp } from '@/lib/format';
import { statusColor } from '../model/dlr';
import type { LogRow } from '../model/rows';
import { formatLocalDateTime, formatUtcShort } from '../model/time-format';
import classes from './messages-table.module.css';

const ITEM_HEIGHT = 64;

export const MessagesList = memo(function MessagesList({
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
    estimateSize: () => ITEM_HEIGHT,
    overscan: 8,
    getItemKey: (i) => rows[i]?.id ?? i,
  });
  return (
    <div
      ref={scrollRef}
      className={classes.scroll}
      style={{ height }}
      data-testid="messages-table-scroll"
      role="region"
      aria-label="Messages, scrollable"
      tabIndex={0}
    >
      <ul className={classes.list} style={{ height: virtualizer.getTotalSize() }} aria-label="Messages">
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          const inbound = row.direction === 'inbound';
          const color = statusColor(row.status);
          return (
            <li
              key={item.key}
              className={classes.item}
              style={{ transform: `translateY(${item.start}px)` }}
              aria-current={row.id === selectedId ? 'true' : undefined}
              data-testid="message-row"
            >
              <button type="button" className={classes.itemButton} onClick={() => onSelect(row.id)}>
                <span className={classes.line}>
                  <span className={`${classes.pill} ${inbound ? classes.in : classes.out}`}>
                    {inbound ? '← in' : 'out →'}
                  </span>
                  <span className={`${classes.mono} ${classes.grow}`}>{formatNanp(row.theirs)}</span>
                  <span
                    className={classes.pill}
                    style={{
                      background: `var(--mantine-color-${color}-light)`,
                      color: `var(--mantine-color-${color}-9)`,
                    }}
                  >
                    {row.status || 'none'}
                  </span>
                </span>
                <span className={classes.line}>
                  <time
                    dateTime={row.timestamp}
                    title={`UTC ${formatUtcShort(row.time)}`}
                    className={classes.dimmed}
                  >
                    {formatLocalDateTime(row.time)}
                  </time>
                  <span className={classes.grow}>{row.body || '(no text)'}</span>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
});
