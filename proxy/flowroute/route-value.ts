// Validation of inbound voice routes by Flowroute's meaning of each route type. Shared by the SPA's forms and
// the proxy's route table, so a bad route is refused the same way before anything reaches Flowroute.
import { isNanp11 } from './phone';

export const ROUTE_TYPES = ['host', 'uri', 'number', 'sip-reg'] as const;
export type RouteType = (typeof ROUTE_TYPES)[number];
export const ALIAS_MAX_LENGTH = 100;

const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

function isIPv4(value: string): boolean {
  const parts = value.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

function isIPv6(value: string): boolean {
  if (!/^[0-9a-f:.]+$/i.test(value) || !value.includes(':')) return false;
  try {
    // The WHATWG URL parser implements the full IPv6 grammar (compression, embedded IPv4), in browsers and Node.
    return new URL(`http://[${value}]/`).hostname.length > 2;
  } catch {
    return false;
  }
}

/** Why a host name is not acceptable, or null. Requires a dotted name (a bare label cannot be routed to). */
function hostNameError(name: string): string | null {
  if (name.endsWith('.')) return 'Remove the trailing dot.';
  if (name.length > 253) return 'A host name is at most 253 characters.';
  const labels = name.split('.');
  if (labels.length < 2) return 'Enter a full host name (e.g. sip.example.com) or an IP address.';
  if (labels.some((l) => l === '')) return 'A host name cannot contain empty parts (..).';
  if (!labels.every((l) => HOST_LABEL.test(l))) {
    return 'A host name may contain only letters, digits, dots and inner hyphens.';
  }
  if (/^\d+$/.test(labels[labels.length - 1]!)) return 'That looks like an incomplete IPv4 address.';
  return null;
}

function portError(port: string): string | null {
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    return 'The port must be a number from 1 to 65535.';
  }
  return null;
}

/** host[:port], [ipv6]:port, bare ipv6, or ipv4[:port]. */
function hostPortError(value: string): string | null {
  if (value.startsWith('[')) {
    const m = /^\[([^\]]+)\](?::(.*))?$/.exec(value);
    if (!m) return 'Write an IPv6 address with a port as [2001:db8::1]:5060.';
    if (!isIPv6(m[1]!)) return 'That is not a valid IPv6 address.';
    return m[2] === undefined ? null : portError(m[2]);
  }
  if ((value.match(/:/g) ?? []).length > 1) {
    return isIPv6(value) ? null : 'That is not a valid IPv6 address (with a port, write [address]:port).';
  }
  const [host, port] = value.split(':') as [string, string | undefined];
  if (host === '') return 'Enter a host name or IP address before the port.';
  if (/^[\d.]+$/.test(host)) {
    if (!isIPv4(host)) return 'That is not a valid IPv4 address.';
  } else {
    const err = hostNameError(host);
    if (err) return err;
  }
  return port === undefined ? null : portError(port);
}

/** Optional ";weight=0..1000" suffix Flowroute uses for weight-based routing. */
function splitWeight(value: string): { base: string; error: string | null } {
  const m = /^(.*);weight=([^;]*)$/i.exec(value);
  if (!m) return { base: value, error: null };
  const w = m[2]!;
  const ok = /^\d{1,4}$/.test(w) && Number(w) <= 1000;
  return { base: m[1]!, error: ok ? null : 'The weight must be a whole number from 0 to 1000.' };
}

const URI_USER = /^[A-Za-z0-9\-_.!~*'()&=+$,?/%]+$/;
const URI_PARAM = /^[A-Za-z0-9\-_.!~*'()%]+(=[A-Za-z0-9\-_.!~*'()%[\]:+]+)?$/;

function uriError(value: string): string | null {
  const scheme = /^(sips?):/i.exec(value);
  if (!scheme) return 'A URI route starts with sip: or sips: (e.g. sip:alice@pbx.example.com).';
  const rest = value.slice(scheme[0].length);
  const [userHost, ...params] = rest.split(';');
  const at = userHost!.lastIndexOf('@');
  if (at <= 0) return 'Write the URI as sip:user@host (the user part is missing).';
  const user = userHost!.slice(0, at);
  const host = userHost!.slice(at + 1);
  if (!URI_USER.test(user)) return 'The user part contains characters that are not allowed in a SIP URI.';
  if (host === '') return 'The host after @ is missing.';
  const hostErr = hostPortError(host);
  if (hostErr) return hostErr;
  for (const p of params) {
    if (!URI_PARAM.test(p)) return `The URI parameter ";${p}" is not valid.`;
    const [k, v] = p.split('=');
    if (k!.toLowerCase() === 'transport' && !['tcp', 'udp', 'tls'].includes((v ?? '').toLowerCase())) {
      return 'transport must be tcp, udp or tls.';
    }
  }
  return null;
}

/** Returns why `value` is not a valid route value of `routeType`, or null when it is. */
export function validateRouteValue(routeType: string, value: string | null | undefined): string | null {
  const v = value ?? '';
  switch (routeType) {
    case 'sip-reg':
      return v === '' ? null : 'A sip-reg route has no value: calls go to the registered SIP device.';
    case 'number':
      if (v === '') return 'Enter the number to forward calls to.';
      return isNanp11(v) ? null : 'Enter an 11-digit North American number, e.g. 12065550100.';
    case 'host':
    case 'uri': {
      if (v === '') return routeType === 'host' ? 'Enter a host name or IP address.' : 'Enter a SIP URI.';
      if (/\s/.test(v)) return 'Remove the spaces.';
      const { base, error } = splitWeight(v);
      if (error) return error;
      return routeType === 'host' ? hostPortError(base) : uriError(base);
    }
    default:
      return 'The route type must be host, uri, number or sip-reg.';
  }
}

export interface NewRouteAttributes {
  alias: string;
  route_type: RouteType;
  value: string | null;
}

export interface FieldError {
  /** JSON pointer into the request body, as in JSON:API error objects. */
  pointer: string;
  detail: string;
}

export function validateAlias(alias: unknown): string | null {
  if (typeof alias !== 'string' || alias.trim() === '') return 'Give the route a name (alias).';
  if (alias.length > ALIAS_MAX_LENGTH) return `The alias is at most ${ALIAS_MAX_LENGTH} characters.`;
  return null;
}

/** Validates a JSON:API create-route body `{data:{type:'route', attributes:{alias, route_type, value}}}`. */
export function validateNewRoute(
  body: unknown,
): { ok: true; route: NewRouteAttributes } | { ok: false; errors: FieldError[] } {
  const data = (body as { data?: unknown } | null)?.data as
    { type?: unknown; attributes?: Record<string, unknown> } | undefined;
  if (!data || typeof data !== 'object') {
    return { ok: false, errors: [{ pointer: '/data', detail: 'The body must be {"data": {...}}.' }] };
  }
  const errors: FieldError[] = [];
  if (data.type !== 'route') errors.push({ pointer: '/data/type', detail: 'type must be "route".' });
  const attrs = data.attributes;
  if (!attrs || typeof attrs !== 'object') {
    errors.push({ pointer: '/data/attributes', detail: 'attributes are required.' });
    return { ok: false, errors };
  }
  const aliasErr = validateAlias(attrs.alias);
  if (aliasErr) errors.push({ pointer: '/data/attributes/alias', detail: aliasErr });
  const type = attrs.route_type;
  if (typeof type !== 'string' || !(ROUTE_TYPES as readonly string[]).includes(type)) {
    errors.push({
      pointer: '/data/attributes/route_type',
      detail: 'route_type must be host, uri, number or sip-reg.',
    });
  } else {
    const value = attrs.value;
    if (value !== null && value !== undefined && typeof value !== 'string') {
      errors.push({ pointer: '/data/attributes/value', detail: 'value must be a string.' });
    } else {
      const err = validateRouteValue(type, value);
      if (err) errors.push({ pointer: '/data/attributes/value', detail: err });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    route: {
      alias: attrs.alias as string,
      route_type: type as RouteType,
      value: (attrs.value as string | null | undefined) ?? null,
    },
  };
}
