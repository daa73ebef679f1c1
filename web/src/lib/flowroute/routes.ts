// Routes resource: Flowroute route types, the routeQueries factory, and the route mutations (create a
// route, set a number's primary/failover). Shared by the routes screens and the number screens.
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { getJson, sendJson } from '@/lib/api';

export type RouteType = 'host' | 'uri' | 'number' | 'sip-reg';
export type RouteSlot = 'primary' | 'failover';

export interface RouteAttributes {
  route_type: RouteType | (string & {});
  alias: string | null;
  value: string | null;
}

export interface Route {
  type: 'route';
  id: string;
  attributes: RouteAttributes;
  links?: { self?: string };
}

export interface RoutesPage {
  data: Route[];
  links?: { self?: string; next?: string };
}

export interface RouteRef {
  type: 'route';
  id: string;
}

/** The part of GET /v2/numbers/{n} this module reads: relationships + included routes. */
export interface NumberRoutingDetail {
  data: {
    id: string;
    type: 'number';
    attributes?: Record<string, unknown>;
    relationships?: {
      primary_route?: { data: RouteRef | null };
      failover_route?: { data: RouteRef | null };
      [key: string]: unknown;
    };
  };
  included?: Array<{ type: string; id: string; attributes?: Record<string, unknown> }>;
}

/** The default route every number gets on purchase (Flowroute: id "0", type sip-reg, value null). */
export const DEFAULT_ROUTE_ID = '0';

/** Flowroute's max page size for /v2/routes and /v2/numbers. */
export const MAX_PAGE = 200;

export const ROUTE_TYPES: readonly RouteType[] = ['host', 'uri', 'number', 'sip-reg'];

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

export interface RouteSlotValue {
  /** The route id the relationship points at. */
  id: string;
  /** The route object from `included`, when Flowroute sent it. */
  route: Route | null;
}

export interface NumberRouting {
  primary: RouteSlotValue | null;
  failover: RouteSlotValue | null;
}

function includedRoute(detail: NumberRoutingDetail, id: string): Route | null {
  const found = detail.included?.find((item) => item.type === 'route' && item.id === id);
  if (!found) return null;
  const attrs = found.attributes ?? {};
  return {
    type: 'route',
    id: found.id,
    attributes: {
      route_type: typeof attrs.route_type === 'string' ? attrs.route_type : 'host',
      alias: typeof attrs.alias === 'string' ? attrs.alias : null,
      value: typeof attrs.value === 'string' ? attrs.value : null,
    },
  };
}

/** Reads a number detail's primary/failover relationships and resolves them against `included`. */
export function routingFromDetail(detail: NumberRoutingDetail): NumberRouting {
  const rel = detail.data.relationships ?? {};
  const slot = (ref: RouteRef | null | undefined): RouteSlotValue | null =>
    ref && ref.id !== undefined && ref.id !== null
      ? { id: String(ref.id), route: includedRoute(detail, String(ref.id)) }
      : null;
  return { primary: slot(rel.primary_route?.data), failover: slot(rel.failover_route?.data) };
}

/** The route id currently in a slot (null = nothing set). */
export function slotRouteId(detail: NumberRoutingDetail, slot: RouteSlot): string | null {
  return routingFromDetail(detail)[slot]?.id ?? null;
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
  return value ? `${name} (${value})` : name;
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

export const routeQueries = {
  all: () => ['routes'] as const,
  lists: () => [...routeQueries.all(), 'list'] as const,
  /** One page of /v2/routes (the routes table). */
  list: (params: RouteListParams) =>
    queryOptions({
      queryKey: [
        ...routeQueries.lists(),
        { route_type: params.route_type ?? null, limit: params.limit ?? 50, offset: params.offset ?? 0 },
      ] as const,
      queryFn: ({ signal }) => fetchRoutesPage(params, signal),
      placeholderData: (previous) => previous,
    }),
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

export interface NewRouteBody {
  route_type: RouteType;
  alias: string;
  value: string | null;
}

export interface CreatedRoute {
  data: Route;
}

/** POST /v2/routes (JSON:API body). `idempotencyKey` is one per user intent; reuse it on a re-submit. */
export function createRoute(body: NewRouteBody, idempotencyKey: string): Promise<CreatedRoute> {
  const attributes: Record<string, string> = { route_type: body.route_type, alias: body.alias.trim() };
  if (body.route_type !== 'sip-reg' && body.value !== null) attributes.value = body.value.trim();
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

/**
 * DELETE /v2/numbers/{n}/relationships/failover_route → 204 (Flowroute's "remove failover"). Needed to
 * revert a bulk failover change on numbers that had no failover before. The proxy may not allow it.
 */
export function clearNumberRoute(
  number: string,
  slot: RouteSlot,
  idempotencyKey: string,
  signal?: AbortSignal,
): Promise<void> {
  return sendJson<undefined>(
    'delete',
    `/api/v2/numbers/${encodeURIComponent(number)}/relationships/${slotRelationship(slot)}`,
    {
      idempotencyKey,
      signal,
    },
  );
}
