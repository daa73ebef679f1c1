// The audit screen's state in the URL (filters, page, open record) and its translation to the proxy's filters.
// Dates are whole days in the viewer's time zone: "to" includes that whole day.
import { parseNanp } from '@contract/phone';
import type { AuditFilters, AuditListParams } from './audit-queries';

export const AUDIT_PAGE_SIZES = [50, 100, 200, 500, 1000] as const;
export const DEFAULT_AUDIT_LIMIT = 100;

export interface AuditSearch {
  who: string;
  what: string;
  /** YYYY-MM-DD (viewer's zone) or ''. */
  from: string;
  to: string;
  number: string;
  ip: string;
  result: string;
  limit: number;
  offset: number;
  /** Record shown in the detail drawer. */
  id: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const FILTER_KEYS = ['who', 'what', 'from', 'to', 'number', 'ip', 'result'] as const;

export function readAuditSearch(params: URLSearchParams): AuditSearch {
  const text = (key: string) => (params.get(key) ?? '').trim();
  const day = (key: string) => (DAY.test(text(key)) ? text(key) : '');
  const rawLimit = Number(params.get('limit'));
  const rawOffset = Number(params.get('offset'));
  return {
    who: text('who'),
    what: text('what'),
    from: day('from'),
    to: day('to'),
    number: text('number'),
    ip: text('ip'),
    result: text('result'),
    limit: (AUDIT_PAGE_SIZES as readonly number[]).includes(rawLimit) ? rawLimit : DEFAULT_AUDIT_LIMIT,
    offset: Number.isInteger(rawOffset) && rawOffset > 0 ? rawOffset : 0,
    id: text('id'),
  };
}

/** Writes changes into the URL params: empty values and defaults disappear; changing a filter goes to page 1. */
export function writeAuditSearch(prev: URLSearchParams, changes: Partial<AuditSearch>): URLSearchParams {
  const next = new URLSearchParams(prev);
  for (const [key, value] of Object.entries(changes)) {
    const text = value === undefined || value === null ? '' : String(value);
    const isDefault =
      text === '' ||
      (key === 'limit' && Number(text) === DEFAULT_AUDIT_LIMIT) ||
      (key === 'offset' && text === '0');
    if (isDefault) next.delete(key);
    else next.set(key, text);
  }
  if (FILTER_KEYS.some((key) => key in changes) && !('offset' in changes)) next.delete('offset');
  return next;
}

/** Local midnight of a YYYY-MM-DD day, as an ISO instant. */
function localDayStart(day: string, addDays = 0): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + addDays).toISOString();
}

/** A typed phone number becomes Flowroute's 11 digits; route ids, usernames and message ids stay as typed. */
export function normalizeTarget(input: string): string {
  const text = input.trim();
  if (!text) return '';
  const parsed = parseNanp(text);
  return parsed.ok ? parsed.digits : text;
}

export function toAuditFilters(search: AuditSearch): AuditFilters {
  let { from, to } = search;
  if (from && to && from > to) [from, to] = [to, from];
  const filters: AuditFilters = {};
  if (search.who) filters.who = search.who.toLowerCase();
  if (search.what) filters.what = search.what;
  if (from) filters.from = localDayStart(from);
  if (to) filters.to = localDayStart(to, 1);
  const target = normalizeTarget(search.number);
  if (target) filters.number = target;
  if (search.ip) filters.ip = search.ip;
  if (search.result) filters.result = search.result;
  return filters;
}

export function toListParams(search: AuditSearch): AuditListParams {
  return { ...toAuditFilters(search), limit: search.limit, offset: search.offset };
}

export function hasFilters(search: AuditSearch): boolean {
  return FILTER_KEYS.some((key) => search[key] !== '');
}
