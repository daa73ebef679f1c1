// Registers each operation of the closed table as its own Fastify route and runs the forwarding pipeline:
// strict URL → signed-in user and role → params/query/body → Idempotency-Key → audit intent → Flowroute → answer.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config';
import { errorBody, sendProxyError, type ProxyErrorInit } from '../plugins/errors';
import type { ProxyAnswer } from '../plugins/forwarder';
import { readIdempotencyKey, requestHash, runIdempotent } from '../plugins/idempotency';
import { outcomeUrl, pendingAnswer, type UnknownCause } from '../plugins/outcomes';
import { rateLimitedError, rulesFor, type RateLimiter } from '../plugins/rate-limits';
import type { ConfirmationStore } from '../store/confirmations';
import { roleAtLeast, type AuditLog, type SessionUser } from '../store/types';
import { parseRawUrl } from './raw-url';
import { checkQuery, OPERATIONS, type FieldProblem, type Operation } from './table';

declare module 'fastify' {
  interface FastifyContextConfig {
    operationId?: string;
  }
  interface FastifyRequest {
    /** Set by the table for the access log. */
    upstreamStatus?: number | null;
    upstreamMs?: number;
  }
}

function problemsError(
  status: number,
  code: string,
  title: string,
  problems: FieldProblem[],
): ProxyErrorInit {
  const [first, ...rest] = problems;
  const src = (p: FieldProblem) =>
    p.pointer !== undefined
      ? { pointer: p.pointer }
      : p.parameter !== undefined
        ? { parameter: p.parameter }
        : undefined;
  return {
    status,
    code,
    title,
    detail: first?.detail ?? title,
    ...(first && src(first) ? { source: src(first) } : {}),
    more: rest.map((p) => ({ detail: p.detail, ...(src(p) ? { source: src(p) } : {}) })),
  };
}

/** Step 3 (also fast-read.ts): the upstream path and query, built from the path params and query this table checked. */
export function upstreamTarget(
  op: Operation,
  match: RegExpExecArray,
  query: Map<string, string>,
): { ok: true; pathAndQuery: string } | { ok: false; error: ProxyErrorInit } {
  const path = op.upstreamPath(match.groups ?? {});
  if (!path.ok)
    return { ok: false, error: problemsError(400, 'invalid_parameter', 'Bad Request', path.problems) };
  const checked = checkQuery(op, query);
  if (!checked.ok)
    return { ok: false, error: problemsError(400, 'invalid_parameter', 'Bad Request', checked.problems) };
  return { ok: true, pathAndQuery: `${path.value}${checked.value}` };
}

function sendAnswer(
  reply: FastifyReply,
  answer: { status: number; headers: Record<string, string>; body: string; raw?: Buffer },
  replayed: boolean,
): FastifyReply {
  reply.code(answer.status);
  const headers = answer.headers;
  for (const name in headers) reply.header(name, headers[name]);
  if (replayed) reply.header('idempotent-replayed', 'true');
  // A read passed through: write the bytes as received (no second UTF-8 encoding of the string).
  if (answer.raw) return reply.send(answer.raw);
  return reply.send(answer.body === '' ? undefined : answer.body);
}

function currentUser(request: FastifyRequest): SessionUser | null {
  return (request as { user?: SessionUser | null }).user ?? null;
}

export interface ApiRoutesOptions {
  config: Config;
  audit: AuditLog | null;
  /** Our own per-user and daily limits; null = none. */
  limiter?: RateLimiter | null;
}

export async function apiRoutes(app: FastifyInstance, opts: ApiRoutesOptions): Promise<void> {
  for (const op of OPERATIONS) {
    app.route({
      method: op.method,
      url: op.routePath,
      exposeHeadRoute: false,
      bodyLimit: opts.config.apiBodyLimit,
      config: { operationId: op.operationId },
      handler: (request, reply) => handle(app, op, opts, request, reply),
    });
  }
}

async function handle(
  app: FastifyInstance,
  op: Operation,
  opts: ApiRoutesOptions,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  // 1. Fastify has already decoded and matched the URL; re-check the RAW one strictly so that what reaches
  //    Flowroute is built only from values this table validated (no %2f, .., //, ;, # or smuggled query).
  const raw = parseRawUrl(request.raw.url ?? '');
  if (!raw.ok) {
    return sendProxyError(reply, {
      status: 400,
      code: 'invalid_path',
      title: 'Bad Request',
      detail: raw.detail,
      ...(raw.parameter ? { source: { parameter: raw.parameter } } : {}),
    });
  }
  const match = op.pattern.exec(raw.path);
  if (!match)
    return sendProxyError(reply, {
      status: 404,
      code: 'not_found',
      title: 'Not Found',
      detail: 'No such API operation.',
    });

  // 2. Who is asking (the auth plugin attaches request.user; without it every call is refused).
  const user = currentUser(request);
  if (!user)
    return sendProxyError(reply, {
      status: 401,
      code: 'unauthenticated',
      title: 'Unauthorized',
      detail: 'Sign in to use the dashboard.',
    });
  if (!roleAtLeast(user.role, op.minRole)) {
    return sendProxyError(reply, {
      status: 403,
      code: 'forbidden_role',
      title: 'Forbidden',
      detail: `This needs the ${op.minRole} role; you are ${user.role}.`,
    });
  }

  // 3. Path params, query, body.
  const upstream = upstreamTarget(op, match, raw.query);
  if (!upstream.ok) return sendProxyError(reply, upstream.error);
  const pathAndQuery = upstream.pathAndQuery;

  if (op.kind === 'read') {
    // Our own limit: refused before anything is sent. (Not awaited when it is already known: one microtask less.)
    const check = checkLimits(opts, user.id, op);
    const limited = check instanceof Promise ? await check : check;
    if (limited) {
      reply.header('retry-after', limited.retryAfter);
      return sendProxyError(reply, limited.error);
    }
    const answer = await app.flowroute.send({
      method: op.method,
      pathAndQuery,
      json: null,
      kind: 'read',
      log: request.log,
    });
    note(request, answer);
    return sendAnswer(reply, answer, false);
  }

  if (!op.body) throw new Error(`mutation ${op.operationId} has no body validator`);
  // JSON only (S-7 c): Fastify would parse text/plain into a string; refuse any other media type outright.
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (
    mediaType !== 'application/json' &&
    mediaType !== 'application/vnd.api+json' &&
    !(mediaType === '' && request.body === undefined)
  ) {
    return sendProxyError(reply, {
      status: 415,
      code: 'unsupported_media_type',
      title: 'Unsupported Media Type',
      detail: 'Send the body as application/json or application/vnd.api+json.',
    });
  }
  const body = op.body(request.body);
  if (!body.ok)
    return sendProxyError(reply, problemsError(422, 'invalid_body', 'Unprocessable Entity', body.problems));

  // 4. Idempotency: at most one upstream call per (user, key).
  const key = readIdempotencyKey(request);
  if (!key.ok) return sendProxyError(reply, key.error);
  const hash = requestHash(op.operationId, op.method, pathAndQuery, body.value.json);
  const target = body.value.target ?? (match.groups?.id || match.groups?.number_id || null);

  const outcome = await runIdempotent(
    app.idempotency,
    { key: key.key, userId: user.id, operation: op.operationId, requestHash: hash },
    async () => {
      // 4a. Our own limits, after the key is claimed so a replay or a 409 never uses up the budget.
      const limited = await checkLimits(opts, user.id, op);
      if (limited) return limitedAnswer(limited);
      // 4b. Spending money (S-13): a single-use X-Confirmation token from POST /auth/confirmations, when required.
      let summary = body.value.summary;
      const confirmations = app.hasDecorator('purchaseConfirmation') ? app.purchaseConfirmation : null;
      if (confirmations && op.operationId === 'purchaseNumber') {
        const checked = await checkConfirmation(
          confirmations,
          request,
          user.id,
          op.operationId,
          target ?? '',
        );
        if (!checked.ok) return checked.answer;
        summary = { ...summary, confirmed: checked.details };
      }
      // 5. Audit intent before Flowroute sees anything; if it cannot be written, nothing is sent (fail closed).
      let intentId: string | null = null;
      if (opts.audit) {
        try {
          intentId = await opts.audit.intent({
            userId: user.id,
            username: user.username,
            role: user.role,
            sourceIp: request.ip,
            operation: op.operationId,
            target,
            summary,
            idempotencyKey: key.key,
          });
        } catch (err) {
          request.log.error(
            { err: { message: (err as Error).message } },
            'audit intent could not be written; refusing the change',
          );
          return auditUnavailable();
        }
      }
      const started = Date.now();
      const answer = await app.flowroute.send({
        method: op.method,
        pathAndQuery,
        json: body.value.json,
        kind: 'mutation',
        log: request.log,
      });
      // 6. Unknown outcome (I-3): sent, but the answer was lost, unreadable or a 5xx. Never retried: the proxy reads
      //    Flowroute back in the background and records the true outcome then (plugins/outcomes.ts). The key stays
      //    claimed meanwhile, and the browser polls X-Outcome-Url.
      const cause = unknownCause(answer);
      if (cause !== null) {
        const job = {
          userId: user.id,
          username: user.username,
          key: key.key,
          operation: op.operationId,
          pathAndQuery,
          json: body.value.json,
          target,
          intentId,
          cause,
          firstProblem: answer.proxyError ?? `HTTP ${answer.status}`,
          sentAt: started,
          lostAt: Date.now(),
        };
        request.log.warn(
          { operation: op.operationId, cause, upstream_status: answer.upstreamStatus },
          'mutation outcome unknown: settling it by reading Flowroute back',
        );
        await app.outcomes.start(job);
        const pending = pendingAnswer(job, answer.status === 504 ? 504 : 502, answer.upstreamStatus);
        return { ...pending, upstreamMs: answer.upstreamMs, keepClaim: true };
      }
      if (opts.audit && intentId !== null) {
        await opts.audit
          .outcome(intentId, {
            status: answer.status,
            flowrouteId: flowrouteIdOf(answer),
            durationMs: Date.now() - started,
            result:
              answer.reached === 'unknown'
                ? 'unknown'
                : answer.status < 400
                  ? 'ok'
                  : answer.reached === 'no'
                    ? 'failed'
                    : 'rejected',
            ...(answer.proxyError ? { detail: answer.proxyError } : {}),
          })
          .catch((err: unknown) =>
            request.log.error(
              { err: { message: (err as Error).message } },
              'audit outcome could not be written',
            ),
          );
      }
      return answer;
    },
    request.log,
  );
  if (outcome.kind === 'refused') {
    // In flight because the replica checking the first attempt's outcome was killed: settle it by reading Flowroute
    // back now and answer with that (plugins/outcomes.ts resumeAbandoned); nothing is forwarded.
    const resumed =
      outcome.error.status === 409
        ? await app.outcomes
            .resumeAbandoned({ userId: user.id, key: key.key, pathAndQuery, json: body.value.json })
            .catch(() => null)
        : null;
    if (resumed) {
      request.proxyFlag = resumed.replayed
        ? 'replayed'
        : (resumed.response.headers['x-proxy-error'] ?? 'outcome_unknown');
      return sendAnswer(reply, resumed.response, resumed.replayed);
    }
    // Still checking an earlier attempt with this key: say where its outcome will appear.
    if (
      outcome.error.status === 409 &&
      (await app.outcomes.lookup(user.id, key.key).catch(() => null))?.state === 'checking'
    ) {
      reply.header('x-outcome-check', 'pending').header('x-outcome-url', outcomeUrl(key.key));
    }
    return sendProxyError(reply, outcome.error);
  }
  if (outcome.kind === 'replay') {
    request.proxyFlag = 'replayed';
    return sendAnswer(reply, outcome.response, true);
  }
  note(request, outcome.answer);
  return sendAnswer(reply, outcome.answer, false);
}

/** Consumes the request's X-Confirmation token; a refusal is an answer that never reached Flowroute. */
async function checkConfirmation(
  store: ConfirmationStore,
  request: FastifyRequest,
  userId: string,
  action: string,
  target: string,
): Promise<{ ok: true; details: Record<string, unknown> } | { ok: false; answer: ProxyAnswer }> {
  const token = request.headers['x-confirmation'];
  const result =
    typeof token === 'string' && token !== ''
      ? await store.consume({ userId, action, target, token })
      : ({ ok: false, reason: 'missing' } as const);
  if (result.ok) return result;
  const [status, code, detail] =
    result.reason === 'missing'
      ? [428, 'confirmation_required', 'Confirm the purchase first (the X-Confirmation header is missing).']
      : result.reason === 'used'
        ? [409, 'confirmation_used', 'This confirmation was already used. Confirm again.']
        : result.reason === 'expired'
          ? [409, 'confirmation_expired', 'The confirmation expired (5 minutes). Confirm again.']
          : [403, 'confirmation_invalid', 'The confirmation does not match this purchase. Confirm again.'];
  const init = {
    status,
    code,
    title: status === 428 ? 'Precondition Required' : status === 409 ? 'Conflict' : 'Forbidden',
    detail,
  };
  return {
    ok: false,
    answer: {
      status,
      headers: { 'content-type': 'application/json; charset=utf-8', 'x-proxy-error': code },
      body: JSON.stringify({ errors: [init] }),
      upstreamStatus: null,
      upstreamMs: 0,
      reached: 'no',
      proxyError: code,
    },
  };
}

/** Why a mutation's outcome is unknown, or null when Flowroute's answer says what happened. */
function unknownCause(answer: ProxyAnswer): UnknownCause | null {
  if (answer.reached === 'unknown') return 'lost';
  if (answer.reached === 'no') return null;
  if (answer.proxyError === null && answer.status >= 500) return 'upstream_5xx';
  if (answer.proxyError === 'upstream_malformed' && (answer.upstreamStatus ?? 500) < 300) return 'unreadable';
  return null;
}

interface Limited {
  retryAfter: string;
  error: ReturnType<typeof rateLimitedError>;
}

/** null = within every limit. A plain value when the counters are in memory (a read's hot path), else a promise. */
function checkLimits(
  opts: ApiRoutesOptions,
  userId: string,
  op: Operation,
): Limited | null | Promise<Limited | null> {
  if (!opts.limiter) return null;
  const rules = rulesFor(opts.config.limits, userId, op.kind, op.operationId);
  if (opts.limiter.hitNow(rules)) return null;
  return opts.limiter
    .hitCounted(rules)
    .then((result) =>
      result.ok ? null : { retryAfter: String(result.retryAfterS), error: rateLimitedError(result) },
    );
}

function limitedAnswer(limited: Limited): ProxyAnswer {
  return {
    status: 429,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'x-proxy-error': 'rate_limited',
      'retry-after': limited.retryAfter,
    },
    body: JSON.stringify(errorBody(limited.error)),
    upstreamStatus: null,
    upstreamMs: 0,
    reached: 'no',
    proxyError: 'rate_limited',
  };
}

function auditUnavailable(): ProxyAnswer {
  const init = {
    status: 503,
    code: 'audit_unavailable',
    title: 'Service Unavailable',
    detail: 'The change was not sent because the audit log could not be written. Try again shortly.',
  };
  return {
    status: 503,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-proxy-error': init.code },
    body: JSON.stringify({ errors: [init] }),
    upstreamStatus: null,
    upstreamMs: 0,
    reached: 'no',
    proxyError: init.code,
  };
}

function note(request: FastifyRequest, answer: ProxyAnswer): void {
  request.upstreamStatus = answer.upstreamStatus;
  request.upstreamMs = answer.upstreamMs;
  if (answer.proxyError) request.proxyFlag = answer.proxyError;
}

/** The id Flowroute gave the created thing (mdr2- id, route id, number), for the audit outcome. */
function flowrouteIdOf(answer: ProxyAnswer): string | null {
  if (answer.status >= 300 || answer.body === '') return null;
  try {
    const doc = JSON.parse(answer.body) as { data?: { id?: unknown } };
    return typeof doc.data?.id === 'string' ? doc.data.id : null;
  } catch {
    return null;
  }
}
