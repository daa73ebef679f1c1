// Flowroute Messages v2.1 through our proxy: MDR types (validated with zod at the edge), the query-options
// factory (list by date range with progressive paging, single page, detail) and the send helper.
import { infiniteQueryOptions, mutationOptions, queryOptions, type QueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { getJson, sendJson } from '@/lib/api';
import { fetchNumbers, NUMBERS_MAX_LIMIT, numberQueries } from '@/lib/flowroute/numbers';

// ---------------------------------------------------------------------------------------------------
// Types (Flowroute's snake_case kept as is)

const receiptSchema = z.object({
  status: z
    .string()
    .nullish()
    .transform((s) => s ?? ''),
  status_code: z
    .union([z.number(), z.string()])
    .nullish()
    .transform((c) => (c === undefined ? null : c)),
  status_code_description: z
    .string()
    .nullish()
    .transform((s) => s ?? ''),
  timestamp: z.string(),
  level: z.coerce.number(),
});

const mdrAttributesSchema = z.object({
  body: z
    .string()
    .nullish()
    .transform((s) => s ?? ''),
  status: z
    .string()
    .nullish()
    .transform((s) => s ?? ''),
  direction: z.string(),
  amount_nanodollars: z.coerce
    .number()
    .nullish()
    .transform((n) => n ?? 0),
  amount_display: z.union([z.string(), z.number()]).nullish(),
  to: z.coerce.string(),
  from: z.coerce.string(),
  message_encoding: z.coerce
    .number()
    .nullish()
    .transform((n) => n ?? 0),
  timestamp: z.string(),
  delivery_receipts: z
    .array(receiptSchema)
    .nullish()
    .transform((r) => r ?? []),
  is_mms: z
    .union([z.boolean(), z.string()])
    .nullish()
    .transform((v) => v === true || v === 'true'),
  message_type: z
    .string()
    .nullish()
    .transform((s) => s ?? ''),
  message_callback_url: z.string().nullish(),
});

const mdrSchema = z.object({
  id: z.string(),
  type: z.string().optional(),
  attributes: mdrAttributesSchema,
  relationships: z
    .object({
      media: z
        .object({ data: z.array(z.object({ id: z.string(), type: z.string().optional() })).nullish() })
        .nullish(),
    })
    .nullish(),
  links: z.object({ self: z.string().optional() }).nullish(),
});

const mediaSchema = z.object({
  id: z.string(),
  type: z.string(),
  attributes: z
    .object({
      url: z.string().nullish(),
      file_name: z.string().nullish(),
      mime_type: z.string().nullish(),
      file_size: z.coerce.number().nullish(),
    })
    .nullish(),
  links: z.object({ self: z.string().optional() }).nullish(),
});

const mdrPageSchema = z.object({
  data: z.array(mdrSchema),
  links: z.object({ next: z.string().nullish() }).nullish(),
});

const mdrDetailSchema = z.object({
  data: mdrSchema,
  included: z.array(mediaSchema).nullish(),
});

const sendResultSchema = z.object({
  data: z.object({ id: z.string(), type: z.string().optional(), links: z.object({}).loose().nullish() }),
});

export type DeliveryReceipt = z.output<typeof receiptSchema>;
export type Mdr = z.output<typeof mdrSchema>;
export type MdrAttributes = Mdr['attributes'];
export type MdrMedia = z.output<typeof mediaSchema>;
/** The strict schema of a list page; parseMdrPage is its fast equivalent. */
export const mdrPageStrictSchema = mdrPageSchema;
export type MdrPage = z.output<typeof mdrPageSchema>;
export type MdrDetail = z.output<typeof mdrDetailSchema>;

/** Flowroute v2.1 MDR ids (the proxy accepts exactly this form). */
export const MDR_ID_RE = /^mdr2-[0-9a-f]{32}$/;

// ---------------------------------------------------------------------------------------------------
// Status semantics

/** Statuses after which nothing changes any more (outbound). Anything else is still in progress. */
const FINAL_STATUSES = new Set([
  'delivered',
  'undelivered',
  'failed',
  'rejected',
  'expired',
  'deleted',
  'unknown',
  'undeliverable',
  'delivery failed',
  'error',
]);
const FAILED_STATUSES = new Set([
  'undelivered',
  'failed',
  'rejected',
  'expired',
  'deleted',
  'undeliverable',
  'delivery failed',
  'error',
]);

export function isFinalStatus(status: string): boolean {
  return FINAL_STATUSES.has(status.trim().toLowerCase());
}
export function isFailedStatus(status: string): boolean {
  return FAILED_STATUSES.has(status.trim().toLowerCase());
}
export function isDeliveredStatus(status: string): boolean {
  return status.trim().toLowerCase() === 'delivered';
}

/** A record stops changing when its status is final, it is inbound, or it is older than a day. */
export function isSettled(mdr: Mdr, now = Date.now()): boolean {
  const a = mdr.attributes;
  if (a.direction === 'inbound') return true;
  if (isFinalStatus(a.status)) return true;
  const t = Date.parse(a.timestamp);
  return Number.isFinite(t) && now - t > 24 * 3600_000;
}

/**
 * How often to re-read an MDR: every 2 s in its first 2 minutes (receipts usually arrive within seconds),
 * then every 30 s (a "message buffered" may still turn into "delivered"), never once settled.
 */
export function detailPollInterval(mdr: Mdr | undefined, now = Date.now()): number | false {
  if (!mdr) return 2000;
  if (isSettled(mdr, now)) return false;
  const t = Date.parse(mdr.attributes.timestamp);
  return Number.isFinite(t) && now - t > 120_000 ? 30_000 : 2000;
}

// ---------------------------------------------------------------------------------------------------
// Dates: Flowroute takes `YYYY-MM-DD` or an ISO-8601 UTC timestamp.

export function toFlowrouteDate(date: Date): string {
  return date.toISOString(); // 2026-11-28T12:34:56.789Z, as in our OpenAPI examples
}

export interface MessageRange {
  /** Flowroute date string (see toFlowrouteDate) */
  start_date: string;
  end_date: string;
}

// ---------------------------------------------------------------------------------------------------
// Fetchers

/** The MDR list has no maximum limit; 1000 per call keeps each response well under the proxy's 5 MiB cap. */
export const MDR_PAGE_LIMIT = 1000;

export interface MdrPageParams extends MessageRange {
  limit?: number;
  offset?: number;
}

/**
 * Fast validation of an MDR list page: a list may be 100 pages of 1,000 records, so this checks and
 * normalizes each record by hand (same result as mdrPageSchema, a fraction of the cost). Throws on anything
 * that is not an MDR set.
 */
export function parseMdrPage(json: unknown): MdrPage {
  const root = json as { data?: unknown; links?: { next?: unknown } | null } | null;
  if (!root || typeof root !== 'object' || !Array.isArray(root.data)) {
    throw new Error('Flowroute sent a message list without a data array.');
  }
  const data: Mdr[] = new Array(root.data.length);
  for (let i = 0; i < root.data.length; i++) {
    const raw = root.data[i] as { id?: unknown; type?: unknown; attributes?: Record<string, unknown> } | null;
    const a = raw?.attributes;
    if (
      !raw ||
      typeof raw.id !== 'string' ||
      !a ||
      typeof a !== 'object' ||
      typeof a.timestamp !== 'string'
    ) {
      // Unusual record: let the strict schema explain (or normalize) it.
      data[i] = mdrSchema.parse(raw);
      continue;
    }
    const receipts = Array.isArray(a.delivery_receipts) ? a.delivery_receipts : [];
    data[i] = {
      id: raw.id,
      type: typeof raw.type === 'string' ? raw.type : undefined,
      attributes: {
        body: typeof a.body === 'string' ? a.body : '',
        status: typeof a.status === 'string' ? a.status : '',
        direction: String(a.direction ?? ''),
        amount_nanodollars: Number(a.amount_nanodollars ?? 0) || 0,
        amount_display:
          typeof a.amount_display === 'string' || typeof a.amount_display === 'number'
            ? a.amount_display
            : null,
        to: String(a.to ?? ''),
        from: String(a.from ?? ''),
        message_encoding: Number(a.message_encoding ?? 0) || 0,
        timestamp: a.timestamp,
        delivery_receipts: receipts.length === 0 ? [] : receipts.map((r) => receiptSchema.parse(r)),
        is_mms: a.is_mms === true || a.is_mms === 'true',
        message_type: typeof a.message_type === 'string' ? a.message_type : '',
        message_callback_url: typeof a.message_callback_url === 'string' ? a.message_callback_url : null,
      },
      relationships: (raw as { relationships?: Mdr['relationships'] }).relationships ?? null,
    };
  }
  const next = root.links?.next;
  return { data, links: { next: typeof next === 'string' ? next : null } };
}

export async function fetchMdrPage(params: MdrPageParams, signal?: AbortSignal): Promise<MdrPage> {
  const json = await getJson<unknown>('/api/v2.1/messages', {
    searchParams: {
      start_date: params.start_date,
      end_date: params.end_date,
      limit: params.limit ?? MDR_PAGE_LIMIT,
      offset: params.offset || undefined,
    },
    signal,
  });
  return parseMdrPage(json);
}

export async function fetchMdr(id: string, signal?: AbortSignal): Promise<MdrDetail> {
  if (!MDR_ID_RE.test(id)) throw new Error(`Not a message id: ${id}`);
  const json = await getJson<unknown>(`/api/v2.1/messages/${encodeURIComponent(id)}`, { signal });
  return mdrDetailSchema.parse(json);
}

/**
 * Where the next page starts, read from Flowroute's `links.next` (absolute URL to Flowroute, so only its
 * `offset` is used; the range and limit stay ours). No `next`, or an empty page, means the end.
 */
export function nextOffset(
  page: { data: readonly unknown[]; links?: { next?: string | null } | null },
  currentOffset: number,
): number | undefined {
  const next = page.links?.next;
  if (!next || page.data.length === 0) return undefined;
  let offset: number | undefined;
  try {
    const raw = new URL(next, 'http://x').searchParams.get('offset');
    if (raw !== null && /^\d+$/.test(raw)) offset = Number(raw);
  } catch {
    offset = undefined;
  }
  offset ??= currentOffset + page.data.length;
  // Never go backwards or stand still: that would page forever.
  return offset > currentOffset ? offset : currentOffset + page.data.length;
}

// ---------------------------------------------------------------------------------------------------
// Query-options factory

export const messageQueries = {
  all: () => ['messages'] as const,
  lists: () => [...messageQueries.all(), 'list'] as const,
  /** Every MDR in a range, page by page (use fetchNextPage progressively; see useProgressiveMessages). */
  list: (range: MessageRange, limit = MDR_PAGE_LIMIT) =>
    infiniteQueryOptions({
      queryKey: [...messageQueries.lists(), { ...range, limit }] as const,
      queryFn: ({ pageParam, signal }) => fetchMdrPage({ ...range, limit, offset: pageParam }, signal),
      initialPageParam: 0,
      getNextPageParam: (last, _all, lastOffset) => nextOffset(last, lastOffset),
      // A loaded log is a snapshot the user asked for; refetching 100 pages behind their back is not wanted.
      staleTime: Infinity,
      refetchOnWindowFocus: false,
      gcTime: 10 * 60_000,
    }),
  /** One page only (e.g. "recent messages" on a number's page). */
  page: (params: MdrPageParams) =>
    queryOptions({
      queryKey: [...messageQueries.lists(), 'page', params] as const,
      queryFn: ({ signal }) => fetchMdrPage(params, signal),
      staleTime: 30_000,
    }),
  details: () => [...messageQueries.all(), 'detail'] as const,
  /** One MDR; polls until its status is final (every 2 s while fresh, then every 30 s; see detailPollInterval). */
  detail: (id: string) =>
    queryOptions({
      queryKey: [...messageQueries.details(), id] as const,
      queryFn: ({ signal }) => fetchMdr(id, signal),
      refetchInterval: (query) => (query.state.error ? false : detailPollInterval(query.state.data?.data)),
    }),
};

/** Stop paging account numbers for the From picker after this many. */
const MAX_SENDER_NUMBERS = 10_000;

/**
 * Every number on the account, 200 per page, for the From picker. Keyed under numberQueries.lists() so the
 * numbers feature's invalidations (e.g. after a purchase) refresh it too.
 */
export function senderNumbersQuery() {
  return infiniteQueryOptions({
    queryKey: [...numberQueries.lists(), 'all-pages-for-sender'] as const,
    queryFn: ({ pageParam, signal }) => fetchNumbers({ limit: NUMBERS_MAX_LIMIT, offset: pageParam }, signal),
    initialPageParam: 0,
    getNextPageParam: (last, _all, lastOffset) => {
      const next = nextOffset(last, lastOffset);
      return next !== undefined && next < MAX_SENDER_NUMBERS ? next : undefined;
    },
    staleTime: 5 * 60_000,
  });
}

// ---------------------------------------------------------------------------------------------------
// Send

export interface SendMessageInput {
  from: string; // 11 digits
  to: string; // 11 digits
  body: string;
  media_urls?: string[];
  is_mms?: boolean;
  dlr_callback?: string;
}

/** JSON:API request body as Flowroute's docs and Python/Node SDKs send it. */
export function buildSendBody(input: SendMessageInput) {
  const attributes: Record<string, unknown> = { to: input.to, from: input.from, body: input.body };
  if (input.media_urls && input.media_urls.length > 0) attributes.media_urls = input.media_urls;
  if (input.is_mms || (input.media_urls && input.media_urls.length > 0)) attributes.is_mms = true;
  if (input.dlr_callback) attributes.dlr_callback = input.dlr_callback;
  return { data: { type: 'message', attributes } };
}

export async function sendMessage(input: SendMessageInput, idempotencyKey: string): Promise<{ id: string }> {
  const json = await sendJson<unknown>('post', '/api/v2.1/messages', {
    json: buildSendBody(input),
    idempotencyKey,
  });
  return { id: sendResultSchema.parse(json).data.id };
}

export interface SendVariables {
  input: SendMessageInput;
  idempotencyKey: string;
}

export const messageMutations = {
  send: (queryClient: QueryClient) =>
    mutationOptions({
      mutationKey: [...messageQueries.all(), 'send'] as const,
      mutationFn: ({ input, idempotencyKey }: SendVariables) => sendMessage(input, idempotencyKey),
      // New MDRs appear in any range that covers "now"; do not wipe loaded logs, just mark them stale.
      onSuccess: () =>
        queryClient.invalidateQueries({ queryKey: messageQueries.lists(), refetchType: 'none' }),
    }),
};
