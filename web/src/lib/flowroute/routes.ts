// Routes resource: Flowroute route types, the routeQueries factory, and the route mutations (create a
// route, set a number's primary/failover). Shared by the routes screens and the number screens.
import { infiniteQueryOptions, queryOptions, type QueryClient } from '@tanstack/react-query';
import type { components } from '@contract/api-types.gen';
import { formatNanp } from '@contract/phone';
import { ROUTE_TYPES } from '@contract/route-value';
import { getJson, isApiError, newIdempotencyKey, sendJson, toApiError } from '@/lib/api';

type Schemas = components['schemas'];
export type RouteType = Schemas['RouteType'];
export type Route = Schemas['Route'];
export type RoutesPage = Schemas['AccountRoutes'];
export type CreatedRoute = Schemas['NewRouteResponse'];
export type RouteSlot = 'primary' | 'failover';

/** The default route every number gets on purchase (Flowroute: id "0", type sip-reg, value null). */
export const DEFAULT_ROUTE_ID = '0';

/** Flowroute's max page size for /v2/routes and /v2/numbers. */
export const MAX_PAGE = 200;

/**
 * Route types a user can create here. No sip-reg: an account has one SIP registration destination (the
 * devices registered with its credentials), already present as route 0; a second sip-reg route would be
 * the same destination under another name, and Flowroute's docs list only host, number and uri for create.
 */
export const CREATABLE_ROUTE_TYPES = ['host', 'uri', 'number'] as const satisfies readonly RouteType[];
export type CreatableRouteType = (typeof CREATABLE_ROUTE_TYPES)[number];

export const ROUTE_TYPE_LABELS: Record<RouteType, string> = {
  host: 'Host',
  uri: 'SIP URI',
  number: 'Phone number',
  'sip-reg': 'SIP registration',
};

export function isRouteType(value: unknown): value is RouteType {
  return typeof value === 'string' && (ROUTE_TYPES as readonly string[]).includes(value);
}

export function slotRelationship(slot: RouteSlot): 'primary_route' | 'failover_route' {
  return slot === 'primary' ? 'primary_route' : 'failover_route';
}

/** A route's value as people read it (numbers as +1 206-555-0100). */
export function routeValueText(route: Pick<Route, 'attributes'>): string | null {
  const { route_type, value } = route.attributes;
  if (value === null) return null;
  return route_type === 'number' ? formatNanp(value) : value;
}

/** Short human label: `alias` (value) — used in selects, previews and confirmations. */
export function routeLabel(
  route: Pick<Route, 'id' | 'attributes'> | null | undefined,
  id?: string | null,
): string {
  if (!route) return id === null || id === undefined ? 'None' : `Route ${id}`;
  const { alias, value, route_type } = route.attributes;
  const name = alias?.trim() ? alias : `Route ${route.id}`;
  if (route_type === 'sip-reg') return `${name} (SIP registration, default)`;
  return value ? `${name} (${routeValueText(route)})` : name;
}

/** Offset of a JSON:API `links.next` URL, or null when there is no next page. */
export function nextOffset(links: { next?: string } | undefined): number | null {
  if (!links?.next) return null;
  try {
    const url = new URL(links.next, 'http://local');
    const raw = url.searchParams.get('offset');
    const value = raw === null ? NaN : Number(raw);
    return Number.isFinite(value) && value >= 0 ? value : null;
  } catch {
    return null;
  }
}

export interface RouteListParams {
  route_type?: RouteType | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

function fetchRoutesPage(params: RouteListParams, signal?: AbortSignal): Promise<RoutesPage> {
  return getJson<RoutesPage>('/api/v2/routes', {
    searchParams: {
      route_type: params.route_type,
      limit: Math.min(params.limit ?? 50, MAX_PAGE),
      offset: params.offset ?? 0,
    },
    signal,
  });
}

/** Which routes each scanned number uses (see features/routes/api/route-usage.ts for the scan). */
export interface RouteUsage {
  /** number → route ids in its slots. */
  numbers: Record<string, { primary: string | null; failover: string | null }>;
  /** Numbers whose detail could not be read. */
  failed: string[];
  /** Numbers listed on the account (scan stops at a bound; see `complete`). */
  listed: number;
  /** False when the scan stopped at its bound before reaching the end of the account's numbers. */
  complete: boolean;
  finishedAt: number;
}

export const routeQueries = {
  all: () => ['routes'] as const,
  /** Key of the account-wide "which numbers use which route" scan. */
  usageKey: () => [...routeQueries.all(), 'usage'] as const,
  lists: () => [...routeQueries.all(), 'list'] as const,
  /** One page of /v2/routes (the routes table). */
  list: (params: RouteListParams) => {
    const p = { route_type: params.route_type, limit: params.limit ?? 50, offset: params.offset ?? 0 };
    return queryOptions({
      queryKey: [...routeQueries.lists(), p] as const,
      queryFn: ({ signal }) => fetchRoutesPage(p, signal),
      placeholderData: (previous) => previous,
    });
  },
  /** All routes, page after page as the user scrolls/searches (route pickers). */
  infinite: (params: { route_type?: RouteType | undefined } = {}) =>
    infiniteQueryOptions({
      queryKey: [...routeQueries.all(), 'infinite', { route_type: params.route_type ?? null }] as const,
      queryFn: ({ pageParam, signal }) =>
        fetchRoutesPage({ route_type: params.route_type, limit: MAX_PAGE, offset: pageParam }, signal),
      initialPageParam: 0,
      getNextPageParam: (last: RoutesPage) => nextOffset(last.links),
      staleTime: 60_000,
    }),
};

/**
 * The newest route with exactly this type, alias and value (pages through /v2/routes, bounded). Used after
 * an "outcome unknown" create: the route may exist even though no answer came back.
 */
export async function findSameRoute(body: NewRouteBody, signal?: AbortSignal): Promise<Route | null> {
  let offset: number | null = 0;
  let found: Route | null = null;
  for (let page = 0; offset !== null && page < 50; page++) {
    const result: RoutesPage = await fetchRoutesPage(
      { route_type: body.route_type, limit: MAX_PAGE, offset },
      signal,
    );
    for (const route of result.data) {
      const a = route.attributes;
      if (a.alias === body.alias.trim() && (a.value ?? '') === body.value.trim()) found = route;
    }
    offset = nextOffset(result.links);
  }
  return found;
}

export interface NewRouteBody {
  route_type: CreatableRouteType;
  alias: string;
  value: string;
}

/** POST /v2/routes (JSON:API body). `idempotencyKey` is one per user intent; reuse it on a re-submit. */
export function createRoute(body: NewRouteBody, idempotencyKey: string): Promise<CreatedRoute> {
  const attributes = { route_type: body.route_type, alias: body.alias.trim(), value: body.value.trim() };
  return sendJson<CreatedRoute>('post', '/api/v2/routes', {
    json: { data: { type: 'route', attributes } },
    idempotencyKey,
  });
}

/** PATCH /v2/numbers/{n}/relationships/{primary|failover}_route → 204. */
export function setNumberRoute(
  number: string,
  slot: RouteSlot,
  routeId: string,
  idempotencyKey: string,
  signal?: AbortSignal,
): Promise<void> {
  return sendJson<undefined>(
    'patch',
    `/api/v2/numbers/${encodeURIComponent(number)}/relationships/${slotRelationship(slot)}`,
    {
      json: { data: { type: 'route', id: routeId } },
      idempotencyKey,
      signal,
    },
  );
}

/** After route changes, keep the cached usage scan true without rescanning the whole account. */
export function patchRouteUsage(
  queryClient: QueryClient,
  changes: Array<{ number: string; slot: RouteSlot; routeId: string | null }>,
): void {
  if (changes.length === 0) return;
  queryClient.setQueryData<RouteUsage>(routeQueries.usageKey(), (usage) => {
    if (!usage) return usage;
    const numbers = { ...usage.numbers };
    for (const { number, slot, routeId } of changes) {
      numbers[number] = { ...(numbers[number] ?? { primary: null, failover: null }), [slot]: routeId };
    }
    return { ...usage, numbers };
  });
}

/** After a route was created: every route list and picker refetches (the usage scan is unaffected). */
export function invalidateRouteLists(queryClient: QueryClient): Promise<void> {
  return queryClient.invalidateQueries({
    queryKey: routeQueries.all(),
    predicate: (query) => query.queryKey[1] !== 'usage',
  });
}

/** A failed change as the route screens keep it. */
export interface ChangeError {
  message: string;
  status: number;
  /** We do not know whether the request took effect: no answer (network) or still in flight (409). */
  unknownOutcome: boolean;
}

export function changeError(error: unknown): ChangeError {
  const apiError = toApiError(error);
  return {
    message: apiError.message,
    status: apiError.status,
    unknownOutcome: apiError.status === 0 || apiError.status === 409,
  };
}

/**
 * The Idempotency-Key for the next attempt of one user intent (create a route, set a slot).
 *
 * The proxy replays the FIRST answer it stored for a key. Reusing a key is right only while that answer
 * is unknown to us — no response at all (connection lost) or 409 "still in flight": then the replay is
 * the true outcome and a create cannot happen twice. After any real answer (a 5xx, a 4xx, or a replay of
 * one), the stored answer is that error: reusing the key would replay it forever without reaching
 * Flowroute, so the retry gets a fresh key. (Route PATCHes set a slot to a fixed id, so a fresh-key
 * re-send can never change more than the first would have.)
 */
export function keyForAttempt(
  previous: { key?: string | undefined; error?: ChangeError | undefined },
  makeKey: () => string = newIdempotencyKey,
): string {
  if (previous.key && previous.error?.unknownOutcome) return previous.key;
  return makeKey();
}

/**
 * Shared pause for many parallel requests (route usage scan, bulk changes). The proxy limits each user's
 * reads and changes per minute and answers 429 with Retry-After without sending anything to Flowroute;
 * then every lane waits until the window reopens and tries again, instead of marking numbers failed.
 */
export class RateGate {
  private until = 0;

  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;

  constructor(
    private readonly onPause: (until: number | null) => void = () => {},
    clock: { sleep?: (ms: number, signal?: AbortSignal) => Promise<void>; now?: () => number } = {},
  ) {
    this.sleep = clock.sleep ?? abortableSleep;
    this.now = clock.now ?? Date.now;
  }

  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      while (this.now() < this.until) {
        await this.sleep(this.until - this.now(), signal);
      }
      try {
        const result = await task();
        if (this.until !== 0 && this.now() >= this.until) {
          this.until = 0;
          this.onPause(null);
        }
        return result;
      } catch (error) {
        if (attempt < 30 && isApiError(error) && error.kind === 'rate_limited') {
          this.until = Math.max(this.until, this.now() + 1000 * Math.max(1, error.retryAfterSeconds ?? 5));
          this.onPause(this.until);
          continue;
        }
        throw error;
      }
    }
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
