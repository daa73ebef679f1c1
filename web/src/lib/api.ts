// The one HTTP client of the SPA (ky) and the one place where failures become a typed ApiError.
import ky from 'ky';
import type { KyInstance, Options } from 'ky';
import { settleIfPending } from './outcomes';

export type ApiErrorKind =
  | 'unauthenticated'
  | 'forbidden'
  | 'validation'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'upstream_rejected'
  | 'upstream_unavailable'
  | 'network'
  | 'unknown';

export interface ApiErrorInit {
  kind: ApiErrorKind;
  status: number;
  message: string;
  fieldErrors?: Record<string, string>;
  proxyError?: string | null;
  retryAfterSeconds?: number | null;
  /** Flowroute's (or the proxy's) error title, when it sent one. */
  title?: string | null;
  /** The error id Flowroute support can look up. */
  errorId?: string | null;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly kind: ApiErrorKind;
  readonly status: number;
  readonly fieldErrors: Record<string, string>;
  readonly proxyError: string | null;
  readonly retryAfterSeconds: number | null;
  readonly title: string | null;
  readonly errorId: string | null;

  constructor(init: ApiErrorInit) {
    super(init.message);
    this.kind = init.kind;
    this.status = init.status;
    this.fieldErrors = init.fieldErrors ?? {};
    this.proxyError = init.proxyError ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
    this.title = init.title ?? null;
    this.errorId = init.errorId ?? null;
  }

  /** True when the proxy (not Flowroute) refused the request. */
  get fromProxy(): boolean {
    return this.proxyError !== null;
  }

  /** 4xx answers: retrying the same request will not help. */
  get isClientError(): boolean {
    return this.status >= 400 && this.status < 500;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

const DEFAULT_MESSAGES: Record<ApiErrorKind, string> = {
  unauthenticated: 'Your session has ended. Sign in again.',
  forbidden: 'Your role does not allow this.',
  validation: 'Some values were not accepted.',
  not_found: 'Not found.',
  conflict: 'This request is already being processed.',
  rate_limited: 'Too many requests. Wait a moment and try again.',
  upstream_rejected: 'Flowroute refused the request.',
  upstream_unavailable: 'Flowroute is not answering right now. Try again shortly.',
  network: 'Cannot reach the server. Check your connection.',
  unknown: 'Something went wrong.',
};

interface ErrorObject {
  status?: unknown;
  title?: unknown;
  detail?: unknown;
  code?: unknown;
  id?: unknown;
  source?: { pointer?: unknown; parameter?: unknown };
}

function fieldName(source: ErrorObject['source']): string | null {
  if (!source) return null;
  if (typeof source.parameter === 'string' && source.parameter) return source.parameter;
  if (typeof source.pointer === 'string' && source.pointer) {
    const last = source.pointer.split('/').filter(Boolean).pop();
    return last ?? null;
  }
  return null;
}

/** Flowroute sometimes nests validation detail: {data:{attributes:{zip:["..."]}}}. */
function flattenDetail(detail: unknown, into: Record<string, string>): string | null {
  if (typeof detail === 'string') return detail;
  if (!detail || typeof detail !== 'object') return null;
  const attrs = (detail as { data?: { attributes?: unknown } }).data?.attributes ?? detail;
  const parts: string[] = [];
  if (attrs && typeof attrs === 'object') {
    for (const [key, value] of Object.entries(attrs as Record<string, unknown>)) {
      const text = Array.isArray(value)
        ? value.filter((v) => typeof v === 'string').join(' ')
        : String(value);
      if (!text) continue;
      into[key] ??= text;
      parts.push(`${key}: ${text}`);
    }
  }
  return parts.length ? parts.join('; ') : null;
}

function kindFor(status: number, proxyError: string | null): ApiErrorKind {
  if (proxyError?.startsWith('upstream_')) {
    return proxyError === 'upstream_rejected' ? 'upstream_rejected' : 'upstream_unavailable';
  }
  switch (status) {
    case 400:
    case 422:
      return 'validation';
    case 401:
      // A 401 our proxy made means our session; a 401 Flowroute made means the proxy's API keys.
      return proxyError ? 'unauthenticated' : 'upstream_rejected';
    case 403:
      return proxyError ? 'forbidden' : 'upstream_rejected';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 429:
      return 'rate_limited';
    case 502:
    case 503:
    case 504:
      return 'upstream_unavailable';
    default:
      if (status >= 400 && status < 500) return proxyError ? 'unknown' : 'upstream_rejected';
      return 'unknown';
  }
}

function retryAfter(value: string | null): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** Builds an ApiError from a non-2xx response (reads the body; JSON:API errors, proxy errors or text). */
export async function apiErrorFromResponse(response: Response): Promise<ApiError> {
  const proxyError = response.headers.get('x-proxy-error');
  let body: unknown = null;
  try {
    const text = await response.text();
    body = text ? (JSON.parse(text) as unknown) : null;
  } catch {
    body = null;
  }
  const errors: ErrorObject[] = Array.isArray((body as { errors?: unknown } | null)?.errors)
    ? ((body as { errors: ErrorObject[] }).errors ?? [])
    : [];
  const fieldErrors: Record<string, string> = {};
  let message: string | null = null;
  let title: string | null = null;
  let errorId: string | null = null;
  for (const error of errors) {
    const detail = flattenDetail(error.detail, fieldErrors);
    const field = fieldName(error.source);
    if (field && detail) fieldErrors[field] ??= detail;
    message ??= detail || (typeof error.title === 'string' && error.title ? error.title : null);
    if (title === null && typeof error.title === 'string' && error.title) title = error.title;
    if (errorId === null && typeof error.id === 'string') errorId = error.id;
  }
  // Non-JSON:API bodies (e.g. /auth endpoints) may carry {error|message}.
  if (!message && body && typeof body === 'object') {
    const plain = body as { message?: unknown; error?: unknown };
    if (typeof plain.message === 'string') message = plain.message;
    else if (typeof plain.error === 'string') message = plain.error;
  }
  const status = response.status;
  // Only the X-Proxy-Error header marks an error as the proxy's own (a body `code` alone does not).
  const kind = kindFor(status, proxyError);
  return new ApiError({
    kind,
    status,
    message: message ?? DEFAULT_MESSAGES[kind],
    fieldErrors,
    proxyError,
    retryAfterSeconds: kind === 'rate_limited' ? retryAfter(response.headers.get('retry-after')) : null,
    title,
    errorId,
  });
}

/** Anything thrown by the client → ApiError (aborts are passed through untouched by callers). */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof Error && error.name === 'TimeoutError') {
    return new ApiError({ kind: 'network', status: 0, message: 'The server took too long to answer.' });
  }
  if (error instanceof TypeError) {
    return new ApiError({ kind: 'network', status: 0, message: DEFAULT_MESSAGES.network });
  }
  return new ApiError({
    kind: 'unknown',
    status: 0,
    message: error instanceof Error && error.message ? error.message : DEFAULT_MESSAGES.unknown,
  });
}

export function isAbortError(error: unknown): boolean {
  return (
    (error instanceof Error || (typeof DOMException !== 'undefined' && error instanceof DOMException)) &&
    (error as Error).name === 'AbortError'
  );
}

// --- session expiry -------------------------------------------------------------------------------

type SessionExpiredHandler = () => void;
let sessionExpiredHandler: SessionExpiredHandler | null = null;

/** The app registers how to send the user to sign-in (with a return path) when the session ends. */
export function setSessionExpiredHandler(handler: SessionExpiredHandler | null): void {
  sessionExpiredHandler = handler;
}

// --- the ky instance ------------------------------------------------------------------------------

const REQUEST_TIMEOUT_MS = 30_000;

/** Origin of the proxy when the SPA is hosted elsewhere (e.g. a CDN); empty = same origin. */
export const API_ORIGIN: string = (import.meta.env.VITE_API_ORIGIN ?? '').replace(/\/+$/, '');

const RETRY_STATUSES = new Set([502, 503, 504]);

/**
 * fetch wrapper: network failures and timeouts become ApiError here, so everything the ky instance
 * throws (except a caller's own abort) is an ApiError.
 */
async function fetchWithErrors(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = input instanceof Request ? input : new Request(input, init);
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), REQUEST_TIMEOUT_MS);
  const onCallerAbort = () => timeout.abort();
  request.signal.addEventListener('abort', onCallerAbort, { once: true });
  if (request.signal.aborted) timeout.abort(); // cancelled before we got here
  try {
    return await globalThis.fetch(request, { signal: timeout.signal });
  } catch (error) {
    if (request.signal.aborted) throw error; // the caller cancelled: keep the AbortError
    if (timeout.signal.aborted) {
      throw new ApiError({ kind: 'network', status: 0, message: 'The server took too long to answer.' });
    }
    throw toApiError(error);
  } finally {
    clearTimeout(timer);
    request.signal.removeEventListener('abort', onCallerAbort);
  }
}

/** Proxy answers that another immediate try cannot change (the proxy already retried reads once). */
const NO_RETRY_PROXY_ERRORS = new Set([
  'upstream_unavailable',
  'overloaded',
  'rate_limited',
  'upstream_auth',
]);

function shouldRetry({ error, retryCount }: { error: Error; retryCount: number }): boolean {
  if (retryCount > 1 || isAbortError(error)) return false;
  if (error instanceof ApiError) {
    if (error.proxyError && NO_RETRY_PROXY_ERRORS.has(error.proxyError)) return false;
    return error.kind === 'network' || RETRY_STATUSES.has(error.status);
  }
  return false;
}

const kyOptions: Options = {
  // Absolute so it also works where Request needs full URLs (tests); same origin unless configured.
  prefixUrl: `${API_ORIGIN || globalThis.location?.origin || ''}/`,
  credentials: API_ORIGIN ? 'include' : 'same-origin',
  timeout: false, // fetchWithErrors applies the timeout
  fetch: fetchWithErrors,
  headers: { Accept: 'application/vnd.api+json, application/json' },
  // Only GETs are retried (once); mutations are never retried by the client.
  retry: { limit: 1, methods: ['get'], statusCodes: [502, 503, 504], shouldRetry },
  hooks: {
    beforeRequest: [
      (request) => {
        if (request.method !== 'GET' && request.method !== 'HEAD') {
          request.headers.set('X-CSRF', '1');
          if (!request.headers.has('content-type')) request.headers.set('content-type', 'application/json');
        }
      },
    ],
    afterResponse: [
      // A change whose answer was lost: wait for the proxy to settle it ("checking…") and use the settled answer.
      (request, _options, response) =>
        settleIfPending(response, {
          signal: request.signal,
          fetch: (input, init) => globalThis.fetch(input, init),
          origin: API_ORIGIN || globalThis.location?.origin || '',
          credentials: API_ORIGIN ? 'include' : 'same-origin',
        }),
      async (request, _options, response) => {
        if (response.ok) return response;
        const error = await apiErrorFromResponse(response);
        const path = new URL(request.url, 'http://x').pathname;
        if (error.kind === 'unauthenticated' && !path.startsWith('/auth/')) {
          sessionExpiredHandler?.();
        }
        throw error;
      },
    ],
  },
};

export const api: KyInstance = ky.create(kyOptions);

/** Paths are written like '/api/v2/numbers'; ky's prefixUrl wants them without the leading slash. */
export function apiPath(path: string): string {
  return path.replace(/^\/+/, '');
}

export interface GetOptions {
  searchParams?: Record<string, string | number | boolean | undefined | null>;
  signal?: AbortSignal;
}

function cleanParams(params: GetOptions['searchParams']): Record<string, string> | undefined {
  if (!params) return undefined;
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    out[key] = String(value);
  }
  return out;
}

/** GET JSON. Throws ApiError (or the caller's AbortError). */
export async function getJson<T>(path: string, options: GetOptions = {}): Promise<T> {
  try {
    return await api
      .get(apiPath(path), { searchParams: cleanParams(options.searchParams), signal: options.signal })
      .json<T>();
  } catch (error) {
    if (isAbortError(error)) throw error;
    throw toApiError(error);
  }
}

export interface SendOptions {
  json?: unknown;
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/** POST/PATCH/PUT/DELETE JSON; 204 resolves to undefined. Never retried. Throws ApiError. */
export async function sendJson<T = undefined>(
  method: 'post' | 'patch' | 'put' | 'delete',
  path: string,
  options: SendOptions = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
  try {
    const response = await api(apiPath(path), {
      method,
      json: options.json,
      headers,
      signal: options.signal,
    });
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  } catch (error) {
    if (isAbortError(error)) throw error;
    throw toApiError(error);
  }
}

/** A fresh key for one user action (purchase, send, create route, set route); reuse it on retries. */
export function newIdempotencyKey(): string {
  return globalThis.crypto.randomUUID();
}
