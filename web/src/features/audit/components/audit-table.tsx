// One page of audit entries (up to 1,000), virtualized; a row (or its action, by keyboard) opens the detail.
import { Badge, Text, UnstyledButton } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import { formatDateTime } from '@/lib/format';
import {
  actionLabel,
  entryHttpStatus,
  entryStatus,
  formatTarget,
  STATUS_DISPLAY,
} from '../api/audit-display';
import type { AuditEntry } from '../api/audit-queries';
import classes from './audit-table.module.css';

const ROW_HEIGHT = 45;

const COLUMNS = [
  { id: 'time', label: 'Time', width: 220 },
  { id: 'what', label: 'What', width: 190 },
  { id: 'who', label: 'Who', width: 170 },
  { id: 'target', label: 'Number / target', width: 170 },
  { id: 'result', label: 'Result', width: 160 },
  { id: 'status', label: 'HTTP', width: 70 },
  { id: 'ip', label: 'Source IP', width: 140 },
] as const;

const TABLE_WIDTH = COLUMNS.reduce((sum, c) => sum + c.width, 0);

interface AuditListProps {
  entries: AuditEntry[];
  selectedId: string | null;
  onOpen: (id: string) => void;
  caption: string;
}

export function AuditTable(props: AuditListProps) {
  // Phones get a list of two-line cards: seven columns do not fit in 390 px.
  const narrow = useMediaQuery('(max-width: 40em)');
  return narrow ? <AuditCards {...props} /> : <AuditWideTable {...props} />;
}

function AuditWideTable({ entries, selectedId, onOpen, caption }: AuditListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // TanStack Virtual returns functions that the React Compiler must not memoize.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    initialRect: { width: TABLE_WIDTH, height: 720 },
    getItemKey: (index) => entries[index]?.id ?? index,
  });
  const items = virtualizer.getVirtualItems();
  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = items.length ? virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0) : 0;

  return (
    <div
      ref={scrollRef}
      className={classes.scroller}
      style={{ height: 'min(68vh, 860px)', maxHeight: entries.length * ROW_HEIGHT + 41 + 2 }}
      tabIndex={0}
      role="region"
      aria-label={`${caption} (scrollable)`}
    >
      <table className={classes.table} style={{ width: TABLE_WIDTH }} aria-rowcount={entries.length + 1}>
        <caption className={classes.srOnly}>{caption}</caption>
        <colgroup>
          {COLUMNS.map((c) => (
            <col key={c.id} style={{ width: c.width }} />
          ))}
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            {COLUMNS.map((c) => (
              <th key={c.id} scope="col">
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {paddingTop > 0 ? (
            <tr aria-hidden="true">
              <td colSpan={COLUMNS.length} style={{ height: paddingTop, padding: 0, border: 0 }} />
            </tr>
          ) : null}
          {items.map((item) => {
            const entry = entries[item.index];
            if (!entry) return null;
            return (
              <AuditRow
                key={entry.id}
                entry={entry}
                index={item.index}
                selected={entry.id === selectedId}
                onOpen={onOpen}
              />
            );
          })}
          {paddingBottom > 0 ? (
            <tr aria-hidden="true">
              <td colSpan={COLUMNS.length} style={{ height: paddingBottom, padding: 0, border: 0 }} />
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

function AuditRow({
  entry,
  index,
  selected,
  onOpen,
}: {
  entry: AuditEntry;
  index: number;
  selected: boolean;
  onOpen: (id: string) => void;
}) {
  const status = STATUS_DISPLAY[entryStatus(entry)];
  const http = entryHttpStatus(entry);
  const when = formatDateTime(entry.ts);
  const label = actionLabel(entry.action);
  const target = formatTarget(entry.target);
  return (
    <tr
      className={classes.row}
      aria-rowindex={index + 2}
      data-selected={selected || undefined}
      data-testid="audit-row"
      onClick={() => onOpen(entry.id)}
    >
      <td title={entry.ts}>
        <time dateTime={entry.ts} style={{ fontVariantNumeric: 'tabular-nums' }}>
          {when}
        </time>
      </td>
      <td>
        <UnstyledButton
          className={classes.actionButton}
          onClick={(event) => {
            event.stopPropagation();
            onOpen(entry.id);
          }}
          aria-label={`Details: ${label}${entry.actor ? ` by ${entry.actor}` : ''}, ${when}`}
          aria-haspopup="dialog"
          title={entry.action}
        >
          {label}
        </UnstyledButton>
      </td>
      <td>
        {entry.actor ? (
          <>
            {entry.actor}
            {entry.role ? (
              <Text span size="xs" c="dimmed">
                {' '}
                · {entry.role}
              </Text>
            ) : null}
          </>
        ) : (
          <Text span c="dimmed" size="sm">
            —
          </Text>
        )}
      </td>
      <td title={entry.target ?? undefined}>
        {target || (
          <Text span c="dimmed" size="sm">
            —
          </Text>
        )}
      </td>
      <td>
        <Badge variant="light" color={status.color} size="sm">
          {status.label}
        </Badge>
      </td>
      <td style={{ fontVariantNumeric: 'tabular-nums' }}>{http ?? '—'}</td>
      <td>{entry.sourceIp ?? '—'}</td>
    </tr>
  );
}

const CARD_HEIGHT = 76;

function AuditCards({ entries, selectedId, onOpen, caption }: AuditListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => CARD_HEIGHT,
    overscan: 8,
    initialRect: { width: 360, height: 640 },
    getItemKey: (index) => entries[index]?.id ?? index,
  });
  return (
    <div
      ref={scrollRef}
      className={classes.cardList}
      style={{ height: 'min(70vh, 720px)', maxHeight: entries.length * CARD_HEIGHT + 2 }}
      role="region"
      aria-label={`${caption} (scrollable)`}
    >
      <ul
        style={{
          height: virtualizer.getTotalSize(),
          position: 'relative',
          margin: 0,
          padding: 0,
          listStyle: 'none',
        }}
      >
        {virtualizer.getVirtualItems().map((item) => {
          const entry = entries[item.index];
          if (!entry) return null;
          const status = STATUS_DISPLAY[entryStatus(entry)];
          const label = actionLabel(entry.action);
          const when = formatDateTime(entry.ts);
          const target = formatTarget(entry.target);
          return (
            <li
              key={entry.id}
              className={classes.card}
              style={{ height: CARD_HEIGHT, transform: `translateY(${item.start}px)` }}
              data-selected={entry.id === selectedId || undefined}
              data-testid="audit-row"
              onClick={() => onOpen(entry.id)}
            >
              <div className={classes.cardLine}>
                <UnstyledButton
                  className={classes.actionButton}
                  onClick={(event) => {
                    event.stopPropagation();
                    onOpen(entry.id);
                  }}
                  aria-label={`Details: ${label}${entry.actor ? ` by ${entry.actor}` : ''}, ${when}`}
                  aria-haspopup="dialog"
                >
                  {label}
                </UnstyledButton>
                <Badge variant="light" color={status.color} size="sm" style={{ flexShrink: 0 }}>
                  {status.label}
                </Badge>
              </div>
              <div className={classes.cardLine}>
                <Text span size="sm">
                  {entry.actor ?? '—'}
                  {target ? ` → ${target}` : ''}
                </Text>
              </div>
              <div className={classes.cardLine}>
                <Text span size="xs" c="dimmed">
                  <time dateTime={entry.ts}>{when}</time>
                  {entry.sourceIp ? ` · ${entry.sourceIp}` : ''}
                </Text>
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
