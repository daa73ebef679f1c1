// Decorates `app.audit` (the AuditLog the route table writes intents and outcomes to, plus events and queries),
// and at start-up gives every intent left without an outcome by a killed process the outcome "unknown".
// Housekeeping runs every minute: the same orphan check (PostgreSQL: other replicas may die), and purging expired
// sessions, idempotency records and sign-in counters.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Store } from '../store';
import type { AuditStore } from '../store/audit';

declare module 'fastify' {
  interface FastifyInstance {
    audit: AuditStore;
  }
}

export interface AuditPluginOptions {
  store: Store;
  /** Housekeeping period; 0 = off (tests). Default 60 s. */
  housekeepingMs?: number;
}

export default fp(
  async function auditPlugin(app: FastifyInstance, opts: AuditPluginOptions) {
    const { store } = opts;
    app.decorate('audit', store.audit);

    const sweep = async () => {
      const marked = await store.audit.markOrphans();
      if (marked > 0) {
        app.log.warn(
          { marked },
          'audit: mutations whose proxy stopped between intent and outcome were marked "unknown"; check them in Flowroute',
        );
      }
    };
    const housekeeping = async () => {
      try {
        await sweep();
        await store.sessions.purgeExpired();
        await store.idempotency.purgeExpired();
        await store.confirmations.purgeExpired();
        await store.throttle.purgeExpired(24 * 3_600_000);
      } catch (err) {
        app.log.error({ err: { message: (err as Error).message } }, 'audit/session housekeeping failed');
      }
    };

    await store.audit.start();
    await sweep();

    const every = opts.housekeepingMs ?? 60_000;
    let timer: NodeJS.Timeout | null = null;
    if (every > 0) {
      timer = setInterval(() => void housekeeping(), every);
      timer.unref();
    }
    app.addHook('onClose', async () => {
      if (timer) clearInterval(timer);
    });
  },
  { name: 'audit', fastify: '5.x' },
);
