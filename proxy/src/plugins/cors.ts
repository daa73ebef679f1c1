// CORS for an SPA hosted on another origin (CORS_ORIGINS): exact-origin allow-list with credentials; off when empty.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { classify } from './static';

const ALLOWED_METHODS = 'GET, POST, PATCH';
const ALLOWED_HEADERS = 'content-type, x-csrf, idempotency-key';
const EXPOSED_HEADERS = 'x-proxy-error, idempotent-replayed, retry-after, x-request-id';

export default fp(
  async function cors(app: FastifyInstance, opts: { origins: string[] }) {
    if (opts.origins.length === 0) return; // same-origin only: browsers refuse cross-origin reads by default
    const allowed = new Set(opts.origins.map((o) => o.toLowerCase()));
    app.addHook('onRequest', async (request, reply) => {
      if (classify(request.raw.url ?? '/') === 'page') return;
      reply.header('vary', 'Origin');
      const origin = request.headers.origin;
      if (typeof origin !== 'string' || !allowed.has(origin.toLowerCase())) return;
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-allow-credentials', 'true');
      reply.header('access-control-expose-headers', EXPOSED_HEADERS);
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
