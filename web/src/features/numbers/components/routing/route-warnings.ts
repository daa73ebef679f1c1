// What to warn about before a number's primary/failover routes are saved (Flowroute's routing rules).
import { formatNanp } from '@contract/phone';
import { DEFAULT_ROUTE_ID, type Route } from '@/lib/flowroute/routes';

export type WarningSeverity = 'error' | 'warning' | 'info';

export type WarningCode =
  | 'failover_equals_primary'
  | 'same_destination'
  | 'no_failover'
  | 'primary_default'
  | 'failover_own_number'
  | 'routes_to_itself'
  | 'host_without_port';

export interface RoutingWarning {
  code: WarningCode;
  /** error = saving is blocked (Flowroute forbids it or it cannot work); warning/info = confirm anyway. */
  severity: WarningSeverity;
  message: string;
}

/** A slot as the checker sees it: the route id plus the route object when we know it. */
export interface SlotRoute {
  id: string;
  route: Route | null;
}

export interface RoutingCheckInput {
  /** The number being routed (11 digits). */
  number: string;
  primary: SlotRoute | null;
  failover: SlotRoute | null;
  /**
   * Whether the failover route's target number (type `number`) is one of this account's Flowroute
   * numbers: true/false once looked up, null while unknown.
   */
  failoverTargetOnAccount: boolean | null;
}

function hasPort(host: string): boolean {
  const value = host.split(';')[0] ?? host;
  if (value.startsWith('[')) return /\]:\d+$/.test(value);
  // A bare IPv6 address has several colons and no port.
  const colons = (value.match(/:/g) ?? []).length;
  return colons === 1 && /:\d+$/.test(value);
}

function destination(route: Route | null): string | null {
  if (!route || route.attributes.value === null) return null;
  return `${route.attributes.route_type}:${route.attributes.value.trim().toLowerCase()}`;
}

/** Every warning that applies to the (new) primary + failover of one number, most serious first. */
export function routingWarnings(input: RoutingCheckInput): RoutingWarning[] {
  const { number, primary, failover } = input;
  const out: RoutingWarning[] = [];

  if (failover?.route?.attributes.route_type === 'number') {
    const target = failover.route.attributes.value ?? '';
    if (target === number) {
      out.push({
        code: 'routes_to_itself',
        severity: 'error',
        message: `The failover forwards calls to ${formatNanp(number)} itself, so calls would loop.`,
      });
    } else if (input.failoverTargetOnAccount === true) {
      out.push({
        code: 'failover_own_number',
        severity: 'error',
        message: `The failover forwards to ${formatNanp(target)}, one of this account's Flowroute numbers. Flowroute does not allow a failover to another Flowroute number.`,
      });
    }
  }
  if (primary?.route?.attributes.route_type === 'number' && primary.route.attributes.value === number) {
    out.push({
      code: 'routes_to_itself',
      severity: 'error',
      message: `The primary route forwards calls to ${formatNanp(number)} itself, so calls would loop.`,
    });
  }

  if (primary && failover && primary.id === failover.id) {
    out.push({
      code: 'failover_equals_primary',
      severity: 'warning',
      message:
        'The failover is the same route as the primary, so it adds no protection when the primary fails.',
    });
  } else if (primary && failover) {
    const a = destination(primary.route);
    if (a !== null && a === destination(failover.route)) {
      out.push({
        code: 'same_destination',
        severity: 'warning',
        message: 'The primary and failover routes point at the same destination.',
      });
    }
  }

  if (!failover) {
    out.push({
      code: 'no_failover',
      severity: 'warning',
      message: 'No failover route: if the primary does not answer, calls to this number fail.',
    });
  }

  if (primary?.id === DEFAULT_ROUTE_ID) {
    out.push({
      code: 'primary_default',
      severity: 'warning',
      message:
        'The primary is the default SIP registration route (0): calls ring only a device registered to Flowroute.',
    });
  }

  for (const [slot, value] of [
    ['primary', primary],
    ['failover', failover],
  ] as const) {
    const route = value?.route;
    if (
      route?.attributes.route_type === 'host' &&
      route.attributes.value &&
      !hasPort(route.attributes.value)
    ) {
      out.push({
        code: 'host_without_port',
        severity: 'info',
        message: `The ${slot} host ${route.attributes.value} has no port: Flowroute will look up a DNS SRV record.`,
      });
    }
  }

  const rank: Record<WarningSeverity, number> = { error: 0, warning: 1, info: 2 };
  return out.sort((a, b) => rank[a.severity] - rank[b.severity]);
}

export function hasBlockingWarning(warnings: RoutingWarning[]): boolean {
  return warnings.some((w) => w.severity === 'error');
}

/** The number a `number`-type route forwards to, when it needs the "is it ours?" look-up. */
export function failoverNumberTarget(failover: SlotRoute | null): string | null {
  const route = failover?.route;
  if (route?.attributes.route_type !== 'number') return null;
  return route.attributes.value ?? null;
}
