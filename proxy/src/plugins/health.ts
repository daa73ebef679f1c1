// Liveness (/livez: the process answers) and readiness (/readyz: configured and not shutting down) probes.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface Readiness {
  /** Set by server.ts when shutdown starts, so load balancers stop sending traffic first. */
  shuttingDown: boolean;
  /** Extra checks other plugins may add (e.g. a circuit breaker): return a reason when not ready. */
  checks: (() => string | null)[];
}

declare module 'fastify' {
  interface FastifyInstance {
    readiness: Readiness;
  }
}

export default fp(
  async function health(app: FastifyInstance) {
    const readiness: Readiness = { shuttingDown: false, checks: [] };
    app.decorate('readiness', readiness);
    // While draining, answers close their connection so kept-alive clients cannot hold the shutdown open.
    app.addHook('onSend', async (_request, reply, payload) => {
      if (readiness.shuttingDown) reply.header('connection', 'close');
      return payload;
    });
    // Fixed paths with no parameters: they are never a way around auth to anything else, and never call Flowroute.
    app.get('/livez', { exposeHeadRoute: false, logLevel: 'warn' }, async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return { status: 'ok' };
    });
    app.get('/readyz', { exposeHeadRoute: false, logLevel: 'warn' }, async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      const reasons: string[] = [];
      if (readiness.shuttingDown) reasons.push('shutting_down');
      for (const check of readiness.checks) {
        const reason = check();
        if (reason) reasons.push(reason);
      }
      if (reasons.length > 0) return reply.code(503).send({ status: 'not_ready', reasons });
      return { status: 'ready' };
    });
  },
  { name: 'health' },
);
