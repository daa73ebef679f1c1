// The numbers list's state, all in the URL: filters (Flowroute digits), page, sort and selection.
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import type { BulkFilters, BulkSelection } from '../components/bulk/bulk-route-bar';
import { NUMBERS_MAX_LIMIT, type NumberResource } from '@/lib/flowroute/numbers';

export const FILTER_KEYS = ['starts_with', 'contains', 'ends_with'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type NumberFilters = Partial<Record<FilterKey, string>>;

export const SORT_KEYS = ['number', 'alias', 'type', 'state', 'rate_center', 'cnam'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export interface SortState {
  key: SortKey;
  dir: 'asc' | 'desc';
}

export const DEFAULT_LIMIT = 50;
export const PAGE_SIZES = [10, 25, 50, 100, 200] as const;

/** Selection lives in `selected`: a comma list of numbers, or `all` (= every number matching the filters). */
export type Selection = { mode: 'none' } | { mode: 'some'; numbers: string[] } | { mode: 'all-matching' };

export interface NumbersListState {
  filters: NumberFilters;
  limit: number;
  offset: number;
  sort: SortState | null;
  selection: Selection;
}

const DIGITS = /^\d{1,11}$/;

export function readListState(params: URLSearchParams): NumbersListState {
  const filters: NumberFilters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value && DIGITS.test(value)) filters[key] = value;
  }
  const rawLimit = Number(params.get('limit'));
  const limit = (PAGE_SIZES as readonly number[]).includes(rawLimit) ? rawLimit : DEFAULT_LIMIT;
  const rawOffset = Number(params.get('offset'));
  const offset = Number.isInteger(rawOffset) && rawOffset > 0 ? rawOffset : 0;
  const sortKey = params.get('sort');
  const sort =
    sortKey && (SORT_KEYS as readonly string[]).includes(sortKey)
      ? { key: sortKey as SortKey, dir: params.get('dir') === 'desc' ? ('desc' as const) : ('asc' as const) }
      : null;
  const rawSelected = params.get('selected');
  let selection: Selection = { mode: 'none' };
  if (rawSelected === 'all') selection = { mode: 'all-matching' };
  else if (rawSelected) {
    const numbers = [...new Set(rawSelected.split(',').filter((n) => /^1\d{10}$/.test(n)))];
    if (numbers.length) selection = { mode: 'some', numbers };
  }
  return { filters, limit: Math.min(limit, NUMBERS_MAX_LIMIT), offset, sort, selection };
}

export function writeListState(prev: URLSearchParams, patch: Partial<NumbersListState>): URLSearchParams {
  const params = new URLSearchParams(prev);
  if (patch.filters) {
    for (const key of FILTER_KEYS) {
      const value = patch.filters[key];
      if (value) params.set(key, value);
      else params.delete(key);
    }
  }
  if (patch.limit !== undefined) {
    if (patch.limit === DEFAULT_LIMIT) params.delete('limit');
    else params.set('limit', String(patch.limit));
  }
  if (patch.offset !== undefined) {
    if (patch.offset > 0) params.set('offset', String(patch.offset));
    else params.delete('offset');
  }
  if (patch.sort !== undefined) {
    if (patch.sort) {
      params.set('sort', patch.sort.key);
      if (patch.sort.dir === 'desc') params.set('dir', 'desc');
      else params.delete('dir');
    } else {
      params.delete('sort');
      params.delete('dir');
    }
  }
  if (patch.selection) {
    const s = patch.selection;
    if (s.mode === 'all-matching') params.set('selected', 'all');
    else if (s.mode === 'some' && s.numbers.length) params.set('selected', s.numbers.join(','));
    else params.delete('selected');
  }
  return params;
}

export function useNumbersListState() {
  const [searchParams, setSearchParams] = useSearchParams();
  const state = useMemo(() => readListState(searchParams), [searchParams]);
  const update = useCallback(
    (patch: Partial<NumbersListState>, options: { replace?: boolean } = {}) => {
      setSearchParams((prev) => writeListState(prev, patch), {
        replace: options.replace ?? false,
        preventScrollReset: true,
      });
    },
    [setSearchParams],
  );
  return { ...state, update };
}

/** What engineer F's bulk bar expects. */
export function toBulkSelection(selection: Selection): BulkSelection | null {
  if (selection.mode === 'all-matching') return { mode: 'all-matching' };
  if (selection.mode === 'some' && selection.numbers.length)
    return { mode: 'some', numbers: selection.numbers };
  return null;
}

export function toBulkFilters(filters: NumberFilters): BulkFilters {
  const out: BulkFilters = {};
  for (const key of FILTER_KEYS) if (filters[key]) out[key] = filters[key];
  return out;
}

// --- sorting the loaded page ----------------------------------------------------------------------

function sortValue(item: NumberResource, key: SortKey): string | number {
  const a = item.attributes;
  switch (key) {
    case 'number':
      return item.id;
    case 'alias':
      return (a.alias ?? '').toLocaleLowerCase();
    case 'type':
      return a.number_type ?? '';
    case 'state':
      return a.state ?? '';
    case 'rate_center':
      return a.rate_center ?? '';
    case 'cnam':
      return a.cnam_lookups_enabled ? 1 : 0;
  }
}

/** Stable sort of one loaded page; empty aliases go last in both directions. */
export function sortNumbers(items: readonly NumberResource[], sort: SortState | null): NumberResource[] {
  if (!sort) return [...items];
  const factor = sort.dir === 'asc' ? 1 : -1;
  return items
    .map((item, index) => ({ item, index, value: sortValue(item, sort.key) }))
    .sort((x, y) => {
      if (sort.key === 'alias') {
        if (x.value === '' && y.value !== '') return 1;
        if (y.value === '' && x.value !== '') return -1;
      }
      if (x.value < y.value) return -1 * factor;
      if (x.value > y.value) return 1 * factor;
      return x.index - y.index;
    })
    .map((entry) => entry.item);
}
