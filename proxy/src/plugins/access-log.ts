// One structured access-log line per request (route template, status, upstream status/time, proxy flag); no headers.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

function userIdOf(request: FastifyRequest): string | null {
  const user = (request as { user?: { id?: unknown } | null }).user;
  return user && typeof user.id === 'string' ? user.id : null;
}

export default fp(
  async function accessLog(app: FastifyInstance) {
    // Callback-style hooks (like the others on every request): no promise and microtask per hook and request.
    app.addHook('onRequest', (request, reply, done) => {
      reply.header('x-request-id', request.id);
      done();
    });
    app.addHook('onResponse', (request, reply, done) => {
      const template = request.routeOptions.url;
      const line: Record<string, unknown> = {
        user_id: userIdOf(request),
        method: request.method,
        route: request.routeOptions.config.operationId ?? template ?? null,
        status: reply.statusCode,
        duration_ms: Math.round(reply.elapsedTime),
        remote_ip: request.ip,
      };
      if (template === undefined) line.path = (request.raw.url ?? '').split('?')[0]?.slice(0, 200);
      if (request.upstreamStatus !== undefined) line.upstream_status = request.upstreamStatus;
      if (request.upstreamMs !== undefined) line.upstream_ms = request.upstreamMs;
      if (request.proxyFlag !== undefined) line.proxy_flag = request.proxyFlag;
      const level = reply.statusCode >= 500 ? 'error' : 'info';
      // probes would drown the log
      if (template !== '/livez' && template !== '/readyz') request.log[level](line, 'request');
      done();
    });
  },
  { name: 'access-log' },
);
