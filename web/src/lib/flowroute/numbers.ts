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
export type MdrRecord = Schemas['MdrRecord'];
export type MdrSet = Schemas['MDRSet'];

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

export function fetchNumberDetail(number: string, signal?: AbortSignal): Promise<NumberDetail> {
  return getJson<NumberDetail>(`/api/v2/numbers/${encodeURIComponent(number)}`, { signal });
}

/** Messages in [start, now] (UTC), one page; used only when the messages feature's factory is absent. */
export function fetchRecentMessages(
  params: { start_date: string; end_date?: string; limit: number; offset?: number },
  signal?: AbortSignal,
): Promise<MdrSet> {
  return getJson<MdrSet>('/api/v2.1/messages', { searchParams: { ...params }, signal });
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
  /** Messages to or from `number` in the last `days` days (client-side filter of the MDR list). */
  recentMessages: (number: string, days = 30) =>
    queryOptions({
      queryKey: [...numberQueries.all(), 'messages', number, days] as const,
      queryFn: async ({ signal }) => {
        const start = new Date(Date.now() - days * 86_400_000);
        start.setUTCHours(0, 0, 0, 0);
        const found: MdrRecord[] = [];
        let offset = 0;
        // The MDR list cannot filter by number: page through the window, keep this number's records.
        for (let page = 0; page < 20; page++) {
          const set = await fetchRecentMessages(
            { start_date: start.toISOString(), limit: 1000, offset },
            signal,
          );
          for (const record of set.data) {
            if (record.attributes.from === number || record.attributes.to === number) found.push(record);
          }
          if (!set.links?.next || set.data.length === 0) break;
          offset += set.data.length;
        }
        found.sort((a, b) => Date.parse(b.attributes.timestamp) - Date.parse(a.attributes.timestamp));
        return found;
      },
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
