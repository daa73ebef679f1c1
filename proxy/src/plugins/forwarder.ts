// Sends one validated request to Flowroute over a verified, kept-alive undici pool and maps what comes back.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Pool } from 'undici';
import type { Config, UpstreamConfig } from '../config';
import type { ProxyErrorInit } from './errors';

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
}

const USER_AGENT = 'flowroute-ops-dashboard-proxy/0.1';
const ACCEPT = 'application/vnd.api+json, application/json;q=0.9';
/** Response headers a browser may see from Flowroute; everything else (set-cookie, server, www-authenticate…) is dropped. */
const RESPONSE_HEADER_ALLOW = ['content-type', 'retry-after'] as const;

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

  constructor(
    upstream: UpstreamConfig,
    private readonly opts: Pick<Config, 'timeouts' | 'upstreamBodyLimit' | 'upstreamConnections'>,
  ) {
    const url = new URL(upstream.baseUrl);
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.authorization = `Basic ${Buffer.from(`${upstream.accessKey}:${upstream.secretKey}`).toString('base64')}`;
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

  /** Forwards once. Never retries: reads are cheap to repeat by the user, mutations must happen at most once. */
  async send(req: UpstreamRequest): Promise<ProxyAnswer> {
    const deadline = req.kind === 'mutation' ? this.opts.timeouts.mutationMs : this.opts.timeouts.readMs;
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    // Built from scratch: only these headers ever reach Flowroute, so nothing the client sent (Authorization,
    // Cookie, Connection and the headers it names, X-Forwarded-*) can be passed on or strip ours.
    const headers: Record<string, string> = {
      accept: ACCEPT,
      'user-agent': USER_AGENT,
      authorization: this.authorization,
    };
    if (req.json !== null) headers['content-type'] = 'application/json';

    let status: number;
    let resHeaders: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      const res = await this.pool.request({
        method: req.method,
        path: `${this.prefix}${req.pathAndQuery}`,
        headers,
        body: req.json ?? undefined,
        signal: AbortSignal.timeout(deadline),
        headersTimeout: deadline,
        bodyTimeout: deadline,
      });
      status = res.statusCode;
      resHeaders = res.headers;
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > this.opts.upstreamBodyLimit) {
          tooLarge = true;
          res.body.destroy();
          break;
        }
        chunks.push(chunk as Buffer);
      }
      if (tooLarge) {
        req.log.error({ upstream_status: status, bytes: size }, 'Flowroute response larger than the limit');
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
      }
      text = Buffer.concat(chunks).toString('utf8');
    } catch (err) {
      return this.mapTransportError(err, req, elapsed());
    }
    return this.mapResponse(status, resHeaders, text, req, elapsed());
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
    resHeaders: Record<string, string | string[] | undefined>,
    text: string,
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
      const v = resHeaders[name];
      const value = Array.isArray(v) ? v[0] : v;
      if (value === undefined) continue;
      if (name === 'retry-after' && !/^[0-9]{1,6}$/.test(value) && Number.isNaN(Date.parse(value))) continue;
      headers[name] = value;
    }
    if (status === 204 || status === 304 || (text === '' && status >= 400)) {
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
    let valid = /json/i.test(contentType);
    if (valid) {
      try {
        JSON.parse(text);
      } catch {
        valid = false;
      }
    }
    if (!valid) {
      req.log.error(
        { upstream_status: status, content_type: contentType.slice(0, 80), bytes: text.length },
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
    return {
      status,
      headers,
      body: text,
      upstreamStatus: status,
      upstreamMs: ms,
      reached: status === 429 ? 'no' : 'yes',
      proxyError: null,
    };
  }
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
    app.addHook('onClose', async () => forwarder.close());
  },
  { name: 'flowroute-forwarder' },
);
