// The proxy's own endpoints about unknown outcomes (I-3). They are NOT part of the Flowroute mapping (every
// Flowroute path under /api starts with /api/v2): nothing here is ever forwarded.
//   GET /api/outcomes/:key   (signed in; own keys only) → {outcome: {state, operation, target, detail, since,
//                            settledAt, checks, answer?}}; state = checking | applied | not_applied | flagged.
//                            `answer` is what a retry with the key now gets ({status, headers, body}), once settled.
//                            Any replica answers: this process's own checks from memory, the others' from the
//                            database (outcome_checks), so a browser polling through a load balancer gets the real
//                            state wherever the change was made.
//   GET /admin/outcomes      (admin) → {items}: changes still being checked or flagged for an operator, in the same
//                            state the poll shows: this process's own checks from memory, every other replica's
//                            from outcome_checks (a row left "checking" by a killed replica is flagged, as in the
//                            poll), and, from the audit log, intents whose latest outcome is "unknown" that never
//                            reached a check (a proxy killed between sending and answering) — flagged.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendProxyError } from '../plugins/errors';
import { viewOfEntry, viewOfRecord } from '../plugins/outcomes';
import { DbOutcomeStore } from '../store/outcomes';
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
  opts: { audit: unknown; settleDeadlineMs?: number },
): Promise<void> {
  // The records every replica writes (with a database); app.store is decorated by app.ts.
  const db = app.hasDecorator('store') ? app.store?.db : null;
  const records = db ? new DbOutcomeStore(db) : null;
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
      const seenIntents = new Set<string>();
      const add = (userId: string, key: string, intentId: string | null, item: Record<string, unknown>) => {
        seenKeys.add(`${userId}\u0000${key}`);
        if (intentId !== null) seenIntents.add(intentId);
        items.push(item);
      };
      for (const e of app.outcomes.unsettled()) {
        add(e.job.userId, e.job.key, e.job.intentId, {
          id: e.job.intentId ?? `key:${e.job.key}`,
          source: 'proxy',
          actor: e.job.username,
          idempotencyKey: e.job.key,
          ...viewOfEntry(e),
        });
      }
      if (records) {
        const now = Date.now();
        for (const r of await records.unsettled()) {
          if (seenKeys.has(`${r.userId}\u0000${r.key}`)) continue;
          const own = app.outcomes.get(r.userId, r.key);
          if (own) {
            // Settled here a moment ago (the row lags behind this process's memory): the poll says settled too.
            if (r.intentId !== null) seenIntents.add(r.intentId);
            continue;
          }
          const { answer: _answer, ...view } = viewOfRecord(r, now);
          add(r.userId, r.key, r.intentId, {
            id: r.intentId ?? `key:${r.key}`,
            source: 'proxy',
            actor: r.username,
            idempotencyKey: r.key,
            ...view,
          });
        }
      }
      if (lister) {
        const candidates: { id: string; item: Record<string, unknown> }[] = [];
        let offset = 0;
        for (let page = 0; page < 5; page++) {
          const { items: rows, nextOffset } = await lister.list({ result: 'unknown', limit: 200, offset });
          for (const r of rows) {
            if (seenIntents.has(r.id)) continue;
            candidates.push({
              id: r.id,
              item: {
                id: r.id,
                source: 'audit',
                // Its latest outcome is "unknown" and no replica is checking it: nobody will settle it by itself.
                state: 'flagged',
                operation: r.action,
                target: r.target,
                actor: r.actor,
                idempotencyKey: r.idempotencyKey,
                detail: r.outcome?.detail ?? 'No outcome was recorded.',
                since: r.outcome?.ts ?? r.ts,
                settledAt: null,
              },
            });
          }
          if (nextOffset === null) break;
          offset = nextOffset;
        }
        // An intent with a check record is shown as that record says (above), or not at all once it was settled.
        const checked = records
          ? await records.intentsWithRecords(candidates.map((c) => c.id))
          : new Set<string>();
        for (const c of candidates) if (!checked.has(c.id)) items.push(c.item);
      }
      items.sort((a, b) => String(b.since).localeCompare(String(a.since)));
      return { items };
    },
  );
}
