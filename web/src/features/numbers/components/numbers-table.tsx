// The account numbers table: one loaded page (up to 200 rows), virtualized, sortable, selectable; cards on phones.
// Route columns come from each number's detail, fetched only for rows on screen once scrolling settles.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type CSSProperties } from 'react';
import { Link } from 'react-router';
import {
  Dim,
  Pill,
  tableClasses as t,
  VirtualTable,
  type SortState as TableSort,
  type VirtualColumn,
} from '@/components/virtual-table';
import { formatNanp, formatNumberType, formatRateCenter, formatState } from '@/lib/format';
import { numberQueries, routeOf, type NumberResource } from '@/lib/flowroute/numbers';
import type { SortState } from '../api/list-state';
import classes from './numbers-table.module.css';

const COLUMNS: VirtualColumn<NumberResource>[] = [
  {
    id: 'number',
    label: 'Number',
    width: 160,
    sortKey: 'number',
    sticky: true,
    card: { line: 1, grow: true },
    cell: (row) => (
      <Link to={`/numbers/${row.id}`} className={classes.numberLink}>
        {formatNanp(row.id)}
      </Link>
    ),
  },
  {
    id: 'alias',
    label: 'Alias',
    width: 180,
    sortKey: 'alias',
    card: { line: 2, grow: true },
    cell: (row) =>
      row.attributes.alias ? (
        <span className={t.truncate} title={row.attributes.alias}>
          {row.attributes.alias}
        </span>
      ) : (
        <Dim />
      ),
  },
  {
    id: 'type',
    label: 'Type',
    width: 90,
    sortKey: 'type',
    card: { line: 1 },
    cell: (row) => formatNumberType(row.attributes.number_type),
  },
  {
    id: 'state',
    label: 'State',
    width: 70,
    sortKey: 'state',
    card: { line: 2, dim: true },
    cell: (row) => formatState(row.attributes.state),
  },
  {
    id: 'rate_center',
    label: 'Rate center',
    width: 130,
    sortKey: 'rate_center',
    card: { line: 2, dim: true },
    cell: (row) => {
      const rateCenter = formatRateCenter(row.attributes.rate_center);
      return (
        <span className={t.truncate} title={rateCenter}>
          {rateCenter}
        </span>
      );
    },
  },
  {
    id: 'cnam',
    label: 'CNAM lookups',
    width: 120,
    sortKey: 'cnam',
    cell: (row) => (
      <Pill tone={row.attributes.cnam_lookups_enabled ? 'teal' : 'gray'} upper>
        {row.attributes.cnam_lookups_enabled ? 'On' : 'Off'}
      </Pill>
    ),
  },
  {
    id: 'primary',
    label: 'Primary route',
    width: 200,
    card: { line: 3, label: 'Primary', grow: true },
    cell: (row, { settled }) => <RouteCell number={row.id} which="primary_route" enabled={settled} />,
  },
  {
    id: 'failover',
    label: 'Failover route',
    width: 200,
    card: { line: 3, label: 'Failover', grow: true },
    cell: (row, { settled }) => <RouteCell number={row.id} which="failover_route" enabled={settled} />,
  },
];

const ROW_HEIGHT = 41;
const CARD_HEIGHT = 84;
const getKey = (row: NumberResource) => row.id;
const checkLabel = (row: NumberResource) => `Select ${formatNanp(row.id)}`;

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
  /** False for roles that cannot change routes: no selection column (the bulk bar is their only use). */
  selectable?: boolean;
}

/**
 * False until the table has been on screen for one frame. Until then the route cells draw only their placeholder
 * (no query observer per cell: 2 per row on screen), so the rows themselves appear sooner on a cold load
 * (docs/performance.md); their routes are fetched only once the rows have settled on screen anyway.
 */
const RoutesLive = createContext(true);

function useAfterFirstFrame(): boolean {
  const [after, setAfter] = useState(false);
  useEffect(() => {
    const id = requestAnimationFrame(() => setAfter(true));
    return () => cancelAnimationFrame(id);
  }, []);
  return after;
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
  selectable = true,
}: NumbersTableProps) {
  const routesLive = useAfterFirstFrame();
  return (
    <RoutesLive.Provider value={routesLive}>
      <VirtualTable
        rows={rows}
        columns={COLUMNS}
        getKey={getKey}
        caption={caption}
        rowHeight={ROW_HEIGHT}
        cardHeight={CARD_HEIGHT}
        height={height}
        isSelected={(row) => isSelected(row.id)}
        selection={
          selectable
            ? {
                onToggle,
                label: checkLabel,
                allState,
                onToggleAll,
                allLabel: 'Select all numbers on this page',
              }
            : undefined
        }
        sort={sort}
        onSort={onSort as (sort: TableSort | null) => void}
        resetKey={resetKey}
        trackScrolling
      />
    </RoutesLive.Provider>
  );
}

interface RouteCellProps {
  number: string;
  which: 'primary_route' | 'failover_route';
  enabled: boolean;
}

function RouteCell(props: RouteCellProps) {
  const queryClient = useQueryClient();
  // A detail already in the cache (back from a number, another page of the list) shows at once, without a flash.
  const live =
    useContext(RoutesLive) ||
    queryClient.getQueryData(numberQueries.detail(props.number).queryKey) !== undefined;
  return live ? <RouteCellLive {...props} /> : <RoutePlaceholder which={props.which} />;
}

function RoutePlaceholder({ which }: { which: RouteCellProps['which'] }) {
  return (
    <span className={classes.placeholder} style={{ width: which === 'primary_route' ? '70%' : '50%' }} />
  );
}

function RouteCellLive({ number, which, enabled }: RouteCellProps) {
  const detail = useQuery({ ...numberQueries.detail(number), enabled, meta: { silent: true } });
  if (detail.isError) {
    return which === 'primary_route' ? (
      <span className={classes.error} title="Could not load this number's routes; open it for details.">
        Unavailable
      </span>
    ) : (
      <Dim />
    );
  }
  if (!detail.data) return <RoutePlaceholder which={which} />;
  const { id, route } = routeOf(detail.data, which);
  if (id === null) return <Dim label="None" />;
  if (!route) return <Dim label={`Route ${id}`} />;
  const { alias, route_type, value } = route.attributes;
  const name = alias?.trim() || `Route ${id}`;
  if (route_type === 'sip-reg') {
    return (
      <span className={`${t.truncate} ${t.dim}`} title={`${name} (SIP registration, default)`}>
        {name} (default)
      </span>
    );
  }
  return (
    <span className={t.truncate} title={`${name} — ${route_type}: ${value ?? ''}`}>
      {name}
    </span>
  );
}
