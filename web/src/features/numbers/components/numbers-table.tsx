// The account numbers table: one loaded page (up to 200 rows), virtualized, sortable, selectable.
// Route columns come from each number's detail, fetched only for rows on screen once scrolling settles.
import { Checkbox, UnstyledButton } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef, type CSSProperties, type ReactNode } from 'react';
import { Link } from 'react-router';
import { formatNanp, formatNumberType, formatRateCenter, formatState } from '@/lib/format';
import { numberQueries, routeOf, type NumberResource } from '@/lib/flowroute/numbers';
import type { SortKey, SortState } from '../api/list-state';
import classes from './numbers-table.module.css';

const ROW_HEIGHT = 41;

interface Column {
  id: string;
  label: string;
  width: number;
  sortKey?: SortKey;
  sticky?: number;
}

const COLUMNS: Column[] = [
  { id: 'select', label: 'Select', width: 44, sticky: 0 },
  { id: 'number', label: 'Number', width: 160, sortKey: 'number', sticky: 44 },
  { id: 'alias', label: 'Alias', width: 180, sortKey: 'alias' },
  { id: 'type', label: 'Type', width: 90, sortKey: 'type' },
  { id: 'state', label: 'State', width: 70, sortKey: 'state' },
  { id: 'rate_center', label: 'Rate center', width: 130, sortKey: 'rate_center' },
  { id: 'cnam', label: 'CNAM lookups', width: 120, sortKey: 'cnam' },
  { id: 'primary', label: 'Primary route', width: 200 },
  { id: 'failover', label: 'Failover route', width: 200 },
];

const TABLE_WIDTH = COLUMNS.reduce((sum, c) => sum + c.width, 0);

export interface NumbersTableProps {
  rows: NumberResource[];
  sort: SortState | null;
  onSort: (sort: SortState | null) => void;
  isSelected: (number: string) => boolean;
  onToggle: (number: string) => void;
  onToggleAll: () => void;
  allState: 'all' | 'some' | 'none';
  /** Height of the scroll area; rows beyond it are virtualized. */
  height?: CSSProperties['height'];
  caption: string;
  /** When this changes (another page, filter or sort), the table scrolls back to its first row. */
  resetKey?: string;
}

export function NumbersTable({
  rows,
  sort,
  onSort,
  isSelected,
  onToggle,
  onToggleAll,
  allState,
  height = 'min(70vh, 900px)',
  caption,
  resetKey,
}: NumbersTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [resetKey]);
  // TanStack Virtual returns functions that the React Compiler must not memoize.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    initialRect: { width: TABLE_WIDTH, height: 600 },
    getItemKey: (index) => rows[index]?.id ?? index,
  });
  const items = virtualizer.getVirtualItems();
  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = items.length ? virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0) : 0;
  const settled = !virtualizer.isScrolling;

  return (
    <div
      ref={scrollRef}
      className={classes.scroller}
      style={{
        height: rows.length ? height : undefined,
        maxHeight: rows.length * ROW_HEIGHT + ROW_HEIGHT + 2,
      }}
      tabIndex={0}
      role="region"
      aria-label={`${caption} (scrollable)`}
    >
      <table className={classes.table} style={{ width: TABLE_WIDTH }} aria-rowcount={rows.length + 1}>
        <caption className={classes.srOnly}>{caption}</caption>
        <colgroup>
          {COLUMNS.map((c) => (
            <col key={c.id} style={{ width: c.width }} />
          ))}
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            {COLUMNS.map((column) => (
              <th
                key={column.id}
                scope="col"
                className={column.sticky !== undefined ? classes.stickyCell : undefined}
                style={column.sticky !== undefined ? { left: column.sticky } : undefined}
                aria-sort={
                  column.sortKey && sort?.key === column.sortKey
                    ? sort.dir === 'asc'
                      ? 'ascending'
                      : 'descending'
                    : undefined
                }
              >
                {column.id === 'select' ? (
                  <Checkbox
                    aria-label="Select all numbers on this page"
                    checked={allState === 'all'}
                    indeterminate={allState === 'some'}
                    onChange={onToggleAll}
                    size="xs"
                  />
                ) : column.sortKey ? (
                  <SortButton column={column} sort={sort} onSort={onSort} />
                ) : (
                  column.label
                )}
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
            const row = rows[item.index];
            if (!row) return null;
            return (
              <NumberRow
                key={row.id}
                row={row}
                index={item.index}
                selected={isSelected(row.id)}
                onToggle={onToggle}
                loadRoutes={settled}
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

function SortButton({
  column,
  sort,
  onSort,
}: {
  column: Column;
  sort: SortState | null;
  onSort: (sort: SortState | null) => void;
}) {
  const active = sort?.key === column.sortKey;
  const next: SortState | null = !active
    ? { key: column.sortKey!, dir: 'asc' }
    : sort?.dir === 'asc'
      ? { key: column.sortKey!, dir: 'desc' }
      : null;
  const label = `Sort this page by ${column.label.toLowerCase()}${
    next ? (next.dir === 'asc' ? ', ascending' : ', descending') : ', back to Flowroute order'
  }`;
  return (
    <UnstyledButton
      className={classes.sortButton}
      onClick={() => onSort(next)}
      aria-label={label}
      title={label}
    >
      {column.label}
      <span aria-hidden="true" className={classes.sortMark} data-active={active || undefined}>
        {active ? (sort?.dir === 'asc' ? '▲' : '▼') : '↕'}
      </span>
    </UnstyledButton>
  );
}

/** Memoized: while scrolling only rows that come into view render; the rest keep their DOM untouched. */
const NumberRow = memo(function NumberRow({
  row,
  index,
  selected,
  onToggle,
  loadRoutes,
}: {
  row: NumberResource;
  index: number;
  selected: boolean;
  onToggle: (number: string) => void;
  loadRoutes: boolean;
}) {
  const a = row.attributes;
  const formatted = formatNanp(row.id);
  const rateCenter = formatRateCenter(a.rate_center);
  return (
    <tr aria-rowindex={index + 2} data-selected={selected || undefined} className={classes.row}>
      <td className={classes.stickyCell} style={{ left: 0 }}>
        <Checkbox
          aria-label={`Select ${formatted}`}
          checked={selected}
          onChange={() => onToggle(row.id)}
          size="xs"
        />
      </td>
      <td className={classes.stickyCell} style={{ left: 44 }}>
        <Link to={`/numbers/${row.id}`} className={classes.numberLink}>
          {formatted}
        </Link>
      </td>
      <td>
        {a.alias ? (
          <span className={classes.truncate} title={a.alias}>
            {a.alias}
          </span>
        ) : (
          <Dim />
        )}
      </td>
      <td>{formatNumberType(a.number_type)}</td>
      <td>{formatState(a.state)}</td>
      <td>
        <span className={classes.truncate} title={rateCenter}>
          {rateCenter}
        </span>
      </td>
      <td>
        <span className={classes.pill} data-on={a.cnam_lookups_enabled || undefined}>
          {a.cnam_lookups_enabled ? 'On' : 'Off'}
        </span>
      </td>
      <RouteCells number={row.id} enabled={loadRoutes} />
    </tr>
  );
});

function RouteCells({ number, enabled }: { number: string; enabled: boolean }) {
  const detail = useQuery({ ...numberQueries.detail(number), enabled, meta: { silent: true } });
  if (detail.isError) {
    return (
      <>
        <td>
          <span className={classes.error} title="Could not load this number's routes; open it for details.">
            Unavailable
          </span>
        </td>
        <td>
          <Dim />
        </td>
      </>
    );
  }
  if (!detail.data) {
    return (
      <>
        <td>
          <span className={classes.placeholder} style={{ width: '70%' }} />
        </td>
        <td>
          <span className={classes.placeholder} style={{ width: '50%' }} />
        </td>
      </>
    );
  }
  return (
    <>
      <td>
        <RouteText {...routeOf(detail.data, 'primary_route')} />
      </td>
      <td>
        <RouteText {...routeOf(detail.data, 'failover_route')} />
      </td>
    </>
  );
}

function RouteText({ id, route }: ReturnType<typeof routeOf>): ReactNode {
  if (id === null) return <Dim label="None" />;
  if (!route) return <Dim label={`Route ${id}`} />;
  const { alias, route_type, value } = route.attributes;
  const name = alias?.trim() || `Route ${id}`;
  if (route_type === 'sip-reg') {
    return (
      <span className={`${classes.truncate} ${classes.dim}`} title={`${name} (SIP registration, default)`}>
        {name} (default)
      </span>
    );
  }
  return (
    <span className={classes.truncate} title={`${name} — ${route_type}: ${value ?? ''}`}>
      {name}
    </span>
  );
}

function Dim({ label = '—' }: { label?: string }) {
  return (
    <span className={classes.dim} aria-label={label === '—' ? 'none' : undefined}>
      {label}
    </span>
  );
}
