// Flowroute's error envelope, query-parameter parsing and link building shared by the emulator's handlers.
import { randomUUID } from 'node:crypto';
import type { components } from '../flowroute/api-types.gen';

export type ErrorBody = components['schemas']['Error'];

export const NOT_FOUND_DETAIL = 'Could not find that resource on your account.';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** A handler's answer; the server turns it into an HTTP response (or a fault does something worse). */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Thrown by handlers; becomes Flowroute's `{errors:[{detail,id,status,title}]}` envelope. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string | Record<string, unknown>,
    readonly title: string = TITLES[status] ?? 'Error',
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof detail === 'string' ? detail : JSON.stringify(detail));
  }
}

export function errorBody(
  status: number,
  detail: string | Record<string, unknown>,
  title?: string,
): ErrorBody {
  return { errors: [{ detail, id: randomUUID(), status, title: title ?? TITLES[status] ?? 'Error' }] };
}

export function errorReply(err: ApiError): Reply {
  return { status: err.status, body: errorBody(err.status, err.detail, err.title), headers: err.headers };
}

/**
 * limit: default 10, at least 1, at most `max` (200; 400 for area codes; unbounded for MDRs).
 * Above the maximum the emulator answers 400 rather than clamping: Flowroute documents the maxima but not
 * what happens past them, and a loud error surfaces a client bug that silent clamping would hide.
 */
export function parseLimit(query: URLSearchParams, max: number | null): number {
  const raw = query.get('limit');
  if (raw === null || raw === '') return 10;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw new ApiError(400, 'limit must be a whole number greater than 0.');
  }
  const limit = Number(raw);
  if (max !== null && limit > max) throw new ApiError(400, `limit cannot be more than ${max}.`);
  return limit;
}

export function parseOffset(query: URLSearchParams): number {
  const raw = query.get('offset');
  if (raw === null || raw === '') return 0;
  if (!/^\d+$/.test(raw)) throw new ApiError(400, 'offset must be a whole number, 0 or greater.');
  return Number(raw);
}

/** Digits-only filter (contains / ends_with), or undefined when absent. */
export function parseDigits(query: URLSearchParams, name: string): string | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^\d{1,11}$/.test(raw)) throw new ApiError(400, `${name} must be 1 to 11 digits.`);
  return raw;
}

/**
 * starts_with: Flowroute assumes country code 1 unless the value starts with "+" (e.g. "+44"), so "206"
 * becomes "1206" (and links echo "starts_with=1206"). A value that already starts with 1 is taken as
 * including the country code (no area code starts with 1), which is how Flowroute's own exchange links
 * ("starts_with=1347215") work.
 */
export function parseStartsWith(query: URLSearchParams): string | undefined {
  const raw = query.get('starts_with');
  if (raw === null || raw === '') return undefined;
  if (!/^\+?\d{1,11}$/.test(raw))
    throw new ApiError(400, 'starts_with must be digits, optionally after a +.');
  if (raw.startsWith('+')) return raw.slice(1);
  return raw.startsWith('1') ? raw : `1${raw}`;
}

/** Absolute URL with query parameters in the given order (undefined values are left out). */
export function link(base: string, path: string, params: [string, string | number | undefined][]): string {
  const search = new URLSearchParams();
  for (const [k, v] of params) if (v !== undefined) search.append(k, String(v));
  const qs = search.toString();
  return `${base}${path}${qs ? `?${qs}` : ''}`;
}

/** links.self always; links.next only when another page exists. */
export function pageLinks(
  base: string,
  path: string,
  filters: [string, string | number | undefined][],
  limit: number,
  offset: number,
  hasMore: boolean,
): { self: string; next?: string } {
  const self = link(base, path, [...filters, ['limit', limit], ['offset', offset]]);
  if (!hasMore) return { self };
  return { self, next: link(base, path, [...filters, ['limit', limit], ['offset', offset + limit]]) };
}

/** What a handler gets for one request. */
export interface Ctx {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Absolute origin used in links, e.g. http://127.0.0.1:8081 (no trailing slash). */
  base: string;
  /** Path captures of the matched operation. */
  params: string[];
  /** Parsed JSON body (undefined when the request had none). */
  body: unknown;
  /** Access key of the authenticated caller. */
  credential: string;
  now: number;
}
