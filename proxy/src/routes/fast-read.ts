// The read's hot path in front of Fastify (docs/performance.md, 36). A signed-in user's valid GET of a read in the
// closed table, whose session and rate-limit counter are known without a query, is answered here from the
// node:http request: the same checks, the same forwarder, the same headers, the same access line, without Fastify's
// routing, hooks and reply machinery (~10 % less CPU per read, measured side by side). Everything else (a refusal
// of any kind, a session or counter that needs the database, any other method or path) returns false before
// anything is done or counted, and Fastify answers it as before; proxy/src/routes/fast-read.test.ts sends the same
// requests both ways and compares status, headers, body and access line.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import proxyAddr from '@fastify/proxy-addr';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from '../config';
import { allowedOrigins, corsHeaders } from '../plugins/cors';
import type { AccessFields } from '../plugins/access-log';
import { errorBody, INTERNAL_ERROR } from '../plugins/errors';
import type { ProxyAnswer } from '../plugins/forwarder';
import { rulesFor, type RateLimiter } from '../plugins/rate-limits';
import { roleAtLeast } from '../store/types';
import { upstreamTarget } from './api';
import { parseRawUrl } from './raw-url';
import { OPERATIONS } from './table';

/** Answers `req` and returns true, or returns false having done nothing (Fastify answers it). */
export type FastRead = (req: IncomingMessage, res: ServerResponse) => boolean;

/** The reads, fixed paths before parameterised ones (find-my-way's order: `/numbers/available` is not an id). */
const READS = OPERATIONS.filter((op) => op.kind === 'read' && op.method === 'GET').sort(
  (a, b) => Number(a.routePath.includes(':')) - Number(b.routePath.includes(':')),
);

/** The longest path parameter (app.ts gives Fastify's router the same): Fastify answers a longer one 414. */
export const MAX_PARAM_LENGTH = 100;

/** `app.log.child({ req_id })`, made only if the forwarder logs something for this request (rare: warnings, errors). */
function lazyChild(log: FastifyBaseLogger, id: string): FastifyBaseLogger {
  let child: FastifyBaseLogger | null = null;
  const get = (): FastifyBaseLogger => (child ??= log.child({ req_id: id }));
  return new Proxy({} as FastifyBaseLogger, {
    get(_target, key) {
      const c = get() as unknown as Record<PropertyKey, unknown>;
      const value = c[key];
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(c) : value;
    },
  });
}

/** null when this app cannot take reads here (no staff-access plugin to know sessions by). */
export function createFastRead(
  app: FastifyInstance,
  opts: { config: Config; limiter: RateLimiter | null },
): FastRead | null {
  const sessionUser = app.cachedSessionUser;
  if (!sessionUser) return null;
  const { config, limiter } = opts;
  const security: string[] = [];
  for (const [name, value] of Object.entries(app.securityHeaders)) security.push(name, value);
  const origins = allowedOrigins(config.corsOrigins);
  // Fastify's request.ip: the last untrusted address of X-Forwarded-For when TRUST_PROXY names the proxies.
  const trust = config.trustProxy.length > 0 ? proxyAddr.compile(config.trustProxy) : null;
  const readiness = app.readiness;
  const internalError = {
    status: INTERNAL_ERROR.status,
    headers: { 'x-proxy-error': INTERNAL_ERROR.code, 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(errorBody(INTERNAL_ERROR)),
    proxyError: INTERNAL_ERROR.code,
  };

  function write(
    res: ServerResponse,
    id: string,
    origin: string | undefined,
    answer: Pick<ProxyAnswer, 'status' | 'headers' | 'body' | 'raw'>,
  ): void {
    const headers = ['x-request-id', id, ...security];
    for (const [name, value] of corsHeaders(origins, origin)) headers.push(name, value);
    for (const name in answer.headers) headers.push(name, answer.headers[name]!);
    const body = answer.raw ?? answer.body;
    headers.push('cache-control', 'no-store', 'content-length', String(Buffer.byteLength(body)));
    res.writeHead(answer.status, headers);
    res.end(body);
  }

  return (req, res) => {
    if (req.method !== 'GET') return false;
    const url = req.url;
    if (url === undefined || !url.startsWith('/api/v2') || readiness.shuttingDown) return false;
    const raw = parseRawUrl(url);
    if (!raw.ok) return false;
    let match: RegExpExecArray | null = null;
    let op = READS[0]!;
    for (const candidate of READS) {
      match = candidate.pattern.exec(raw.path);
      if (match) {
        op = candidate;
        break;
      }
    }
    if (!match) return false;
    if (match.groups && Object.values(match.groups).some((v) => v.length > MAX_PARAM_LENGTH)) return false;
    const user = sessionUser(req.headers.cookie);
    if (!user || !roleAtLeast(user.role, op.minRole)) return false;
    const target = upstreamTarget(op, match, raw.query);
    if (!target.ok) return false;
    // Our own limit: counted here only when it is a plain in-memory counter within its limit; a refusal, or a
    // counter in PostgreSQL, is Fastify's (nothing was counted).
    if (limiter && !limiter.hitNow(rulesFor(config.limits, user.id, 'read', op.operationId))) return false;

    // From here on this request is ours.
    const started = performance.now();
    const id = randomUUID();
    const remoteIp = trust ? proxyAddr.all(req, trust).at(-1) : req.socket.remoteAddress;
    const origin = req.headers.origin;
    const log = lazyChild(app.log, id);
    app.flowroute
      .send({ method: 'GET', pathAndQuery: target.pathAndQuery, json: null, kind: 'read', log })
      .catch((err: unknown) => {
        // The forwarder answers every failure itself; this is a bug, answered as errors.ts answers one.
        log.error({ err: { message: (err as Error).message } }, 'unhandled error');
        return null;
      })
      .then((answer) => {
        const sent = answer ?? internalError;
        write(res, id, origin, sent);
        const fields: AccessFields = {
          id,
          userId: user.id,
          method: 'GET',
          route: op.operationId,
          status: sent.status,
          durationMs: performance.now() - started,
          remoteIp,
        };
        if (answer) {
          fields.upstreamStatus = answer.upstreamStatus;
          fields.upstreamMs = answer.upstreamMs;
        }
        if (sent.proxyError) fields.proxyFlag = sent.proxyError;
        app.accessLog(fields);
      });
    return true;
  };
}
