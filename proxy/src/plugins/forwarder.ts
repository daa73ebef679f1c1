// Sends one validated request to Flowroute over a verified, kept-alive undici pool and maps what comes back.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Pool } from 'undici';
import type { Config, UpstreamConfig } from '../config';
import type { ProxyErrorInit } from './errors';
import { isJsonBytes } from './json-check';
import { Bulkhead, CircuitBreaker, jitter, RetryBudget } from './upstream-policy';

export interface UpstreamRequest {
  method: 'GET' | 'POST' | 'PATCH';
  /** Path and query relative to the base URL, built from validated values only (e.g. `/v2/numbers?limit=20`). */
  pathAndQuery: string;
  /** JSON text to send, or null. */
  json: string | null;
  kind: 'read' | 'mutation';
  log: FastifyBaseLogger;
}

/**
 * What to answer the browser. `reached` says whether Flowroute may have acted on it:
 * 'no' = nothing reached Flowroute (or it refused before acting), safe to try again with the same key;
 * 'yes' = Flowroute answered; 'unknown' = sent, but the answer was lost (timeout/reset).
 */
export interface ProxyAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  upstreamStatus: number | null;
  upstreamMs: number;
  reached: 'no' | 'yes' | 'unknown';
  proxyError: string | null;
  /** How many times Flowroute was called for this answer (reads may be retried once; mutations never). */
  attempts?: number;
  /** Mutations being settled (plugins/outcomes.ts): leave the idempotency key claimed; the settler completes it. */
  keepClaim?: boolean;
  /**
   * Reads passed through unchanged: the bytes as received (checked to be JSON), written to the browser as they are;
   * `body` is then decoded from them only when read (bench: decoding and encoding again was ~10% of the proxy's CPU
   * on a 50 KB page of numbers).
   */
  raw?: Buffer;
}

/**
 * A read passed through: `body` is decoded from `raw` only when read. A class with the getter on its prototype, not
 * an object literal with its own getter: with the literal, every read's body buffer was still referenced when the
 * young generation was collected, was promoted, and was only freed by a full mark-compact; the proxy's ArrayBuffer
 * memory grew ~1 KB per small read and V8 ran a full collection for that "external memory pressure" about every
 * 2 s under load (docs/performance.md, change 37).
 */
class ReadAnswer implements ProxyAnswer {
  readonly upstreamStatus: number;
  readonly proxyError = null;
  attempts?: number;
  private text: string | undefined = undefined;

  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly raw: Buffer,
    readonly upstreamMs: number,
    readonly reached: 'no' | 'yes',
  ) {
    this.upstreamStatus = status;
  }

  get body(): string {
    return (this.text ??= this.raw.toString('utf8'));
  }
}

/** Statuses of a read worth one more try (Flowroute or its front door hiccupped). */
const RETRY_STATUSES = new Set([502, 503, 504]);
/** Proxy codes of a read that failed on the connection (before any answer). */
const RETRY_CODES = new Set(['upstream_unreachable', 'upstream_reset']);
/** Longest Retry-After (seconds) a read retry waits for; longer ones are passed to the browser instead. */
const MAX_RETRY_AFTER_S = 2;

export type PolicyOptions = Pick<
  Config,
  'timeouts' | 'upstreamBodyLimit' | 'upstreamConnections' | 'upstreamQueue' | 'breaker' | 'retry'
>;

const USER_AGENT = 'flowroute-ops-dashboard-proxy/0.1';
const ACCEPT = 'application/vnd.api+json, application/json;q=0.9';
/** Response headers a browser may see from Flowroute; everything else (set-cookie, server, www-authenticate…) is dropped. */
const RESPONSE_HEADER_ALLOW = ['content-type', 'retry-after'] as const;
type AllowedHeader = (typeof RESPONSE_HEADER_ALLOW)[number];

/**
 * The allowed headers' first values, read straight off undici's raw list (name, value, name, value…): the same
 * answer as `util.parseHeaders(list)[name]` (first value of a repeated header, latin1), without turning every other
 * header into a string first.
 */
export function pickHeaders(list: ReadonlyArray<Buffer | string>): Partial<Record<AllowedHeader, string>> {
  const found: Partial<Record<AllowedHeader, string>> = {};
  for (let i = 0; i + 1 < list.length; i += 2) {
    const rawName = list[i]!;
    if (rawName.length !== 12 && rawName.length !== 11) continue; // 'content-type', 'retry-after'
    const name = (typeof rawName === 'string' ? rawName : rawName.toString('latin1')).toLowerCase();
    if ((name === 'content-type' || name === 'retry-after') && found[name] === undefined) {
      const value = list[i + 1]!;
      found[name] = typeof value === 'string' ? value : value.toString('latin1');
    }
  }
  return found;
}

const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function isTlsError(code: string | undefined, message: string): boolean {
  if (!code) return /certificate|self[- ]signed|tls/i.test(message);
  return (
    code.startsWith('ERR_TLS') ||
    code.startsWith('ERR_SSL') ||
    code.includes('CERT') ||
    code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ||
    code === 'SELF_SIGNED_CERT_IN_CHAIN' ||
    code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ||
    code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' ||
    code === 'EPROTO'
  );
}

function errorAnswer(
  init: ProxyErrorInit,
  reached: ProxyAnswer['reached'],
  upstreamStatus: number | null,
  upstreamMs: number,
): ProxyAnswer {
  const body = JSON.stringify({
    errors: [{ status: init.status, title: init.title, detail: init.detail, code: init.code }],
  });
  return {
    status: init.status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-proxy-error': init.code },
    body,
    upstreamStatus,
    upstreamMs,
    reached,
    proxyError: init.code,
  };
}

function errorCode(err: unknown): { code: string | undefined; name: string; message: string } {
  const e = err as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
  let code = typeof e.code === 'string' ? e.code : undefined;
  const cause = e.cause as { code?: unknown } | undefined;
  if (code === undefined && cause && typeof cause.code === 'string') code = cause.code;
  return {
    code,
    name: typeof e.name === 'string' ? e.name : 'Error',
    message: typeof e.message === 'string' ? e.message : '',
  };
}

export class FlowrouteForwarder {
  private readonly pool: Pool;
  private readonly prefix: string;
  private readonly authorization: string;
  /** The only headers Flowroute ever gets from us (built once; undici only reads them). */
  private readonly readHeaders: Record<string, string>;
  private readonly mutationHeaders: Record<string, string>;

  readonly breaker: CircuitBreaker;
  readonly bulkhead: Bulkhead;
  readonly retryBudget: RetryBudget;

  constructor(
    upstream: UpstreamConfig,
    private readonly opts: PolicyOptions,
  ) {
    this.breaker = new CircuitBreaker(opts.breaker);
    this.bulkhead = new Bulkhead(opts.upstreamConnections, opts.upstreamQueue);
    this.retryBudget = new RetryBudget(opts.retry.budgetRatio, opts.retry.minPerWindow);
    const url = new URL(upstream.baseUrl);
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.authorization = `Basic ${Buffer.from(`${upstream.accessKey}:${upstream.secretKey}`).toString('base64')}`;
    this.readHeaders = { accept: ACCEPT, 'user-agent': USER_AGENT, authorization: this.authorization };
    this.mutationHeaders = { ...this.readHeaders, 'content-type': 'application/json' };
    this.pool = new Pool(url.origin, {
      connections: opts.upstreamConnections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      connect: { timeout: opts.timeouts.connectMs, rejectUnauthorized: true },
      headersTimeout: opts.timeouts.mutationMs,
      bodyTimeout: opts.timeouts.mutationMs,
    });
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /**
   * Sends one request under the upstream policy: the circuit breaker may refuse it at once (503), at most
   * upstreamConnections are in flight with a bounded queue (503 overloaded past it), and a READ that failed on the
   * connection or got 502/503/504 is tried once more after a jittered pause, within its deadline and the retry
   * budget. A mutation is sent at most once, whatever happens.
   */
  async send(req: UpstreamRequest): Promise<ProxyAnswer> {
    const deadline = req.kind === 'mutation' ? this.opts.timeouts.mutationMs : this.opts.timeouts.readMs;
    const started = performance.now();
    const left = () => Math.floor(deadline - (performance.now() - started));
    const admission = this.breaker.admit(req.kind);
    if (!admission.ok) {
      req.log.warn({ breaker: 'open' }, 'circuit breaker open: request not sent to Flowroute');
      return circuitOpenAnswer(admission.retryAfterMs);
    }
    const slot = this.bulkhead.tryAcquire() || (await this.bulkhead.acquire(Math.max(1, left())));
    if (!slot) {
      if (admission.probe) this.breaker.record(null, true);
      req.log.warn(
        { in_flight: this.bulkhead.inFlight, queued: this.bulkhead.queued },
        'too many requests to Flowroute in flight: request refused',
      );
      return overloadedAnswer();
    }
    try {
      if (req.kind === 'read') this.retryBudget.noteRead();
      let answer = await this.once(req, Math.max(1, left()));
      this.breaker.record(breakerVerdict(answer), admission.probe);
      if (req.kind !== 'read' || !isRetryable(answer)) return withAttempts(answer, 1);
      const retryAfter = Number(answer.headers['retry-after'] ?? '');
      if (Number.isFinite(retryAfter) && retryAfter > MAX_RETRY_AFTER_S) return withAttempts(answer, 1);
      const pause = Math.max(
        jitter(this.opts.retry.backoffMinMs, this.opts.retry.backoffMaxMs),
        Number.isFinite(retryAfter) ? retryAfter * 1000 : 0,
      );
      if (left() < pause + 50 || !this.retryBudget.tryTake()) return withAttempts(answer, 1);
      await new Promise((resolve) => setTimeout(resolve, pause));
      const again = this.breaker.admit('read');
      if (!again.ok) return withAttempts(answer, 1);
      req.log.info(
        { upstream_status: answer.upstreamStatus, proxy_flag: answer.proxyError },
        'retrying read once',
      );
      answer = await this.once(req, Math.max(1, left()));
      this.breaker.record(breakerVerdict(answer), again.probe);
      return withAttempts(answer, 2);
    } finally {
      this.bulkhead.release();
    }
  }

  /**
   * One call to Flowroute, no policy. Dispatched with a plain handler that collects the body chunks (undici's
   * `request()` wraps every answer in a Readable stream and an async iterator, and the deadline in an
   * AbortSignal.timeout; side by side, dropping them cut the CPU per small read by about a third:
   * docs/performance.md). The deadline covers the whole call (queue, connect, headers, body), like the signal did:
   * on expiry the call is aborted with a TimeoutError.
   */
  private once(req: UpstreamRequest, deadline: number): Promise<ProxyAnswer> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    // Built from scratch: only these headers ever reach Flowroute, so nothing the client sent (Authorization,
    // Cookie, Connection and the headers it names, X-Forwarded-*) can be passed on or strip ours.
    const headers = req.json !== null ? this.mutationHeaders : this.readHeaders;
    const limit = this.opts.upstreamBodyLimit;
    return new Promise<ProxyAnswer>((resolve) => {
      let status = 0;
      let rawHeaders: Buffer[] | null = null;
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      let abort: ((err: Error) => void) | null = null;
      let abortReason: Error | null = null;
      let settled = false;
      const settle = (answer: () => ProxyAnswer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        // A throw while mapping must still answer (and free the bulkhead slot), never leave the call hanging.
        let result: ProxyAnswer;
        try {
          result = answer();
        } catch (err) {
          result = this.mapTransportError(err, req, elapsed());
        }
        resolve(result);
      };
      const timer = setTimeout(() => {
        abortReason = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
        if (abort) abort(abortReason);
      }, deadline);
      this.pool.dispatch(
        {
          method: req.method,
          path: `${this.prefix}${req.pathAndQuery}`,
          headers,
          body: req.json ?? null,
          headersTimeout: deadline,
          bodyTimeout: deadline,
        },
        {
          onConnect: (abortCall: (err: Error) => void) => {
            abort = abortCall;
            if (abortReason) abortCall(abortReason);
          },
          onHeaders: (statusCode: number, headerList: Buffer[]) => {
            if (statusCode < 200) return true; // 1xx: the real answer follows
            status = statusCode;
            rawHeaders = headerList;
            return true;
          },
          onData: (chunk: Buffer) => {
            size += chunk.length;
            if (size > limit) {
              if (!tooLarge) {
                tooLarge = true;
                abort?.(new Error('upstream body larger than the limit'));
              }
              return false;
            }
            chunks.push(chunk);
            return true;
          },
          onComplete: () => {
            settle(() =>
              this.mapResponse(
                status,
                pickHeaders(rawHeaders ?? []),
                chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size),
                req,
                elapsed(),
              ),
            );
          },
          onError: (err: Error) => {
            settle(() => {
              if (!tooLarge) return this.mapTransportError(err, req, elapsed());
              req.log.error(
                { upstream_status: status, bytes: size },
                'Flowroute response larger than the limit',
              );
              return errorAnswer(
                {
                  status: 502,
                  code: 'upstream_too_large',
                  title: 'Bad Gateway',
                  detail: 'Flowroute sent a response larger than the proxy accepts.',
                },
                'yes',
                status,
                elapsed(),
              );
            });
          },
        },
      );
    });
  }

  private mapTransportError(err: unknown, req: UpstreamRequest, ms: number): ProxyAnswer {
    const { code, name, message } = errorCode(err);
    const mutation = req.kind === 'mutation';
    if (isTlsError(code, message)) {
      req.log.error(
        { upstream_error: code ?? name },
        'TLS verification of Flowroute failed; nothing was sent',
      );
      return errorAnswer(
        {
          status: 502,
          code: 'upstream_tls',
          title: 'Bad Gateway',
          detail: 'The proxy could not verify Flowroute’s TLS certificate, so nothing was sent.',
        },
        'no',
        null,
        ms,
      );
    }
    if (code !== undefined && NOT_SENT_CODES.has(code)) {
      req.log.error({ upstream_error: code }, 'Flowroute unreachable');
      return errorAnswer(
        {
          status: code === 'UND_ERR_CONNECT_TIMEOUT' ? 504 : 502,
          code: code === 'UND_ERR_CONNECT_TIMEOUT' ? 'upstream_timeout' : 'upstream_unreachable',
          title: code === 'UND_ERR_CONNECT_TIMEOUT' ? 'Gateway Timeout' : 'Bad Gateway',
          detail: 'Flowroute could not be reached; nothing was sent. Try again.',
        },
        'no',
        null,
        ms,
      );
    }
    const timeout =
      name === 'TimeoutError' ||
      name === 'AbortError' ||
      code === 'UND_ERR_HEADERS_TIMEOUT' ||
      code === 'UND_ERR_BODY_TIMEOUT' ||
      code === 'ABORT_ERR';
    req.log.error(
      { upstream_error: code ?? name, timeout },
      timeout ? 'Flowroute did not answer in time' : 'Flowroute connection failed',
    );
    if (mutation) {
      return errorAnswer(
        {
          status: timeout ? 504 : 502,
          code: 'outcome_unknown',
          title: timeout ? 'Gateway Timeout' : 'Bad Gateway',
          detail:
            'The request was sent to Flowroute but no answer came back, so it may or may not have taken effect. Check the current state before trying again.',
        },
        'unknown',
        null,
        ms,
      );
    }
    return errorAnswer(
      timeout
        ? {
            status: 504,
            code: 'upstream_timeout',
            title: 'Gateway Timeout',
            detail: 'Flowroute did not answer in time. Try again.',
          }
        : {
            status: 502,
            code: 'upstream_reset',
            title: 'Bad Gateway',
            detail: 'The connection to Flowroute failed. Try again.',
          },
      'unknown',
      null,
      ms,
    );
  }

  private mapResponse(
    status: number,
    resHeaders: Partial<Record<AllowedHeader, string>>,
    raw: Buffer,
    req: UpstreamRequest,
    ms: number,
  ): ProxyAnswer {
    // Flowroute refusing OUR key must never look like the user's session expiring (which is a 401 to the SPA).
    if (status === 401 || (status === 403 && req.kind === 'read')) {
      req.log.error(
        { upstream_status: status },
        'Flowroute rejected the proxy’s API credentials: check FLOWROUTE_ACCESS_KEY/SECRET_KEY and the key’s expiry',
      );
      return errorAnswer(
        {
          status: 502,
          code: 'upstream_auth',
          title: 'Bad Gateway',
          detail:
            'Flowroute refused the dashboard’s API credentials. An administrator must check the Flowroute API key.',
        },
        'no',
        status,
        ms,
      );
    }
    const headers: Record<string, string> = {};
    for (const name of RESPONSE_HEADER_ALLOW) {
      const value = resHeaders[name];
      if (value === undefined) continue;
      if (name === 'retry-after' && !/^[0-9]{1,6}$/.test(value)) {
        // Passed on in seconds only (what the SPA reads): an HTTP-date becomes the seconds left until then.
        const at = Date.parse(value);
        if (!Number.isNaN(at)) headers[name] = String(Math.max(0, Math.ceil((at - Date.now()) / 1000)));
        continue;
      }
      headers[name] = value;
    }
    if (status === 204 || status === 304 || (raw.length === 0 && status >= 400)) {
      delete headers['content-type'];
      return {
        status,
        headers,
        body: '',
        upstreamStatus: status,
        upstreamMs: ms,
        reached: 'yes',
        proxyError: null,
      };
    }
    const contentType = headers['content-type'] ?? '';
    // Well-formed JSON in UTF-8, checked on the bytes (json-check.ts: the same answers as JSON.parse, in WebAssembly).
    if (!/json/i.test(contentType) || !isJsonBytes(raw)) {
      req.log.error(
        { upstream_status: status, content_type: contentType.slice(0, 80), bytes: raw.length },
        'Flowroute sent a body that is not JSON',
      );
      return errorAnswer(
        {
          status: 502,
          code: 'upstream_malformed',
          title: 'Bad Gateway',
          detail:
            req.kind === 'mutation' && status < 300
              ? 'Flowroute accepted the request but its answer could not be read. Check the current state before trying again.'
              : 'Flowroute sent an answer that could not be read.',
        },
        req.kind === 'mutation' && status >= 500 ? 'unknown' : 'yes',
        status,
        ms,
      );
    }
    const reached = status === 429 ? 'no' : 'yes';
    if (req.kind === 'mutation') {
      return {
        status,
        headers,
        body: raw.toString('utf8'),
        upstreamStatus: status,
        upstreamMs: ms,
        reached,
        proxyError: null,
      };
    }
    // A read is written to the browser as the bytes received (`raw`); the text is decoded only if someone asks
    // (the outcome settler reads it back; the reply never does).
    return new ReadAnswer(status, headers, raw, ms, reached);
  }
}

/** Sets how many calls an answer took (in place: a read's `body` is a lazy getter that a spread would run). */
function withAttempts(answer: ProxyAnswer, attempts: number): ProxyAnswer {
  answer.attempts = attempts;
  return answer;
}

/** success / failure for the circuit breaker; null = says nothing about Flowroute's health. */
function breakerVerdict(answer: ProxyAnswer): boolean | null {
  if (answer.proxyError === 'upstream_auth' || answer.proxyError === 'upstream_too_large') return null;
  if (answer.upstreamStatus === 429) return null;
  if (answer.proxyError !== null) return false; // timeouts, resets, unreachable, TLS, unreadable answers
  return answer.status < 500;
}

function isRetryable(answer: ProxyAnswer): boolean {
  if (answer.proxyError !== null) return RETRY_CODES.has(answer.proxyError);
  return RETRY_STATUSES.has(answer.status);
}

function circuitOpenAnswer(retryAfterMs: number): ProxyAnswer {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const answer = errorAnswer(
    {
      status: 503,
      code: 'upstream_unavailable',
      title: 'Service Unavailable',
      detail: `Flowroute has been failing, so the proxy is pausing requests to it (circuit open). Nothing was sent. Try again in ${seconds} s.`,
    },
    'no',
    null,
    0,
  );
  answer.headers['retry-after'] = String(seconds);
  answer.headers['x-circuit'] = 'open';
  return withAttempts(answer, 0);
}

function overloadedAnswer(): ProxyAnswer {
  const answer = errorAnswer(
    {
      status: 503,
      code: 'overloaded',
      title: 'Service Unavailable',
      detail:
        'Too many requests are waiting for Flowroute right now. Nothing was sent. Try again in a moment.',
    },
    'no',
    null,
    0,
  );
  answer.headers['retry-after'] = '1';
  return withAttempts(answer, 0);
}

declare module 'fastify' {
  interface FastifyInstance {
    flowroute: FlowrouteForwarder;
  }
}

export default fp(
  async function forwarderPlugin(app: FastifyInstance, opts: { config: Config }) {
    const { upstream } = opts.config;
    if (!upstream)
      throw new Error(
        'buildApp needs config.upstream (server.ts fills it in with the emulator in demo mode).',
      );
    const forwarder = new FlowrouteForwarder(upstream, opts.config);
    app.decorate('flowroute', forwarder);
    // R-8: /readyz reports the breaker (from real traffic, never a probe call) and, unless READYZ_BREAKER=report,
    // is not ready while it is open.
    app.readiness?.reports.set('upstream', () => ({ circuit: forwarder.breaker.current }));
    if (opts.config.readyzBreaker !== 'report') {
      app.readiness?.checks.push(() => (forwarder.breaker.current === 'open' ? 'circuit_open' : null));
    }
    app.addHook('onClose', async () => forwarder.close());
  },
  { name: 'flowroute-forwarder' },
);
