// The CLOSED route table: the only 13 Flowroute operations the proxy forwards, with their roles and validation.
import { isNanp11 } from '../../flowroute/phone';
import { ROUTE_TYPES, validateNewRoute } from '../../flowroute/route-value';
import type { Role } from '../store/types';

export type OperationId =
  | 'listNumbers'
  | 'getNumber'
  | 'purchaseNumber'
  | 'searchAvailableNumbers'
  | 'listAreaCodes'
  | 'listExchanges'
  | 'updatePrimaryRoute'
  | 'updateFailoverRoute'
  | 'listRoutes'
  | 'createRoute'
  | 'sendMessage'
  | 'listMessages'
  | 'getMessage';

export type HttpMethod = 'GET' | 'POST' | 'PATCH';

/** A field-level problem; pointer for bodies (JSON pointer), parameter for path/query. */
export interface FieldProblem {
  detail: string;
  pointer?: string;
  parameter?: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[] };

export interface ValidBody {
  /** JSON text to send upstream (re-serialized from the validated value), or null for no body. */
  json: string | null;
  /** Non-secret summary for the audit log (message text as hash + length is done by the audit layer). */
  summary: Record<string, unknown>;
  /** Resource the change concerns (number, route alias…) for the audit log. */
  target: string | null;
}

export interface Operation {
  operationId: OperationId;
  method: HttpMethod;
  /** Fastify route path under /api. */
  routePath: string;
  /** Anchored pattern over the strict raw path; named groups are the path params. */
  pattern: RegExp;
  minRole: Role;
  kind: 'read' | 'mutation';
  /** Allowed query parameters and their checks (value → error text or null). */
  query: Record<string, QueryRule>;
  requiredQuery?: string[];
  /** Validates the path params; returns problems or the upstream path (without query). */
  upstreamPath: (params: Record<string, string>) => Checked<string>;
  /** Mutations only: validates the parsed JSON body. */
  body?: (body: unknown) => Checked<ValidBody>;
}

type QueryRule = (value: string) => string | null;

// ---------- parameter checks ----------

const digits =
  (min: number, max: number, what: string): QueryRule =>
  (v) =>
    new RegExp(`^[0-9]{${min},${max}}$`).test(v)
      ? null
      : `${what} must be ${min === max ? min : `${min}–${max}`} digits.`;

const intRange =
  (min: number, max: number): QueryRule =>
  (v) => {
    if (!/^[0-9]{1,9}$/.test(v)) return `Must be a whole number from ${min} to ${max}.`;
    const n = Number(v);
    return n >= min && n <= max ? null : `Must be a whole number from ${min} to ${max}.`;
  };

const MAX_OFFSET = 100_000_000;
const limit = (max: number): QueryRule => intRange(1, max);
const offset: QueryRule = intRange(0, MAX_OFFSET);
const startsWith: QueryRule = (v) =>
  /^\+?[0-9]{1,11}$/.test(v) ? null : 'starts_with must be 1–11 digits, optionally after "+".';
const contains = digits(1, 11, 'contains');
const endsWith = digits(1, 11, 'ends_with');
const maxSetupCost: QueryRule = (v) =>
  /^[0-9]{1,6}(\.[0-9]{1,4})?$/.test(v) ? null : 'max_setup_cost must be an amount in USD, e.g. 1.25.';
const areacode: QueryRule = (v) =>
  /^[2-9][0-9]{2}$/.test(v) ? null : 'areacode must be a three-digit area code (first digit 2–9).';
const state: QueryRule = (v) =>
  /^[A-Za-z]{2}$/.test(v) ? null : 'state must be a two-letter abbreviation, e.g. WA.';
const rateCenter: QueryRule = (v) =>
  /^[A-Za-z0-9][A-Za-z0-9 ._'-]{0,39}$/.test(v)
    ? null
    : 'rate_center must be a rate center name (letters, digits, spaces), at most 40 characters.';
const routeType: QueryRule = (v) =>
  (ROUTE_TYPES as readonly string[]).includes(v)
    ? null
    : `route_type must be one of ${ROUTE_TYPES.join(', ')}.`;

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:(\d{2})(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/;
const utcDate: QueryRule = (v) => {
  const m = DATE_ONLY.exec(v) ?? DATE_TIME.exec(v);
  if (!m) return 'Use YYYY-MM-DD or an ISO date-time such as 2024-05-01T00:00:00.000Z.';
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (
    date.getUTCFullYear() !== y ||
    date.getUTCMonth() !== mo - 1 ||
    date.getUTCDate() !== d ||
    y < 2000 ||
    y > 2100
  ) {
    return 'That date does not exist.';
  }
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[7] ?? 0) > 59))
    return 'That time does not exist.';
  return null;
};

/** Message list limit: Flowroute documents no maximum; we cap it so one call stays bounded. */
export const MESSAGE_LIST_MAX = 1000;

// ---------- path params ----------

function numberPath(param: string, suffix: string): (p: Record<string, string>) => Checked<string> {
  return (p) => {
    const n = p[param] ?? '';
    return isNanp11(n)
      ? { ok: true, value: `/v2/numbers/${n}${suffix}` }
      : {
          ok: false,
          problems: [
            { parameter: param, detail: 'Use an 11-digit North American number such as 12065550100.' },
          ],
        };
  };
}

const fixed = (path: string) => (): Checked<string> => ({ ok: true, value: path });

// ---------- bodies ----------

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Purchase takes no body; `{}` is accepted because JSON clients always send one. */
function purchaseBody(body: unknown): Checked<ValidBody> {
  if (body === undefined || body === null || (isPlainObject(body) && Object.keys(body).length === 0)) {
    return { ok: true, value: { json: null, summary: {}, target: null } };
  }
  return {
    ok: false,
    problems: [{ pointer: '', detail: 'Buying a number takes no request body (send {} or nothing).' }],
  };
}

function routeAssignmentBody(body: unknown): Checked<ValidBody> {
  const data = isPlainObject(body) ? body.data : undefined;
  if (!isPlainObject(body) || Object.keys(body).some((k) => k !== 'data') || !isPlainObject(data)) {
    return {
      ok: false,
      problems: [
        { pointer: '/data', detail: 'The body must be {"data": {"type": "route", "id": "<route id>"}}.' },
      ],
    };
  }
  const problems: FieldProblem[] = [];
  if (Object.keys(data).some((k) => k !== 'type' && k !== 'id'))
    problems.push({ pointer: '/data', detail: 'Only "type" and "id" are allowed in data.' });
  if (data.type !== 'route') problems.push({ pointer: '/data/type', detail: 'type must be "route".' });
  if (typeof data.id !== 'string' || !/^[0-9]{1,15}$/.test(data.id))
    problems.push({ pointer: '/data/id', detail: 'id must be a route id (digits), e.g. "0" or "83834".' });
  if (problems.length > 0) return { ok: false, problems };
  const id = data.id as string;
  return {
    ok: true,
    value: { json: JSON.stringify({ data: { type: 'route', id } }), summary: { route_id: id }, target: null },
  };
}

function createRouteBody(body: unknown): Checked<ValidBody> {
  const result = validateNewRoute(body);
  if (!result.ok)
    return { ok: false, problems: result.errors.map((e) => ({ pointer: e.pointer, detail: e.detail })) };
  const attrs =
    isPlainObject(body) && isPlainObject(body.data) && isPlainObject(body.data.attributes)
      ? body.data.attributes
      : {};
  const extra = Object.keys(attrs).filter((k) => !['alias', 'route_type', 'value'].includes(k));
  if (extra.length > 0) {
    return {
      ok: false,
      problems: extra.map((k) => ({ pointer: `/data/attributes/${k}`, detail: `Unknown attribute "${k}".` })),
    };
  }
  const { alias, route_type, value } = result.route;
  return {
    ok: true,
    value: {
      json: JSON.stringify({ data: { type: 'route', attributes: { alias, route_type, value } } }),
      summary: { alias, route_type, value },
      target: alias,
    },
  };
}

const MESSAGE_ATTRS = ['from', 'to', 'body', 'media_urls', 'is_mms', 'dlr_callback'] as const;
export const MESSAGE_BODY_MAX = 5000;
export const MEDIA_URLS_MAX = 10;

function httpsUrlError(v: unknown): string | null {
  if (typeof v !== 'string' || v.length > 2048) return 'Must be an https:// URL.';
  try {
    const u = new URL(v);
    if (u.protocol !== 'https:' || u.username || u.password)
      return 'Must be an https:// URL without credentials.';
    return null;
  } catch {
    return 'Must be an https:// URL.';
  }
}

function phoneError(v: unknown): string | null {
  if (typeof v !== 'string') return 'Use an 11-digit North American number such as 12065550100.';
  const d = v.startsWith('+') ? v.slice(1) : v;
  return isNanp11(d)
    ? null
    : 'Use an 11-digit North American number such as 12065550100 (a leading + is fine).';
}

/** Send: compact `{from,to,body,…}` or JSON:API `{data:{type:'message',attributes:{…}}}`; forwarded in the same form. */
function sendMessageBody(body: unknown): Checked<ValidBody> {
  if (!isPlainObject(body))
    return { ok: false, problems: [{ pointer: '', detail: 'The body must be a JSON object.' }] };
  const jsonApi = 'data' in body;
  let attrs: Record<string, unknown>;
  let base: string;
  if (jsonApi) {
    const data = body.data;
    if (
      Object.keys(body).some((k) => k !== 'data') ||
      !isPlainObject(data) ||
      !isPlainObject(data.attributes)
    ) {
      return {
        ok: false,
        problems: [
          {
            pointer: '/data',
            detail: 'The body must be {"data": {"type": "message", "attributes": {...}}}.',
          },
        ],
      };
    }
    if (data.type !== undefined && data.type !== 'message')
      return { ok: false, problems: [{ pointer: '/data/type', detail: 'type must be "message".' }] };
    if (Object.keys(data).some((k) => k !== 'type' && k !== 'attributes'))
      return {
        ok: false,
        problems: [{ pointer: '/data', detail: 'Only "type" and "attributes" are allowed in data.' }],
      };
    attrs = data.attributes;
    base = '/data/attributes';
  } else {
    attrs = body;
    base = '';
  }
  const problems: FieldProblem[] = [];
  for (const k of Object.keys(attrs)) {
    if (!(MESSAGE_ATTRS as readonly string[]).includes(k))
      problems.push({ pointer: `${base}/${k}`, detail: `Unknown attribute "${k}".` });
  }
  const fromErr = phoneError(attrs.from);
  if (fromErr) problems.push({ pointer: `${base}/from`, detail: fromErr });
  const toErr = phoneError(attrs.to);
  if (toErr) problems.push({ pointer: `${base}/to`, detail: toErr });
  if (attrs.body !== undefined && (typeof attrs.body !== 'string' || attrs.body.length > MESSAGE_BODY_MAX)) {
    problems.push({
      pointer: `${base}/body`,
      detail: `body must be text of at most ${MESSAGE_BODY_MAX} characters.`,
    });
  }
  const media = attrs.media_urls;
  if (media !== undefined) {
    if (!Array.isArray(media) || media.length > MEDIA_URLS_MAX) {
      problems.push({
        pointer: `${base}/media_urls`,
        detail: `media_urls must be a list of at most ${MEDIA_URLS_MAX} https:// URLs.`,
      });
    } else {
      media.forEach((u, i) => {
        const err = httpsUrlError(u);
        if (err) problems.push({ pointer: `${base}/media_urls/${i}`, detail: err });
      });
    }
  }
  const isMms = attrs.is_mms;
  if (isMms !== undefined && typeof isMms !== 'boolean' && isMms !== 'true' && isMms !== 'false') {
    problems.push({ pointer: `${base}/is_mms`, detail: 'is_mms must be true or false.' });
  }
  if (attrs.dlr_callback !== undefined) {
    const err = httpsUrlError(attrs.dlr_callback);
    if (err) problems.push({ pointer: `${base}/dlr_callback`, detail: err });
  }
  const hasText = typeof attrs.body === 'string' && attrs.body !== '';
  const hasMedia = Array.isArray(media) && media.length > 0;
  if (!hasText && !hasMedia && problems.length === 0)
    problems.push({ pointer: `${base}/body`, detail: 'Write a message or add media.' });
  if (problems.length > 0) return { ok: false, problems };

  const clean: Record<string, unknown> = {};
  for (const k of MESSAGE_ATTRS) if (attrs[k] !== undefined) clean[k] = attrs[k];
  const json = JSON.stringify(jsonApi ? { data: { type: 'message', attributes: clean } } : clean);
  const text = typeof attrs.body === 'string' ? attrs.body : '';
  return {
    ok: true,
    value: {
      json,
      summary: {
        from: attrs.from,
        to: attrs.to,
        body_length: text.length,
        body: text, // the audit layer stores it as {sha256, length} unless AUDIT_STORE_MESSAGE_TEXT=true
        media_count: hasMedia ? (media as unknown[]).length : 0,
        is_mms: isMms ?? false,
      },
      target: String(attrs.to),
    },
  };
}

// ---------- the table ----------

const NUM = '(?<id>[0-9]{1,15})';
const NUMBER_ID = '(?<number_id>[0-9]{1,15})';
const listFilters = { starts_with: startsWith, contains, ends_with: endsWith, limit: limit(200), offset };

export const OPERATIONS: readonly Operation[] = [
  {
    operationId: 'listNumbers',
    method: 'GET',
    routePath: '/api/v2/numbers',
    pattern: /^\/api\/v2\/numbers$/,
    minRole: 'viewer',
    kind: 'read',
    query: listFilters,
    upstreamPath: fixed('/v2/numbers'),
  },
  {
    operationId: 'searchAvailableNumbers',
    method: 'GET',
    routePath: '/api/v2/numbers/available',
    pattern: /^\/api\/v2\/numbers\/available$/,
    minRole: 'viewer',
    kind: 'read',
    query: { ...listFilters, rate_center: rateCenter, state },
    upstreamPath: fixed('/v2/numbers/available'),
  },
  {
    operationId: 'listAreaCodes',
    method: 'GET',
    routePath: '/api/v2/numbers/available/areacodes',
    pattern: /^\/api\/v2\/numbers\/available\/areacodes$/,
    minRole: 'viewer',
    kind: 'read',
    query: { limit: limit(400), offset, max_setup_cost: maxSetupCost },
    upstreamPath: fixed('/v2/numbers/available/areacodes'),
  },
  {
    operationId: 'listExchanges',
    method: 'GET',
    routePath: '/api/v2/numbers/available/exchanges',
    pattern: /^\/api\/v2\/numbers\/available\/exchanges$/,
    minRole: 'viewer',
    kind: 'read',
    query: { limit: limit(200), offset, max_setup_cost: maxSetupCost, areacode },
    upstreamPath: fixed('/v2/numbers/available/exchanges'),
  },
  {
    operationId: 'getNumber',
    method: 'GET',
    routePath: '/api/v2/numbers/:id',
    pattern: new RegExp(`^/api/v2/numbers/${NUM}$`),
    minRole: 'viewer',
    kind: 'read',
    query: {},
    upstreamPath: numberPath('id', ''),
  },
  {
    operationId: 'purchaseNumber',
    method: 'POST',
    routePath: '/api/v2/numbers/:id',
    pattern: new RegExp(`^/api/v2/numbers/${NUM}$`),
    minRole: 'admin',
    kind: 'mutation',
    query: {},
    upstreamPath: numberPath('id', ''),
    body: purchaseBody,
  },
  {
    operationId: 'updatePrimaryRoute',
    method: 'PATCH',
    routePath: '/api/v2/numbers/:number_id/relationships/primary_route',
    pattern: new RegExp(`^/api/v2/numbers/${NUMBER_ID}/relationships/primary_route$`),
    minRole: 'operator',
    kind: 'mutation',
    query: {},
    upstreamPath: numberPath('number_id', '/relationships/primary_route'),
    body: routeAssignmentBody,
  },
  {
    operationId: 'updateFailoverRoute',
    method: 'PATCH',
    routePath: '/api/v2/numbers/:number_id/relationships/failover_route',
    pattern: new RegExp(`^/api/v2/numbers/${NUMBER_ID}/relationships/failover_route$`),
    minRole: 'operator',
    kind: 'mutation',
    query: {},
    upstreamPath: numberPath('number_id', '/relationships/failover_route'),
    body: routeAssignmentBody,
  },
  {
    operationId: 'listRoutes',
    method: 'GET',
    routePath: '/api/v2/routes',
    pattern: /^\/api\/v2\/routes$/,
    minRole: 'viewer',
    kind: 'read',
    query: { limit: limit(200), offset, route_type: routeType },
    upstreamPath: fixed('/v2/routes'),
  },
  {
    operationId: 'createRoute',
    method: 'POST',
    routePath: '/api/v2/routes',
    pattern: /^\/api\/v2\/routes$/,
    minRole: 'operator',
    kind: 'mutation',
    query: {},
    upstreamPath: fixed('/v2/routes'),
    body: createRouteBody,
  },
  {
    operationId: 'sendMessage',
    method: 'POST',
    routePath: '/api/v2.1/messages',
    pattern: /^\/api\/v2\.1\/messages$/,
    minRole: 'operator',
    kind: 'mutation',
    query: {},
    upstreamPath: fixed('/v2.1/messages'),
    body: sendMessageBody,
  },
  {
    operationId: 'listMessages',
    method: 'GET',
    routePath: '/api/v2.1/messages',
    pattern: /^\/api\/v2\.1\/messages$/,
    minRole: 'viewer',
    kind: 'read',
    query: { start_date: utcDate, end_date: utcDate, limit: limit(MESSAGE_LIST_MAX), offset },
    requiredQuery: ['start_date'],
    upstreamPath: fixed('/v2.1/messages'),
  },
  {
    operationId: 'getMessage',
    method: 'GET',
    routePath: '/api/v2.1/messages/:id',
    pattern: /^\/api\/v2\.1\/messages\/(?<id>[A-Za-z0-9-]{1,64})$/,
    minRole: 'viewer',
    kind: 'read',
    query: {},
    upstreamPath: (p) =>
      /^mdr2-[0-9a-f]{32}$/.test(p.id ?? '')
        ? { ok: true, value: `/v2.1/messages/${p.id}` }
        : {
            ok: false,
            problems: [
              { parameter: 'id', detail: 'A message id is "mdr2-" followed by 32 lowercase hex digits.' },
            ],
          },
  },
];

/** Operations whose pattern matches a strict path (any method), for 405 answers. */
export function operationsForPath(path: string): Operation[] {
  return OPERATIONS.filter((op) => op.pattern.test(path));
}

/** Checks the query against the operation's allow-list; returns the upstream query string ('' or '?…'). */
export function checkQuery(op: Operation, query: Map<string, string>): Checked<string> {
  const problems: FieldProblem[] = [];
  const out = new URLSearchParams();
  for (const [name, value] of query) {
    const rule = Object.hasOwn(op.query, name) ? op.query[name] : undefined;
    if (!rule) {
      problems.push({ parameter: name, detail: `Unknown query parameter "${name}".` });
      continue;
    }
    if (value === '') continue; // an empty optional filter is the same as no filter
    const err = rule(value);
    if (err) problems.push({ parameter: name, detail: err });
    else out.append(name, value);
  }
  for (const name of op.requiredQuery ?? []) {
    if (!out.has(name) && !problems.some((p) => p.parameter === name))
      problems.push({ parameter: name, detail: `${name} is required.` });
  }
  if (problems.length > 0) return { ok: false, problems };
  const text = out.toString();
  return { ok: true, value: text === '' ? '' : `?${text}` };
}
