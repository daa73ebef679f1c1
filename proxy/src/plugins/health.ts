// Liveness (/livez: the process answers) and readiness (/readyz: this replica can serve) probes.
//
// Readiness depends only on what THIS replica needs to serve: it has started (every plugin loaded: database
// opened and migrated, orphaned intents swept), it is not shutting down, and its database answers. Flowroute is
// deliberately not part of it: a Flowroute outage hits every replica at once, so failing readiness on it would make
// a load balancer drop all of them together — and the replicas still have work to do without Flowroute (the SPA,
// sign-in, the audit log, and the clear "Flowroute unavailable" answers the SPA shows). What other plugins know
// about Flowroute (the circuit breaker) is reported in the /readyz body as information and never fails it.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** How long /readyz waits for the database's `SELECT 1` before it calls the database unreachable. */
export const DATABASE_PING_TIMEOUT_MS = 2_000;

export interface Readiness {
  /** Set by server.ts when shutdown starts, so load balancers stop sending traffic first. */
  shuttingDown: boolean;
  /** Set once the app is ready (all plugins loaded); false while starting. */
  started: boolean;
  /** Wait this long for the database ping (tests shorten it). */
  databaseTimeoutMs: number;
  /**
   * Extra requirements of this replica itself: return a reason when it cannot serve. Never add a check on
   * Flowroute here (see the top of this file): use `reports`.
   */
  checks: (() => string | null | Promise<string | null>)[];
  /** Information shown in the /readyz body under its name (e.g. `upstream`: the circuit breaker); never fails it. */
  reports: Map<string, () => unknown>;
}

declare module 'fastify' {
  interface FastifyInstance {
    readiness: Readiness;
  }
}

type DatabaseState = 'ok' | 'unreachable' | 'none';

export default fp(
  async function health(app: FastifyInstance) {
    const readiness: Readiness = {
      shuttingDown: false,
      started: false,
      databaseTimeoutMs: DATABASE_PING_TIMEOUT_MS,
      checks: [],
      reports: new Map(),
    };
    app.decorate('readiness', readiness);
    app.addHook('onReady', async () => {
      readiness.started = true;
    });
    // While draining, answers close their connection so kept-alive clients cannot hold the shutdown open.
    app.addHook('onSend', async (_request, reply, payload) => {
      if (readiness.shuttingDown) reply.header('connection', 'close');
      return payload;
    });

    // One database ping at a time, shared by concurrent probes: a hanging database must not pile up queries (each
    // would hold a pool connection) just because several load balancers keep asking.
    let ping: Promise<DatabaseState> | null = null;
    const database = (): Promise<DatabaseState> => {
      const db = app.store?.db;
      if (!db) return Promise.resolve('none');
      ping ??= new Promise<DatabaseState>((resolve) => {
        const timer = setTimeout(() => resolve('unreachable'), readiness.databaseTimeoutMs);
        db.query('SELECT 1 AS ok').then(
          () => {
            clearTimeout(timer);
            resolve('ok');
          },
          () => {
            clearTimeout(timer);
            resolve('unreachable');
          },
        );
      }).finally(() => {
        ping = null;
      });
      return ping;
    };

    // Fixed paths with no parameters: they are never a way around auth to anything else, and never call Flowroute.
    app.get('/livez', { exposeHeadRoute: false, logLevel: 'warn' }, async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return { status: 'ok' };
    });
    app.get('/readyz', { exposeHeadRoute: false, logLevel: 'warn' }, async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      const reasons: string[] = [];
      if (!readiness.started) reasons.push('starting');
      if (readiness.shuttingDown) reasons.push('shutting_down');
      const db = await database();
      if (db === 'unreachable') reasons.push('database_unreachable');
      for (const check of readiness.checks) {
        const reason = await check();
        if (reason) reasons.push(reason);
      }
      const info: Record<string, unknown> = {};
      for (const [name, report] of readiness.reports) info[name] = report();
      if (reasons.length > 0) {
        return reply.code(503).send({ status: 'not_ready', reasons, database: db, ...info });
      }
      return { status: 'ready', database: db, ...info };
    });
  },
  { name: 'health' },
);
