// Account phone numbers through our proxy: types from the contract and the query-options factory.
import { queryOptions, type QueryClient } from '@tanstack/react-query';
import type { components } from '@contract/api-types.gen';
import { getJson } from '@/lib/api';

type Schemas = components['schemas'];
export type NumberAttributes = Schemas['NumberAttributes'];
export type NumberResource = Schemas['NumberResource'];
export type NumbersPage = Schemas['Numbers'];
export type NumberDetail = Schemas['NumberDetail'];
export type NumberDetailResource = Schemas['NumberDetailResource'];
export type Route = Schemas['Route'];

/** Flowroute's maximum page size for the numbers list. */
export const NUMBERS_MAX_LIMIT = 200;

export interface NumberListParams {
  starts_with?: string;
  contains?: string;
  ends_with?: string;
  limit?: number;
  offset?: number;
}

/** Drops empty filters so equal searches share one cache entry. */
export function normalizeListParams(params: NumberListParams): NumberListParams {
  const out: NumberListParams = {};
  if (params.starts_with) out.starts_with = params.starts_with;
  if (params.contains) out.contains = params.contains;
  if (params.ends_with) out.ends_with = params.ends_with;
  out.limit = Math.min(Math.max(1, params.limit ?? 10), NUMBERS_MAX_LIMIT);
  out.offset = Math.max(0, params.offset ?? 0);
  return out;
}

export function fetchNumbers(params: NumberListParams, signal?: AbortSignal): Promise<NumbersPage> {
  const p = normalizeListParams(params);
  return getJson<NumbersPage>('/api/v2/numbers', {
    searchParams: {
      starts_with: p.starts_with,
      contains: p.contains,
      ends_with: p.ends_with,
      limit: p.limit,
      offset: p.offset,
    },
    signal,
  });
}

/**
 * At most `max` calls at once; queued calls whose signal aborts leave the queue without running.
 * Tables fetch one detail per visible row: this keeps a fast scroll from firing hundreds of requests.
 */
export function createLimiter(max: number) {
  let running = 0;
  const queue: (() => void)[] = [];
  // A finishing call hands its slot straight to the next queued one, so `running` never exceeds `max`.
  const release = () => {
    const next = queue.shift();
    if (next) next();
    else running--;
  };
  return async function run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (running >= max) {
      await new Promise<void>((resolve, reject) => {
        const start = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          const index = queue.indexOf(start);
          if (index >= 0) queue.splice(index, 1);
          reject(signal?.reason ?? new DOMException('Aborted', 'AbortError'));
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(start);
      });
    } else {
      running++;
    }
    try {
      return await task();
    } finally {
      release();
    }
  };
}

const detailLimiter = createLimiter(6);

export function fetchNumberDetail(number: string, signal?: AbortSignal): Promise<NumberDetail> {
  return detailLimiter(
    () => getJson<NumberDetail>(`/api/v2/numbers/${encodeURIComponent(number)}`, { signal }),
    signal,
  );
}

export const numberQueries = {
  all: () => ['numbers'] as const,
  lists: () => [...numberQueries.all(), 'list'] as const,
  list: (params: NumberListParams) => {
    const p = normalizeListParams(params);
    return queryOptions({
      queryKey: [...numberQueries.lists(), p] as const,
      queryFn: ({ signal }) => fetchNumbers(p, signal),
    });
  },
  details: () => [...numberQueries.all(), 'detail'] as const,
  detail: (number: string) =>
    queryOptions({
      queryKey: [...numberQueries.details(), number] as const,
      queryFn: ({ signal }) => fetchNumberDetail(number, signal),
      // Route assignments change only through this app (which invalidates), so details stay fresh longer.
      staleTime: 60_000,
    }),
};

/** Call after anything that changes numbers (purchase, route change) so lists and details refresh. */
export function invalidateNumbers(queryClient: QueryClient, number?: string) {
  if (number) void queryClient.invalidateQueries({ queryKey: numberQueries.detail(number).queryKey });
  return queryClient.invalidateQueries({ queryKey: numberQueries.lists() });
}

/** Route objects from a detail's `included`, by id. */
export function includedRoutes(detail: NumberDetail | undefined): Map<string, Route> {
  const map = new Map<string, Route>();
  for (const item of detail?.included ?? []) {
    if (item.type === 'route') map.set(item.id, item);
  }
  return map;
}

export function routeOf(detail: NumberDetail | undefined, slot: 'primary_route' | 'failover_route') {
  const id = detail?.data.relationships?.[slot]?.data?.id ?? null;
  if (id === null) return { id: null, route: null } as const;
  return { id, route: includedRoutes(detail).get(id) ?? null } as const;
}
