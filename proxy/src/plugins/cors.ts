// CORS for an SPA hosted on another origin (CORS_ORIGINS): exact-origin allow-list with credentials; off when empty.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { classify } from './static';

const ALLOWED_METHODS = 'GET, POST, PATCH';
const ALLOWED_HEADERS = 'content-type, x-csrf, idempotency-key';
const EXPOSED_HEADERS = 'x-proxy-error, idempotent-replayed, retry-after, x-request-id';

/**
 * The CORS headers of an answer outside the SPA's pages when extra origins are allowed (none when `allowed` is
 * empty: same-origin only, browsers refuse cross-origin reads by default). Fastify's hook below and fast-read.ts.
 */
export function corsHeaders(allowed: ReadonlySet<string>, origin: unknown): [string, string][] {
  if (allowed.size === 0) return [];
  if (typeof origin !== 'string' || !allowed.has(origin.toLowerCase())) return [['vary', 'Origin']];
  return [
    ['vary', 'Origin'],
    ['access-control-allow-origin', origin],
    ['access-control-allow-credentials', 'true'],
    ['access-control-expose-headers', EXPOSED_HEADERS],
  ];
}

export function allowedOrigins(origins: readonly string[]): ReadonlySet<string> {
  return new Set(origins.map((o) => o.toLowerCase()));
}

export default fp(
  async function cors(app: FastifyInstance, opts: { origins: string[] }) {
    if (opts.origins.length === 0) return;
    const allowed = allowedOrigins(opts.origins);
    app.addHook('onRequest', async (request, reply) => {
      if (classify(request.raw.url ?? '/') === 'page') return;
      const headers = corsHeaders(allowed, request.headers.origin);
      for (const [name, value] of headers) reply.header(name, value);
      if (headers.length === 1) return;
      const wanted = request.headers['access-control-request-method'];
      if (request.method === 'OPTIONS' && typeof wanted === 'string') {
        reply.header('access-control-allow-methods', ALLOWED_METHODS);
        reply.header('access-control-allow-headers', ALLOWED_HEADERS);
        reply.header('access-control-max-age', '600');
        return reply.code(204).send();
      }
    });
  },
  { name: 'cors' },
);
