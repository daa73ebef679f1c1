// The proxy's own endpoints about unknown outcomes (I-3). They are NOT part of the Flowroute mapping (every
// Flowroute path under /api starts with /api/v2): nothing here is ever forwarded.
//   GET /api/outcomes/:key   (signed in; own keys only) → {outcome: {state, operation, target, detail, since,
//                            settledAt, checks, answer?}}; state = checking | applied | not_applied | flagged.
//                            `answer` is what a retry with the key now gets ({status, headers, body}), once settled.
//                            Any replica answers: this process's own checks from memory, the others' from the
//                            database (outcome_checks), so a browser polling through a load balancer gets the real
//                            state wherever the change was made.
//   GET /admin/outcomes      (admin) → {items}: changes still being checked or flagged for an operator, from this
//                            process and (with a database) from the audit log: intents whose latest outcome is
//                            "unknown" (including those of a proxy that was killed mid-request).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendProxyError } from '../plugins/errors';
import { viewOfEntry } from '../plugins/outcomes';
import { roleAtLeast, type SessionUser } from '../store/types';

interface AuditLister {
  list(q: { result?: string; limit?: number; offset?: number }): Promise<{
    items: {
      id: string;
      ts: string;
      action: string;
      target: string | null;
      actor: string | null;
      idempotencyKey: string | null;
      outcome: { ts: string; detail: string | null } | null;
    }[];
    nextOffset: number | null;
  }>;
}

function userOf(request: FastifyRequest): SessionUser | null {
  return (request as { user?: SessionUser | null }).user ?? null;
}

function unauthenticated(reply: FastifyReply) {
  return sendProxyError(reply, {
    status: 401,
    code: 'unauthenticated',
    title: 'Unauthorized',
    detail: 'Sign in to use the dashboard.',
  });
}

const KEY = /^[\x21-\x7e]{1,255}$/;

export async function outcomeRoutes(
  app: FastifyInstance,
  opts: { audit: unknown; settleDeadlineMs: number },
): Promise<void> {
  const lister =
    opts.audit && typeof (opts.audit as { list?: unknown }).list === 'function'
      ? (opts.audit as AuditLister)
      : null;

  app.get<{ Params: { key: string } }>(
    '/api/outcomes/:key',
    { exposeHeadRoute: false, config: { operationId: 'outcomeStatus' } },
    async (request, reply) => {
      const user = userOf(request);
      if (!user) return unauthenticated(reply);
      reply.header('cache-control', 'no-store');
      const key = request.params.key;
      let outcome;
      try {
        outcome = KEY.test(key) ? await app.outcomes.lookup(user.id, key) : null;
      } catch (err) {
        request.log.error({ err: { message: (err as Error).message } }, 'outcome lookup failed');
        return sendProxyError(reply, {
          status: 503,
          code: 'store_unavailable',
          title: 'Service Unavailable',
          detail: 'The proxy’s database cannot be reached to look this change up. Try again shortly.',
        });
      }
      if (!outcome) {
        return sendProxyError(reply, {
          status: 404,
          code: 'not_found',
          title: 'Not Found',
          detail:
            'No change with an unknown outcome is known for this key (it may have been settled long ago).',
          source: { parameter: 'key' },
        });
      }
      return { outcome };
    },
  );

  app.get<{ Querystring: { limit?: string } }>(
    '/admin/outcomes',
    { exposeHeadRoute: false },
    async (request, reply) => {
      const user = userOf(request);
      if (!user) return unauthenticated(reply);
      if (!roleAtLeast(user.role, 'admin')) {
        return sendProxyError(reply, {
          status: 403,
          code: 'forbidden_role',
          title: 'Forbidden',
          detail: `This needs the admin role; you are ${user.role}.`,
        });
      }
      reply.header('cache-control', 'no-store');
      const items: Record<string, unknown>[] = [];
      const seenKeys = new Set<string>();
      for (const e of app.outcomes.unsettled()) {
        seenKeys.add(`${e.job.userId}\u0000${e.job.key}`);
        items.push({
          id: e.job.intentId ?? `key:${e.job.key}`,
          source: 'proxy',
          actor: e.job.username,
          idempotencyKey: e.job.key,
          ...viewOfEntry(e),
        });
      }
      if (lister) {
        const now = Date.now();
        let offset = 0;
        for (let page = 0; page < 5; page++) {
          const { items: rows, nextOffset } = await lister.list({ result: 'unknown', limit: 200, offset });
          for (const r of rows) {
            if (items.some((i) => i.id === r.id)) continue;
            const since = r.outcome?.ts ?? r.ts;
            items.push({
              id: r.id,
              source: 'audit',
              state: now - new Date(r.ts).getTime() < opts.settleDeadlineMs + 5_000 ? 'checking' : 'flagged',
              operation: r.action,
              target: r.target,
              actor: r.actor,
              idempotencyKey: r.idempotencyKey,
              detail: r.outcome?.detail ?? 'No outcome was recorded.',
              since,
              settledAt: null,
            });
          }
          if (nextOffset === null) break;
          offset = nextOffset;
        }
      }
      items.sort((a, b) => String(b.since).localeCompare(String(a.since)));
      return { items };
    },
  );
}
