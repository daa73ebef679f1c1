// Purchasable inventory (area codes → exchanges → numbers) as TanStack Query options, and the one call
// that buys a number. Flowroute buys one number per POST; the caller owns the Idempotency-Key.
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { z } from 'zod';
import { api, ApiError, apiPath, getJson, isAbortError, sendJson, toApiError } from '@/lib/api';

/** Flowroute's page-size maxima for the inventory endpoints. */
export const MAX_AREACODES_LIMIT = 400;
export const MAX_EXCHANGES_LIMIT = 200;
export const MAX_NUMBERS_LIMIT = 200;

// --- response shapes (validated: what we render must be what we think it is) -------------------------

const pageLinks = z
  .object({ self: z.string().optional(), next: z.string().nullish() })
  .partial()
  .optional()
  .default({});

const code = z.object({
  type: z.string(),
  id: z.coerce.string(),
  links: z.object({ related: z.string().optional() }).partial().optional(),
});

const codesPage = z.object({ data: z.array(code), links: pageLinks });

const money = z.union([z.number(), z.string()]).transform((v) => (typeof v === 'number' ? v : Number(v)));

const availableNumber = z.object({
  type: z.string(),
  id: z.coerce.string(),
  attributes: z.object({
    value: z.coerce.string(),
    number_type: z
      .string()
      .nullish()
      .transform((v) => v ?? ''),
    state: z
      .string()
      .nullish()
      .transform((v) => v ?? ''),
    rate_center: z
      .string()
      .nullish()
      .transform((v) => v ?? ''),
    setup_cost: money,
    monthly_cost: money,
  }),
});

const numbersPage = z.object({ data: z.array(availableNumber), links: pageLinks });

export type AvailableCode = z.infer<typeof code>;
export type AvailableCodesPage = z.infer<typeof codesPage>;
export type AvailableNumber = z.infer<typeof availableNumber>;
export type AvailableNumbersPage = z.infer<typeof numbersPage>;

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new ApiError({
      kind: 'unknown',
      status: 200,
      message: 'Flowroute sent an answer this screen cannot read.',
    });
  }
  return result.data;
}

// --- params ---------------------------------------------------------------------------------------

export interface AreacodeParams {
  limit: number;
  offset: number;
  /** USD decimal string, e.g. "3.00"; omitted = no cap. */
  max_setup_cost?: string;
}

export interface ExchangeParams extends AreacodeParams {
  areacode: string;
}

export interface AvailableNumberParams {
  limit: number;
  offset: number;
  starts_with?: string;
  contains?: string;
  ends_with?: string;
  state?: string;
  rate_center?: string;
}

/** Drops empty values so equal searches share one cache entry. */
function compact<T extends object>(params: T): T {
  return Object.fromEntries(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  ) as T;
}

// --- query factory --------------------------------------------------------------------------------

const INVENTORY_STALE_MS = 30_000;

export const availableQueries = {
  all: () => ['available'] as const,
  areacodes: (params: AreacodeParams) =>
    queryOptions({
      queryKey: [...availableQueries.all(), 'areacodes', compact(params)] as const,
      queryFn: async ({ signal }) =>
        parse(
          codesPage,
          await getJson('/api/v2/numbers/available/areacodes', {
            searchParams: { ...compact(params) },
            signal,
          }),
        ),
      staleTime: INVENTORY_STALE_MS,
      placeholderData: keepPreviousData,
    }),
  exchanges: (params: ExchangeParams) =>
    queryOptions({
      queryKey: [...availableQueries.all(), 'exchanges', compact(params)] as const,
      queryFn: async ({ signal }) =>
        parse(
          codesPage,
          await getJson('/api/v2/numbers/available/exchanges', {
            searchParams: { ...compact(params) },
            signal,
          }),
        ),
      staleTime: INVENTORY_STALE_MS,
      placeholderData: keepPreviousData,
    }),
  numbers: (params: AvailableNumberParams) =>
    queryOptions({
      queryKey: [...availableQueries.all(), 'numbers', compact(params)] as const,
      queryFn: async ({ signal }) =>
        parse(
          numbersPage,
          await getJson('/api/v2/numbers/available', { searchParams: { ...compact(params) }, signal }),
        ),
      staleTime: INVENTORY_STALE_MS,
      placeholderData: keepPreviousData,
    }),
};

// --- purchase -------------------------------------------------------------------------------------

export type PurchaseResult =
  | {
      ok: true;
      /** 201 bought; 207 bought but Flowroute could not set up messaging. */
      status: number;
      /** The proxy answered from its idempotency record (an earlier attempt with this key did it). */
      replayed: boolean;
      warning: string | null;
    }
  | {
      ok: false;
      status: number;
      /**
       * unavailable: the number is no longer in the inventory (someone else bought it);
       * in_flight: the same key is still being processed (wait and ask again: it replays);
       * session / forbidden: stop the whole run; network: unknown outcome, safe to retry with the same key;
       * rejected: Flowroute (or the proxy) said no for another reason.
       */
      kind:
        | 'unavailable'
        | 'in_flight'
        | 'session'
        | 'forbidden'
        | 'network'
        | 'rejected'
        | 'rate_limited'
        | 'confirmation';
      reason: string;
      proxyError: string | null;
      /**
       * The proxy keeps this answer for the key (Flowroute answered, or the answer was lost on the way back):
       * sending the same key again only replays it. False when nothing reached Flowroute (key released).
       */
      keySpent: boolean;
      /** rate_limited: seconds the proxy asks us to wait (Retry-After). */
      retryAfterSeconds?: number;
    };

const PURCHASE_BODY = {};

/**
 * POST /api/v2/numbers/{number} with the item's Idempotency-Key. Never throws for HTTP outcomes: the
 * purchase queue needs a result per number (only the caller's own abort is rethrown).
 */
export async function purchaseNumber(
  number: string,
  idempotencyKey: string,
  options: { signal?: AbortSignal; confirmation?: string | null } = {},
): Promise<PurchaseResult> {
  const headers: Record<string, string> = { 'Idempotency-Key': idempotencyKey };
  if (options.confirmation) headers['X-Confirmation'] = options.confirmation;
  try {
    const response = await api.post(apiPath(`/api/v2/numbers/${encodeURIComponent(number)}`), {
      json: PURCHASE_BODY,
      headers,
      signal: options.signal,
    });
    // Read the body so the connection is released; the result only needs status and headers.
    await response.text();
    const warning =
      response.status === 207
        ? 'Bought, but Flowroute could not enable messaging on it (207). Enable messaging on the number later.'
        : null;
    return {
      ok: true,
      status: response.status,
      replayed: response.headers.get('idempotent-replayed') === 'true',
      warning,
    };
  } catch (error) {
    if (isAbortError(error)) throw error;
    return classifyPurchaseError(toApiError(error));
  }
}

export function classifyPurchaseError(error: ApiError): Extract<PurchaseResult, { ok: false }> {
  // Proxy refusals (session, role, CSRF, Flowroute unreachable…) release the key; Flowroute's own answers and
  // "outcome unknown" are stored by the proxy and replayed for the same key. Status 0 = no answer at all.
  const keySpent =
    error.status !== 0 && (error.proxyError === null || error.proxyError === 'outcome_unknown');
  const base = { ok: false as const, status: error.status, proxyError: error.proxyError, keySpent };
  if (error.kind === 'unauthenticated') {
    return { ...base, kind: 'session', reason: 'Your session has ended. Sign in again, then retry.' };
  }
  if (error.kind === 'forbidden') {
    return { ...base, kind: 'forbidden', reason: 'Only admins can buy numbers.' };
  }
  if (error.kind === 'rate_limited') {
    return {
      ...base,
      kind: 'rate_limited',
      reason: error.message,
      retryAfterSeconds: error.retryAfterSeconds ?? 60,
    };
  }
  if (error.proxyError?.startsWith('confirmation_')) {
    return { ...base, kind: 'confirmation', reason: error.message };
  }
  if (error.status === 409) {
    return { ...base, kind: 'in_flight', reason: 'This purchase is still being processed.' };
  }
  if (error.status === 404 && !error.fromProxy) {
    return { ...base, kind: 'unavailable', reason: 'No longer available — someone else bought it.' };
  }
  if (error.kind === 'network' || error.kind === 'upstream_unavailable' || error.status >= 500) {
    return { ...base, kind: 'network', reason: error.message };
  }
  return { ...base, kind: 'rejected', reason: error.message };
}

/**
 * Is the number on our account now? true / false, or null when we cannot tell (network, 5xx). Used to
 * settle lost answers ("did that purchase happen?") before anything is sent again.
 */
export async function isOnAccount(number: string, signal?: AbortSignal): Promise<boolean | null> {
  try {
    await getJson(`/api/v2/numbers/${encodeURIComponent(number)}`, { signal });
    return true;
  } catch (error) {
    if (isAbortError(error)) throw error;
    const apiError = toApiError(error);
    return apiError.status === 404 && !apiError.fromProxy ? false : null;
  }
}

/**
 * S-13: when the proxy requires it, a purchase carries a single-use token bound to (user, number, what the
 * user was shown). Asked for right before each purchase (tokens live 5 minutes; a long run outlives that).
 */
export async function requestPurchaseConfirmation(
  number: string,
  shown: { setup_cost: string; monthly_cost: string },
): Promise<string> {
  const issued = await sendJson<{ token: string; expiresAt: string }>('post', '/auth/confirmations', {
    json: { action: 'purchaseNumber', target: number, details: shown },
  });
  return issued.token;
}
