// Inbound routes: list (route_type filter), create (validated like Flowroute), and assigning a route as a
// number's primary or failover route.
import { ROUTE_TYPES, validateNewRoute } from '../../flowroute/route-value';
import { ApiError, NOT_FOUND_DETAIL, pageLinks, parseLimit, parseOffset } from '../http-util';
import type { Ctx, Reply } from '../http-util';
import type { EmulatorState } from '../store';
import { accountNumber, renderRoute } from './render';

export function listRoutes(ctx: Ctx, state: EmulatorState): Reply {
  const routeType = ctx.query.get('route_type') || undefined;
  if (routeType !== undefined && !(ROUTE_TYPES as readonly string[]).includes(routeType)) {
    throw new ApiError(400, 'route_type must be one of host, number, uri, sip-reg (lowercase).');
  }
  const limit = parseLimit(ctx.query, 200);
  const offset = parseOffset(ctx.query);
  const matching = routeType ? state.routes.filter((r) => r.routeType === routeType) : state.routes;
  const page = matching.slice(offset, offset + limit);
  return {
    status: 200,
    body: {
      data: page.map((r) => renderRoute(r, ctx.base)),
      links: pageLinks(
        ctx.base,
        '/v2/routes',
        [['route_type', routeType]],
        limit,
        offset,
        offset + limit < matching.length,
      ),
    },
  };
}

/** JSON pointer "/data/attributes/value" + message → {data:{attributes:{value:[message]}}} (Flowroute's 422 shape). */
function nestErrors(errors: { pointer: string; detail: string }[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const e of errors) {
    const parts = e.pointer.split('/').filter(Boolean);
    let node = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) {
        const list = (node[part] as string[] | undefined) ?? [];
        list.push(e.detail);
        node[part] = list;
      } else {
        node[part] = (node[part] as Record<string, unknown> | undefined) ?? {};
        node = node[part] as Record<string, unknown>;
      }
    });
  }
  return root;
}

/**
 * 201 with the route. Flowroute's create response links to https://api.flowroute.com/routes/<id> (no /v2),
 * unlike list items; reproduced as documented. An identical route (same alias, type and value) is refused
 * with 403, per Flowroute's own demo ("If you attempt to create a route already on your account you will
 * receive a 403 error").
 */
export function createRoute(ctx: Ctx, state: EmulatorState): Reply {
  const result = validateNewRoute(ctx.body);
  if (!result.ok) throw new ApiError(422, nestErrors(result.errors));
  const { alias, route_type, value } = result.route;
  const duplicate = state.routes.find(
    (r) => r.alias === alias && r.routeType === route_type && r.value === value,
  );
  if (duplicate) {
    throw new ApiError(403, `An identical route already exists on your account (route ${duplicate.id}).`);
  }
  const route = state.addRoute({ alias, routeType: route_type, value });
  state.stats.routesCreated.push({
    id: route.id,
    route_type,
    value,
    alias,
    at: new Date(ctx.now).toISOString(),
  });
  const self = `${ctx.base}/routes/${route.id}`;
  return { status: 201, body: { data: renderRoute(route, ctx.base, self), links: { self } } };
}

function assign(ctx: Ctx, state: EmulatorState, relationship: 'primary_route' | 'failover_route'): Reply {
  const n = accountNumber(state, ctx.params[0]!);
  const data = (ctx.body as { data?: unknown } | null | undefined)?.data as {
    id?: unknown;
    type?: unknown;
  } | null;
  if (!data || typeof data !== 'object') {
    throw new ApiError(422, { data: ['The body must be {"data": {"type": "route", "id": "<route id>"}}.'] });
  }
  if (data.type !== undefined && data.type !== 'route')
    throw new ApiError(422, { data: { type: ['type must be "route".'] } });
  const id = typeof data.id === 'number' && Number.isInteger(data.id) ? String(data.id) : data.id;
  if (typeof id !== 'string' || id === '')
    throw new ApiError(422, { data: { id: ['id (the route id) is required.'] } });
  // JSON:API: a relationship update that names a resource that does not exist is a 404.
  if (!state.routesById.has(id)) throw new ApiError(404, NOT_FOUND_DETAIL);
  if (relationship === 'primary_route') n.primaryRoute = id;
  else n.failoverRoute = id;
  state.stats.routeChanges.push({
    number: n.value,
    relationship,
    route_id: id,
    at: new Date(ctx.now).toISOString(),
  });
  return { status: 204 };
}

export const updatePrimaryRoute = (ctx: Ctx, state: EmulatorState): Reply =>
  assign(ctx, state, 'primary_route');
export const updateFailoverRoute = (ctx: Ctx, state: EmulatorState): Reply =>
  assign(ctx, state, 'failover_route');
