// Log filters: read/written as URL search params, applied over the loaded rows in one pass.
import type { LogRow } from './rows';

export interface LogFilters {
  direction: 'all' | 'inbound' | 'outbound';
  /** lowercase status or '' for any */
  status: string;
  /** 11 digits of one of our numbers, or '' */
  ours: string;
  /** digits (partial allowed) of the remote number, or '' */
  theirs: string;
  /** free text */
  q: string;
}

export const EMPTY_FILTERS: LogFilters = { direction: 'all', status: '', ours: '', theirs: '', q: '' };

/** Filter value for records whose status is empty (e.g. inbound MMS). */
export const NO_STATUS = '(none)';

const digitsOnly = (s: string) => s.replace(/\D/g, '');

export function filtersFromParams(params: URLSearchParams): LogFilters {
  const dir = params.get('dir');
  return {
    direction: dir === 'inbound' || dir === 'outbound' ? dir : 'all',
    status: (params.get('status') ?? '').trim().toLowerCase(),
    ours: digitsOnly(params.get('ours') ?? ''),
    theirs: digitsOnly(params.get('theirs') ?? ''),
    q: params.get('q') ?? '',
  };
}

/** Writes filters into a copy of `params`, removing empty ones so URLs stay short. */
export function filtersToParams(filters: LogFilters, params: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(params);
  const set = (key: string, value: string) => (value ? next.set(key, value) : next.delete(key));
  set('dir', filters.direction === 'all' ? '' : filters.direction);
  set('status', filters.status);
  set('ours', filters.ours);
  set('theirs', filters.theirs);
  set('q', filters.q);
  return next;
}

export function hasActiveFilters(f: LogFilters): boolean {
  return f.direction !== 'all' || !!f.status || !!f.ours || !!f.theirs || !!f.q.trim();
}

/**
 * Remote-number matching: 10 digits typed means "this NANP number" (leading 1 implied); fewer digits
 * match anywhere in the number, so "5550100" finds +1 206-555-0100.
 */
function theirsMatcher(digits: string): (n: string) => boolean {
  if (!digits) return () => true;
  const full = digits.length === 10 ? `1${digits}` : digits;
  if (full.length === 11) return (n) => n === full;
  return (n) => n.includes(digits);
}

/** Rows matching every filter, in the original order. One linear pass; no allocation per row. */
export function applyFilters(rows: readonly LogRow[], f: LogFilters): LogRow[] {
  if (!hasActiveFilters(f)) return rows as LogRow[];
  const q = f.q.trim().toLowerCase();
  // A query that looks like a phone number also matches the numbers' digits.
  const qDigits = /^[\d\s()+.-]+$/.test(q) ? digitsOnly(q) : '';
  const matchTheirs = theirsMatcher(f.theirs);
  const status = f.status ? (f.status === NO_STATUS ? '' : f.status) : null;
  const ours = f.ours.length === 10 ? `1${f.ours}` : f.ours;
  const out: LogRow[] = [];
  for (const row of rows) {
    if (f.direction !== 'all' && row.direction !== f.direction) continue;
    if (status !== null && row.statusKey !== status) continue;
    if (ours && row.ours !== ours) continue;
    if (!matchTheirs(row.theirs)) continue;
    if (
      q &&
      !row.search.includes(q) &&
      !(qDigits.length >= 3 && (row.from.includes(qDigits) || row.to.includes(qDigits)))
    )
      continue;
    out.push(row);
  }
  return out;
}

/** Distinct values seen in the loaded rows, for the status and our-number selects. */
export function distinctValues(rows: readonly LogRow[]): { statuses: string[]; ours: string[] } {
  const statuses = new Set<string>();
  const ours = new Set<string>();
  for (const row of rows) {
    statuses.add(row.statusKey || NO_STATUS);
    ours.add(row.ours);
  }
  return { statuses: [...statuses].sort(), ours: [...ours].sort() };
}
