// JSON:API documents for numbers and routes, shared by the handlers.
import type { components } from '../../flowroute/api-types.gen';
import { ApiError, NOT_FOUND_DETAIL } from '../http-util';
import type { AccountNumber, EmulatorState, RouteRecord } from '../store';

type NumberResource = components['schemas']['NumberResource'];
type NumberDetail = components['schemas']['NumberDetail'];
type Route = components['schemas']['Route'];

export function renderRoute(r: RouteRecord, base: string, self = `${base}/v2/routes/${r.id}`): Route {
  return {
    attributes: { route_type: r.routeType, alias: r.alias, value: r.value },
    type: 'route',
    id: r.id,
    links: { self },
  };
}

export function numberAttributes(n: AccountNumber): NumberResource['attributes'] {
  return {
    rate_center: n.rateCenter,
    value: n.value,
    alias: n.alias,
    state: n.state,
    number_type: n.numberType,
    cnam_lookups_enabled: n.cnamLookups,
  };
}

export function renderNumberDetail(n: AccountNumber, state: EmulatorState, base: string): NumberDetail {
  const self = `${base}/v2/numbers/${n.value}`;
  const included: RouteRecord[] = [];
  for (const id of [n.primaryRoute, n.failoverRoute]) {
    const route = id === null ? undefined : state.routesById.get(id);
    if (route && !included.includes(route)) included.push(route);
  }
  return {
    included: included.map((r) => renderRoute(r, base)),
    data: {
      relationships: {
        cnam_preset: { data: null },
        e911_address: { data: null },
        failover_route: { data: n.failoverRoute === null ? null : { id: n.failoverRoute, type: 'route' } },
        primary_route: { data: { id: n.primaryRoute, type: 'route' } },
      },
      attributes: numberAttributes(n),
      type: 'number',
      id: n.value,
      links: { self },
    },
    links: { self },
  };
}

export function accountNumber(state: EmulatorState, id: string): AccountNumber {
  const n = state.numbers.get(id);
  if (!n) throw new ApiError(404, NOT_FOUND_DETAIL);
  return n;
}
