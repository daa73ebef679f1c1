// One virtualized list for long tables (numbers, audit, messages): a table with a sticky header on wide screens,
// one card per row on phones; only the rows in view are in the DOM. Plain elements and CSS only (no Mantine
// components), because the numbers table is on the first route and must stay small and cheap to render.
import { useMediaQuery } from '@mantine/hooks';
import { useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import {
  memo,
  useEffect,
  useMemo,
  useRef,
  type CSSProperties,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import classes from './virtual-table.module.css';

export interface CellContext {
  index: number;
  selected: boolean;
  /** False while the list scrolls (only with `trackScrolling`): cells can hold off fetching until it stops. */
  settled: boolean;
}

export interface VirtualColumn<T> {
  id: string;
  /** Header text; also the field's visible label on cards when `card.label` is set. */
  label: string;
  /** Column width in px; one column without a width takes the rest (then the table fills its box). */
  width?: number;
  /** Keeps the column in place when the table scrolls sideways (columns before it must be sticky too). */
  sticky?: boolean;
  /** Set by the table for sticky columns: the left offset (after the selection column, if any). */
  left?: number;
  /** Makes the header a sort button for this key (see `sort` / `onSort`). */
  sortKey?: string;
  /** Shown as a tooltip on the header. */
  headerTitle?: string;
  /** Extra class of the cell (and header), e.g. alignment. */
  className?: string;
  /** Tooltip of the table cell. */
  title?: (row: T) => string | undefined;
  cell: (row: T, ctx: CellContext) => ReactNode;
  /** Only in the card layout (e.g. "their number" that the table shows as From/To). */
  cardOnly?: boolean;
  /**
   * Where the field goes on a card: line 1 is the card's heading line. Without it the field is left off cards.
   * `label`: prefix the value with the column label (or this shorter one); `grow`: take the line's spare width; `dim`: secondary text.
   */
  card?: { line: 1 | 2 | 3; label?: boolean | string; grow?: boolean; dim?: boolean };
}

export interface SortState {
  key: string;
  dir: 'asc' | 'desc';
}

export interface VirtualTableProps<T> {
  rows: readonly T[];
  columns: readonly VirtualColumn<T>[];
  getKey: (row: T) => string;
  /** Names the table (and, with "(scrollable)", its scroll region). */
  caption: string;
  rowHeight: number;
  cardHeight: number;
  /** Height of the scroll area; it shrinks to fit when the rows are fewer. */
  height?: CSSProperties['height'];
  overscan?: number;
  /** `auto`: cards below 40em (phones), a table above. */
  layout?: 'auto' | 'table' | 'cards';
  isSelected?: (row: T) => boolean;
  /** How a selected row is told to assistive technology when it is the open one rather than a ticked one. */
  selectedAria?: 'aria-selected' | 'aria-current';
  /** A mouse click anywhere on the row; keyboard users use the row's own button or link. */
  onRowClick?: (row: T) => void;
  /** Selection checkboxes: one per row (ticked = selected) and a select-all in the header. */
  selection?: {
    onToggle: (key: string) => void;
    label: (row: T) => string;
    allState: 'all' | 'some' | 'none';
    onToggleAll: () => void;
    allLabel: string;
  };
  sort?: SortState | null;
  onSort?: (sort: SortState | null) => void;
  /** What a sort button sorts, for its label: "Sort this page by alias, ascending". */
  sortScope?: string;
  /** When this changes (another page, filter or sort), the list scrolls back to its first row. */
  resetKey?: string;
  /** Brought into view once its row is loaded (a selection from the URL). */
  scrollToKey?: string | null;
  /** Re-render visible rows when scrolling starts and stops, so cells get `settled`. */
  trackScrolling?: boolean;
  testId?: string;
  rowTestId?: string;
}

const HEADER_HEIGHT = 41;
const SELECT_WIDTH = 44;

export function VirtualTable<T>(props: VirtualTableProps<T>) {
  const narrow = useMediaQuery('(max-width: 40em)', undefined, { getInitialValueInEffect: false });
  const cards = props.layout === 'cards' || (props.layout !== 'table' && narrow);
  // Each layout has its own virtualizer (row sizes differ): re-mount on a switch.
  return cards ? <CardList key="cards" {...props} /> : <Table key="table" {...props} />;
}

/**
 * The scroll box, its virtualizer and what both layouts share: back to the top on `resetKey`, `scrollToKey`
 * brought into view once loaded, Up/Down between rows, and the props every row gets.
 */
function useVirtualRows<T>(props: VirtualTableProps<T>, size: number, initialWidth: number) {
  const { rows, getKey, resetKey, scrollToKey, overscan = 8, trackScrolling, selection } = props;
  const scrollRef = useRef<HTMLDivElement>(null);
  // TanStack Virtual returns functions that the React Compiler must not memoize.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => size,
    overscan,
    initialRect: { width: initialWidth, height: 600 },
    getItemKey: (index) => {
      const row = rows[index];
      return row === undefined ? index : getKey(row);
    },
  });
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [resetKey]);
  // Memoized: the table re-renders on every scroll frame, and the log can hold 100,000 rows.
  const scrollIndex = useMemo(
    () => (scrollToKey ? rows.findIndex((row) => getKey(row) === scrollToKey) : -1),
    [rows, getKey, scrollToKey],
  );
  const scrolledTo = useRef<string | null>(null);
  useEffect(() => {
    if (scrollIndex >= 0 && scrollToKey && scrolledTo.current !== scrollToKey) {
      scrolledTo.current = scrollToKey;
      virtualizer.scrollToIndex(scrollIndex, { align: 'center' });
    }
  }, [scrollIndex, scrollToKey, virtualizer]);

  const settled = !trackScrolling || !virtualizer.isScrolling;
  const rowProps = (
    row: T,
    index: number,
    key: string,
    columns: readonly VirtualColumn<T>[],
  ): RowProps<T> => ({
    row,
    index,
    columns,
    selected: props.isSelected?.(row) ?? false,
    settled,
    selectedAria: props.selectedAria,
    onRowClick: props.onRowClick,
    onToggle: selection?.onToggle,
    checkLabel: selection?.label,
    rowKey: key,
    testId: props.rowTestId,
  });
  const scrollerProps = {
    ref: scrollRef,
    className: classes.scroller,
    tabIndex: 0,
    role: 'region',
    'aria-label': `${props.caption} (scrollable)`,
    'data-testid': props.testId,
    'data-virtual-scroller': '',
    onKeyDown: (event: KeyboardEvent<HTMLElement>) => moveBetweenRows(event, virtualizer, rows.length),
  };
  return { virtualizer, rowProps, scrollerProps };
}

const CONTROLS = 'a[href], button, input';

/**
 * Up/Down from a control in a row moves to the same control in the next/previous row (scrolled into view first,
 * since that row may not be rendered yet); Tab still walks every control, and on the box itself they scroll.
 */
function moveBetweenRows(
  event: KeyboardEvent<HTMLElement>,
  virtualizer: Virtualizer<HTMLDivElement, Element>,
  count: number,
) {
  if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
  if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  const target = event.target as HTMLElement;
  const row = target.closest<HTMLElement>('[data-row-index]');
  if (!row) return;
  const slot = [...row.querySelectorAll<HTMLElement>(CONTROLS)].indexOf(target);
  if (slot < 0) return;
  const next = Number(row.dataset.rowIndex) + (event.key === 'ArrowDown' ? 1 : -1);
  if (next < 0 || next >= count) return;
  event.preventDefault();
  virtualizer.scrollToIndex(next, { align: 'auto' });
  const scroller = event.currentTarget;
  const focus = (tries: number) => {
    const there = scroller.querySelector<HTMLElement>(`[data-row-index="${next}"]`);
    const controls = there ? [...there.querySelectorAll<HTMLElement>(CONTROLS)] : [];
    const control = controls[Math.min(slot, controls.length - 1)];
    if (control) control.focus();
    else if (tries > 0) requestAnimationFrame(() => focus(tries - 1));
  };
  focus(5);
}

const cellClass = (column: VirtualColumn<unknown>) =>
  [column.left !== undefined && classes.sticky, column.className].filter(Boolean).join(' ') || undefined;
const cellStyle = (column: VirtualColumn<unknown>) =>
  column.left !== undefined ? { left: column.left } : undefined;

/** Table columns, each sticky one with its left offset: after the selection column and the sticky ones before it. */
function stickyOffsets<T>(columns: readonly VirtualColumn<T>[], selectable: boolean): VirtualColumn<T>[] {
  const result: VirtualColumn<T>[] = [];
  let left = selectable ? SELECT_WIDTH : 0;
  for (const column of columns) {
    if (column.cardOnly) continue;
    if (!column.sticky) {
      result.push(column);
      continue;
    }
    result.push({ ...column, left });
    left += column.width ?? 0;
  }
  return result;
}

function Table<T>(props: VirtualTableProps<T>) {
  const { rows, columns, caption, rowHeight, height = 'min(70vh, 900px)', selection } = props;
  // One array per `columns`: a new one every render would re-render every memoized row on every scroll frame.
  const selectable = selection !== undefined;
  const tableColumns = useMemo(() => stickyOffsets(columns, selectable), [columns, selectable]);
  const fixedWidth =
    (selection ? SELECT_WIDTH : 0) + tableColumns.reduce((sum, c) => sum + (c.width ?? 0), 0);
  const fluid = tableColumns.some((c) => c.width === undefined);
  const { virtualizer, rowProps, scrollerProps } = useVirtualRows(props, rowHeight, fixedWidth);
  const items = virtualizer.getVirtualItems();
  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = items.length ? virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0) : 0;
  const span = tableColumns.length + (selection ? 1 : 0);

  return (
    <div {...scrollerProps} style={{ height, maxHeight: rows.length * rowHeight + HEADER_HEIGHT + 2 }}>
      <table
        className={classes.table}
        style={{
          width: fluid ? '100%' : fixedWidth,
          minWidth: fluid ? fixedWidth + 200 : undefined,
          ['--vt-row-height' as string]: `${rowHeight}px`,
        }}
        aria-rowcount={rows.length + 1}
      >
        <caption className={classes.srOnly}>{caption}</caption>
        <colgroup>
          {selection ? <col style={{ width: SELECT_WIDTH }} /> : null}
          {tableColumns.map((c) => (
            <col key={c.id} style={c.width === undefined ? undefined : { width: c.width }} />
          ))}
        </colgroup>
        <thead>
          <tr aria-rowindex={1}>
            {selection ? (
              <th scope="col" className={classes.sticky} style={{ left: 0 }}>
                <SelectAll
                  state={selection.allState}
                  onChange={selection.onToggleAll}
                  label={selection.allLabel}
                />
              </th>
            ) : null}
            {tableColumns.map((column) => (
              <HeaderCell key={column.id} column={column} {...props} />
            ))}
          </tr>
        </thead>
        <tbody>
          {paddingTop > 0 ? (
            <tr aria-hidden="true">
              <td colSpan={span} className={classes.spacer} style={{ height: paddingTop }} />
            </tr>
          ) : null}
          {items.map((item) => {
            const row = rows[item.index];
            return row === undefined ? null : (
              <TableRow key={item.key} {...rowProps(row, item.index, String(item.key), tableColumns)} />
            );
          })}
          {paddingBottom > 0 ? (
            <tr aria-hidden="true">
              <td colSpan={span} className={classes.spacer} style={{ height: paddingBottom }} />
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}

function HeaderCell<T>({
  column,
  sort,
  onSort,
  sortScope,
}: { column: VirtualColumn<T> } & VirtualTableProps<T>) {
  const active = column.sortKey !== undefined && sort?.key === column.sortKey;
  return (
    <th
      scope="col"
      className={cellClass(column as VirtualColumn<unknown>)}
      style={cellStyle(column as VirtualColumn<unknown>)}
      title={column.headerTitle}
      aria-sort={active ? (sort?.dir === 'asc' ? 'ascending' : 'descending') : undefined}
    >
      {column.sortKey !== undefined && onSort ? (
        <SortButton
          label={column.label}
          sortKey={column.sortKey}
          sort={sort ?? null}
          onSort={onSort}
          scope={sortScope ?? 'this page'}
        />
      ) : (
        column.label
      )}
    </th>
  );
}

function SortButton({
  label,
  sortKey,
  sort,
  onSort,
  scope,
}: {
  label: string;
  sortKey: string;
  sort: SortState | null;
  onSort: (sort: SortState | null) => void;
  scope: string;
}) {
  const active = sort?.key === sortKey;
  // Ascending, then descending, then back to the server's order.
  const next: SortState | null = !active
    ? { key: sortKey, dir: 'asc' }
    : sort?.dir === 'asc'
      ? { key: sortKey, dir: 'desc' }
      : null;
  const text = `Sort ${scope} by ${label.toLowerCase()}${
    next ? (next.dir === 'asc' ? ', ascending' : ', descending') : ', back to Flowroute order'
  }`;
  return (
    <button
      type="button"
      className={classes.sortButton}
      onClick={() => onSort(next)}
      aria-label={text}
      title={text}
    >
      {label}
      <span aria-hidden="true" className={classes.sortMark} data-active={active || undefined}>
        {active ? (sort?.dir === 'asc' ? '▲' : '▼') : '↕'}
      </span>
    </button>
  );
}

function SelectAll({
  state,
  onChange,
  label,
}: {
  state: 'all' | 'some' | 'none';
  onChange: () => void;
  label: string;
}) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = state === 'some';
  }, [state]);
  return (
    <input
      ref={ref}
      type="checkbox"
      className={classes.checkbox}
      aria-label={label}
      checked={state === 'all'}
      onChange={onChange}
    />
  );
}

interface RowProps<T> {
  row: T;
  index: number;
  columns: readonly VirtualColumn<T>[];
  selected: boolean;
  settled: boolean;
  selectedAria?: 'aria-selected' | 'aria-current';
  onRowClick?: (row: T) => void;
  onToggle?: (key: string) => void;
  checkLabel?: (row: T) => string;
  rowKey: string;
  testId?: string;
}

/** What a table row and a card share: position, selection, click, test id. */
function rowAttrs<T>({ row, index, selected, onRowClick, testId }: RowProps<T>) {
  return {
    'data-row-index': index,
    'data-selected': selected || undefined,
    'data-clickable': onRowClick ? '' : undefined,
    'data-testid': testId,
    onClick: onRowClick ? () => onRowClick(row) : undefined,
  };
}

function RowCheckbox<T>({ row, selected, onToggle, checkLabel, rowKey }: RowProps<T>) {
  if (!onToggle) return null;
  return (
    <input
      type="checkbox"
      className={classes.checkbox}
      aria-label={checkLabel?.(row)}
      checked={selected}
      onChange={() => onToggle(rowKey)}
      onClick={(event) => event.stopPropagation()}
    />
  );
}

/** Memoized: while scrolling only rows that come into view render; the rest keep their DOM untouched. */
const TableRow = memo(function TableRow<T>(props: RowProps<T>) {
  const { row, index, columns, selected, settled, selectedAria, onToggle } = props;
  const ctx: CellContext = { index, selected, settled };
  return (
    <tr
      className={classes.row}
      aria-rowindex={index + 2}
      {...(selectedAria === 'aria-selected'
        ? { 'aria-selected': selected }
        : { 'aria-current': selectedAria && selected ? ('true' as const) : undefined })}
      {...rowAttrs(props)}
    >
      {onToggle ? (
        <td className={classes.sticky} style={{ left: 0 }}>
          <RowCheckbox {...props} />
        </td>
      ) : null}
      {columns.map((column) => (
        <td
          key={column.id}
          className={cellClass(column as VirtualColumn<unknown>)}
          style={cellStyle(column as VirtualColumn<unknown>)}
          title={column.title?.(row)}
        >
          {column.cell(row, ctx)}
        </td>
      ))}
    </tr>
  );
}) as <T>(props: RowProps<T>) => ReactNode;

function CardList<T>(props: VirtualTableProps<T>) {
  const { rows, cardHeight, height = 'min(70vh, 720px)', selection } = props;
  const columns = useMemo(() => props.columns.filter((c) => c.card), [props.columns]);
  const { virtualizer, rowProps, scrollerProps } = useVirtualRows(props, cardHeight, 360);
  return (
    <>
      {selection ? (
        <label className={classes.cardSelectAll}>
          <SelectAll state={selection.allState} onChange={selection.onToggleAll} label={selection.allLabel} />
          <span aria-hidden="true">Select all</span>
        </label>
      ) : null}
      <div {...scrollerProps} style={{ height, maxHeight: rows.length * cardHeight + 2 }}>
        <ul
          className={classes.cardList}
          style={{ height: virtualizer.getTotalSize() }}
          aria-label={props.caption}
        >
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index];
            return row === undefined ? null : (
              <Card
                key={item.key}
                {...rowProps(row, item.index, String(item.key), columns)}
                count={rows.length}
                start={item.start}
                height={cardHeight}
              />
            );
          })}
        </ul>
      </div>
    </>
  );
}

const Card = memo(function Card<T>(props: RowProps<T> & { count: number; start: number; height: number }) {
  const { row, index, count, start, height, columns, selected, settled, selectedAria } = props;
  const ctx: CellContext = { index, selected, settled };
  const lines = ([1, 2, 3] as const)
    .map((line) => columns.filter((c) => c.card?.line === line))
    .filter((cells) => cells.length > 0);
  return (
    <li
      className={classes.card}
      style={{ height, transform: `translateY(${start}px)` }}
      aria-setsize={count}
      aria-posinset={index + 1}
      // A list item cannot be aria-selected: the open card is the current one.
      aria-current={selectedAria && selected ? 'true' : undefined}
      {...rowAttrs(props)}
    >
      {lines.map((cells, i) => (
        <div key={i} className={classes.cardLine}>
          {i === 0 ? <RowCheckbox {...props} /> : null}
          {cells.map((column) => (
            <span
              key={column.id}
              className={classes.cardField}
              data-field={column.id}
              data-grow={column.card?.grow || undefined}
              data-dim={column.card?.dim || undefined}
            >
              {column.card?.label ? (
                <span className={classes.cardLabel}>
                  {typeof column.card.label === 'string' ? column.card.label : column.label}
                </span>
              ) : null}
              {column.cell(row, ctx)}
            </span>
          ))}
        </div>
      ))}
    </li>
  );
}) as <T>(props: RowProps<T> & { count: number; start: number; height: number }) => ReactNode;

type Tone = 'gray' | 'teal' | 'blue' | 'red' | 'grape' | 'indigo';

/** A small rounded label (status, on/off); tones are Mantine colours, readable in light and dark mode. */
export function Pill({ tone, children, upper }: { tone: Tone; children: ReactNode; upper?: boolean }) {
  return (
    // A class per tone rather than inline colours: no style writes per pill while rows stream in.
    <span className={classes.pill} data-tone={tone} data-upper={upper || undefined}>
      {children}
    </span>
  );
}

/** "—" (read as "none") or a dimmed word for an empty value. */
export function Dim({ label = '—' }: { label?: string }) {
  return (
    <span className={classes.dim} aria-label={label === '—' ? 'none' : undefined}>
      {label}
    </span>
  );
}

export const tableClasses = classes;
