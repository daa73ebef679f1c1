// The audit log: append-only rows in one hash chain. Each row stores prev_hash (the previous row's hash) and
// hash = sha256(prev_hash + canonical(row)), so an edited, inserted or deleted row breaks the chain at that point
// (`npm run audit:verify`). Mutations write an intent row before forwarding and an outcome row after; sign-ins,
// failures, logouts and account changes are single event rows.
import { createHash, randomUUID } from 'node:crypto';
import type { Db, Queryable } from './db';
import type { AuditIntent, AuditLog, AuditOutcome, Role } from './types';

export const GENESIS_HASH = '0'.repeat(64);
const AUDIT_LOCK = 0x0f1002; // advisory lock id serializing appends (one chain across replicas)

export type AuditKind = 'intent' | 'outcome' | 'event';

/** Everything that goes into the hash, in a fixed order. */
export interface AuditRow {
  id: string;
  ts: string; // ISO 8601 UTC, ms precision
  kind: AuditKind;
  refId: string | null; // outcome → its intent
  actorId: string | null;
  actor: string | null;
  role: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  sessionHash: string | null;
  action: string;
  target: string | null;
  summary: Record<string, unknown>;
  idempotencyKey: string | null;
  status: number | null;
  flowrouteId: string | null;
  durationMs: number | null;
  result: string | null;
  detail: string | null;
  instanceId: string | null;
}

export interface AuditRecord extends AuditRow {
  seq: number;
  prevHash: string;
  hash: string;
}

export interface AuditEntry extends AuditRecord {
  /** For intents: the latest outcome row, or null while none is written. */
  outcome: AuditRecord | null;
}

export interface AuditEventInput {
  action: string; // e.g. auth.login, auth.fail, auth.logout, user.create, user.role
  actorId?: string | null;
  actor?: string | null;
  role?: Role | null;
  sourceIp?: string | null;
  userAgent?: string | null;
  sessionHash?: string | null;
  target?: string | null;
  summary?: Record<string, unknown>;
  status?: number | null;
  result: 'ok' | 'failed' | 'rejected';
  detail?: string | null;
}

export interface AuditQuery {
  who?: string | undefined; // username (exact, case-insensitive)
  what?: string | undefined; // action, exact, or a prefix ending in '*' (e.g. 'auth.*')
  from?: string | undefined; // ISO date-time, inclusive
  to?: string | undefined; // ISO date-time, exclusive
  number?: string | undefined; // target (number, route id, message id)
  ip?: string | undefined;
  result?: string | undefined; // outcome result of intents / result of events, e.g. 'unknown'
  limit?: number | undefined;
  offset?: number | undefined;
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  firstBroken?: { seq: number; id: string; reason: 'hash_mismatch' | 'chain_break' };
}

/** Deterministic JSON: object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export function canonicalRow(r: AuditRow): string {
  return canonicalJson([
    r.id,
    r.ts,
    r.kind,
    r.refId,
    r.actorId,
    r.actor,
    r.role,
    r.sourceIp,
    r.userAgent,
    r.sessionHash,
    r.action,
    r.target,
    r.summary,
    r.idempotencyKey,
    r.status,
    r.flowrouteId,
    r.durationMs,
    r.result,
    r.detail,
    r.instanceId,
  ]);
}

export function rowHash(prevHash: string, r: AuditRow): string {
  return createHash('sha256').update(prevHash).update(canonicalRow(r)).digest('hex');
}

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

/** PostgreSQL text cannot hold NUL; long values are cut. Other control characters are kept (JSON/CSV escape them). */
function cleanString(s: string, max = 2000): string {
  const out = s.replaceAll(String.fromCharCode(0), '\uFFFD');
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

const MESSAGE_TEXT_KEYS = new Set(['body', 'text']);

/**
 * Makes a request summary safe to store: message text becomes {sha256, length} unless storeMessageText, strings are
 * cleaned and cut, depth and size are bounded, and secret-looking keys are dropped.
 */
export function sanitizeSummary(value: unknown, storeMessageText: boolean, depth = 0): unknown {
  if (depth > 6) return '[depth]';
  if (typeof value === 'string') return cleanString(value, 1000);
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value === null || typeof value === 'boolean') return value;
  if (Array.isArray(value))
    return value.slice(0, 100).map((v) => sanitizeSummary(v, storeMessageText, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>).slice(0, 100)) {
      if (/password|secret|authorization|cookie|token/i.test(k)) continue;
      if (MESSAGE_TEXT_KEYS.has(k) && typeof v === 'string' && !storeMessageText) {
        out[k] = { sha256: sha256Hex(v), length: [...v].length };
      } else {
        out[cleanString(k, 100)] = sanitizeSummary(v, storeMessageText, depth + 1);
      }
    }
    return out;
  }
  return String(value);
}

interface DbRow {
  seq: number;
  id: string;
  ts: Date;
  kind: AuditKind;
  ref_id: string | null;
  actor_id: string | null;
  actor: string | null;
  role: string | null;
  source_ip: string | null;
  user_agent: string | null;
  session_hash: string | null;
  action: string;
  target: string | null;
  summary: Record<string, unknown> | string;
  idempotency_key: string | null;
  status: number | null;
  flowroute_id: string | null;
  duration_ms: number | null;
  result: string | null;
  detail: string | null;
  instance_id: string | null;
  prev_hash: string;
  hash: string;
}

function fromDb(r: DbRow): AuditRecord {
  return {
    seq: Number(r.seq),
    id: r.id,
    ts: new Date(r.ts).toISOString(),
    kind: r.kind,
    refId: r.ref_id,
    actorId: r.actor_id,
    actor: r.actor,
    role: r.role,
    sourceIp: r.source_ip,
    userAgent: r.user_agent,
    sessionHash: r.session_hash,
    action: r.action,
    target: r.target,
    summary: typeof r.summary === 'string' ? (JSON.parse(r.summary) as Record<string, unknown>) : r.summary,
    idempotencyKey: r.idempotency_key,
    status: r.status === null ? null : Number(r.status),
    flowrouteId: r.flowroute_id,
    durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
    result: r.result,
    detail: r.detail,
    instanceId: r.instance_id,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

const COLUMNS =
  'seq, id, ts, kind, ref_id, actor_id, actor, role, source_ip, user_agent, session_hash, action, target, summary, ' +
  'idempotency_key, status, flowroute_id, duration_ms, result, detail, instance_id, prev_hash, hash';

/** What a retry with the key of a mutation whose outcome is unknown gets (replayed, never sent again). */
export const OUTCOME_UNKNOWN = {
  headers: { 'content-type': 'application/json; charset=utf-8', 'x-proxy-error': 'outcome_unknown' },
  body: JSON.stringify({
    errors: [
      {
        status: 502,
        title: 'Bad Gateway',
        detail:
          'The proxy stopped while this change was on its way to Flowroute, so whether it happened is unknown. ' +
          'Check Flowroute (e.g. the number or route) before trying again with a new action.',
        code: 'outcome_unknown',
      },
    ],
  }),
};

export function instanceLockKey(instanceId: string): number {
  return createHash('sha256').update(instanceId).digest().readInt32BE(0);
}

export interface AuditStoreOptions {
  storeMessageText?: boolean;
  instanceId?: string;
  now?: () => number;
}

export class AuditStore implements AuditLog {
  readonly instanceId: string;
  private readonly storeMessageText: boolean;
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    options: AuditStoreOptions = {},
  ) {
    this.instanceId = options.instanceId ?? randomUUID();
    this.storeMessageText = options.storeMessageText ?? false;
    this.now = options.now ?? (() => Date.now());
  }

  /** Marks this process alive for other replicas (PostgreSQL): see markOrphans. */
  async start(): Promise<void> {
    await this.db.holdLivenessLock(instanceLockKey(this.instanceId));
  }

  private row(partial: Partial<AuditRow> & Pick<AuditRow, 'kind' | 'action'>): AuditRow {
    const s = (v: string | null | undefined, max?: number) => (v == null ? null : cleanString(v, max));
    return {
      id: randomUUID(),
      ts: new Date(this.now()).toISOString(),
      kind: partial.kind,
      refId: partial.refId ?? null,
      actorId: s(partial.actorId, 100),
      actor: s(partial.actor, 100),
      role: s(partial.role, 20),
      sourceIp: s(partial.sourceIp, 100),
      userAgent: s(partial.userAgent, 300),
      sessionHash: s(partial.sessionHash, 100),
      action: cleanString(partial.action, 100),
      target: s(partial.target, 200),
      summary: (sanitizeSummary(partial.summary ?? {}, this.storeMessageText) ?? {}) as Record<
        string,
        unknown
      >,
      idempotencyKey: s(partial.idempotencyKey, 200),
      status: partial.status ?? null,
      flowrouteId: s(partial.flowrouteId, 200),
      durationMs: partial.durationMs == null ? null : Math.round(partial.durationMs),
      result: s(partial.result, 20),
      detail: s(partial.detail, 2000),
      instanceId: this.instanceId,
    };
  }

  /** Appends one row under the chain lock. `guard` may veto inside the same transaction (returns false). */
  private async append(row: AuditRow, guard?: (tx: Queryable) => Promise<boolean>): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
      if (guard && !(await guard(tx))) return false;
      const last = await tx.query<{ hash: string }>('SELECT hash FROM audit ORDER BY seq DESC LIMIT 1');
      const prevHash = last[0]?.hash ?? GENESIS_HASH;
      const hash = rowHash(prevHash, row);
      await tx.query(
        `INSERT INTO audit (id, ts, kind, ref_id, actor_id, actor, role, source_ip, user_agent, session_hash, action,
           target, summary, idempotency_key, status, flowroute_id, duration_ms, result, detail, instance_id,
           prev_hash, hash)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13::jsonb,$14,$15,$16,$17,$18,$19,$20,$21,$22)`,
        [
          row.id,
          new Date(row.ts),
          row.kind,
          row.refId,
          row.actorId,
          row.actor,
          row.role,
          row.sourceIp,
          row.userAgent,
          row.sessionHash,
          row.action,
          row.target,
          JSON.stringify(row.summary),
          row.idempotencyKey,
          row.status,
          row.flowrouteId,
          row.durationMs,
          row.result,
          row.detail,
          row.instanceId,
          prevHash,
          hash,
        ],
      );
      return true;
    });
  }

  /** AuditLog: the intent before forwarding a mutation. Throws if it cannot be written. */
  async intent(
    intent: AuditIntent & { userAgent?: string | null; sessionId?: string | null },
  ): Promise<string> {
    const row = this.row({
      kind: 'intent',
      action: intent.operation,
      actorId: intent.userId,
      actor: intent.username,
      role: intent.role,
      sourceIp: intent.sourceIp,
      userAgent: intent.userAgent ?? null,
      sessionHash: intent.sessionId ?? null,
      target: intent.target,
      summary: intent.summary,
      idempotencyKey: intent.idempotencyKey,
    });
    await this.append(row);
    return row.id;
  }

  /** AuditLog: the outcome after the mutation (or after reconciliation). */
  async outcome(intentId: string, outcome: AuditOutcome): Promise<void> {
    await this.append(await this.outcomeRow(intentId, outcome));
  }

  /**
   * An outcome only while the intent has none yet (checked in the append's transaction, under the chain lock);
   * false when it already has one. For an interim outcome that must never follow the settled one: a replica that
   * stalled before writing "unknown, checking" may wake up after its check was taken over and settled elsewhere
   * (plugins/outcomes.ts).
   */
  async firstOutcome(intentId: string, outcome: AuditOutcome): Promise<boolean> {
    return this.append(await this.outcomeRow(intentId, outcome), async (tx) => {
      const exists = await tx.query("SELECT 1 FROM audit WHERE kind = 'outcome' AND ref_id = $1", [intentId]);
      return exists.length === 0;
    });
  }

  private async outcomeRow(intentId: string, outcome: AuditOutcome): Promise<AuditRow> {
    const intent = await this.db.query<{ action: string; actor_id: string | null; actor: string | null }>(
      "SELECT action, actor_id, actor FROM audit WHERE id = $1 AND kind = 'intent'",
      [intentId],
    );
    return this.row({
      kind: 'outcome',
      refId: intentId,
      action: intent[0]?.action ?? 'unknown',
      actorId: intent[0]?.actor_id ?? null,
      actor: intent[0]?.actor ?? null,
      status: outcome.status,
      flowrouteId: outcome.flowrouteId,
      durationMs: outcome.durationMs,
      result: outcome.result,
      detail: outcome.detail ?? null,
    });
  }

  /** A single event: sign-in, failed sign-in, logout, account and role changes. */
  async event(e: AuditEventInput): Promise<string> {
    const row = this.row({
      kind: 'event',
      action: e.action,
      actorId: e.actorId ?? null,
      actor: e.actor ?? null,
      role: e.role ?? null,
      sourceIp: e.sourceIp ?? null,
      userAgent: e.userAgent ?? null,
      sessionHash: e.sessionHash ?? null,
      target: e.target ?? null,
      summary: e.summary ?? {},
      status: e.status ?? null,
      result: e.result,
      detail: e.detail ?? null,
    });
    await this.append(row);
    return row.id;
  }

  /**
   * Intents without an outcome whose process is gone (killed between intent and outcome) get an outcome
   * "unknown". On PGlite only one process can open the database, so every other instance is gone. On PostgreSQL an
   * instance is gone when nobody holds its liveness lock (PostgreSQL drops it when the connection dies).
   * An intent whose unknown outcome is still being checked (an `outcome_checks` row "checking", I-3) is left to
   * that check even when its interim audit outcome is missing (its replica was killed before writing it, or the
   * write failed): marking it here would turn the key into a replayed "outcome unknown", so a retry could no longer
   * take the check over and a "not applied" could no longer free the key. The check writes the audit outcome, or
   * the outcomes plugin's sweep flags it once the takeover window has passed (plugins/outcomes.ts).
   */
  async markOrphans(): Promise<number> {
    const orphans = await this.db.query<{
      id: string;
      instance_id: string | null;
      action: string;
      actor_id: string | null;
      idempotency_key: string | null;
    }>(
      `SELECT i.id, i.instance_id, i.action, i.actor_id, i.idempotency_key FROM audit i
       WHERE i.kind = 'intent' AND (i.instance_id IS NULL OR i.instance_id <> $1)
         AND NOT EXISTS (SELECT 1 FROM audit o WHERE o.kind = 'outcome' AND o.ref_id = i.id)
         AND NOT EXISTS (SELECT 1 FROM outcome_checks c
           WHERE c.intent_id = i.id AND c.state = 'checking' AND c.expires_at > $2)
       ORDER BY i.seq`,
      [this.instanceId, new Date(this.now())],
    );
    const alive = new Map<string, boolean>();
    let marked = 0;
    for (const o of orphans) {
      const inst = o.instance_id ?? '';
      if (!alive.has(inst))
        alive.set(inst, inst !== '' && !(await this.db.isLockFree(instanceLockKey(inst))));
      if (alive.get(inst)) continue;
      const row = this.row({
        kind: 'outcome',
        refId: o.id,
        action: o.action,
        result: 'unknown',
        detail: 'The proxy stopped between the intent and the outcome; check Flowroute for what happened.',
      });
      const wrote = await this.append(row, async (tx) => {
        const exists = await tx.query("SELECT 1 FROM audit WHERE kind = 'outcome' AND ref_id = $1", [o.id]);
        return exists.length === 0;
      });
      if (wrote) {
        marked++;
        // The same key must not answer "still in progress" for a day: replay "outcome unknown" instead.
        if (o.actor_id && o.idempotency_key) {
          await this.db.query(
            `UPDATE idempotency SET state = 'done', status = 502, headers = $3::jsonb, body = $4
             WHERE user_id = $1 AND key = $2 AND state = 'in_flight'`,
            [o.actor_id, o.idempotency_key, JSON.stringify(OUTCOME_UNKNOWN.headers), OUTCOME_UNKNOWN.body],
          );
        }
      }
    }
    return marked;
  }

  async list(q: AuditQuery = {}): Promise<{ items: AuditEntry[]; nextOffset: number | null }> {
    const limit = Math.min(Math.max(Math.trunc(q.limit ?? 50), 1), 10_000);
    const offset = Math.max(Math.trunc(q.offset ?? 0), 0);
    const { where, params } = buildWhere(q);
    params.push(limit + 1, offset);
    const rows = await this.db.query<DbRow & { o_json: string | null }>(
      `SELECT ${COLUMNS.split(', ')
        .map((c) => `a.${c}`)
        .join(', ')}, o.row_json AS o_json
       FROM audit a
       LEFT JOIN LATERAL (
         SELECT row_to_json(x)::text AS row_json, x.result FROM audit x
         WHERE x.kind = 'outcome' AND x.ref_id = a.id ORDER BY x.seq DESC LIMIT 1
       ) o ON true
       WHERE ${where}
       ORDER BY a.seq DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    const items = rows.slice(0, limit).map((r) => ({
      ...fromDb(r),
      outcome: r.o_json ? fromDb(JSON.parse(r.o_json) as DbRow) : null,
    }));
    return { items, nextOffset: rows.length > limit ? offset + limit : null };
  }

  /** One record with every outcome written for it. */
  async get(id: string): Promise<{ record: AuditRecord; outcomes: AuditRecord[] } | null> {
    const rows = await this.db.query<DbRow>(`SELECT ${COLUMNS} FROM audit WHERE id = $1`, [id]);
    if (!rows[0]) return null;
    const outcomes = await this.db.query<DbRow>(
      `SELECT ${COLUMNS} FROM audit WHERE kind = 'outcome' AND ref_id = $1 ORDER BY seq`,
      [id],
    );
    return { record: fromDb(rows[0]), outcomes: outcomes.map(fromDb) };
  }

  /** Recomputes the chain from the first row; reports the first row whose hash or link does not match. */
  async verify(): Promise<VerifyResult> {
    let prev = GENESIS_HASH;
    let lastSeq = -1;
    let checked = 0;
    for (;;) {
      const rows = await this.db.query<DbRow>(
        `SELECT ${COLUMNS} FROM audit WHERE seq > $1 ORDER BY seq LIMIT 1000`,
        [lastSeq],
      );
      if (rows.length === 0) return { ok: true, checked };
      for (const raw of rows) {
        const r = fromDb(raw);
        if (r.prevHash !== prev)
          return { ok: false, checked, firstBroken: { seq: r.seq, id: r.id, reason: 'chain_break' } };
        if (rowHash(prev, r) !== r.hash) {
          return { ok: false, checked, firstBroken: { seq: r.seq, id: r.id, reason: 'hash_mismatch' } };
        }
        prev = r.hash;
        lastSeq = r.seq;
        checked++;
      }
    }
  }
}

function buildWhere(q: AuditQuery): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const cond: string[] = ["a.kind <> 'outcome'"];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    cond.push(sql(`$${params.length}`));
  };
  if (q.who) add((p) => `a.actor = ${p}`, q.who.trim().toLowerCase());
  if (q.what) {
    const w = q.what.trim();
    if (w.endsWith('*')) add((p) => `a.action LIKE ${p}`, `${w.slice(0, -1).replace(/[\\%_]/g, '\\$&')}%`);
    else add((p) => `a.action = ${p}`, w);
  }
  if (q.from) add((p) => `a.ts >= ${p}`, new Date(q.from));
  if (q.to) add((p) => `a.ts < ${p}`, new Date(q.to));
  if (q.number) add((p) => `a.target = ${p}`, q.number.trim());
  if (q.ip) add((p) => `a.source_ip = ${p}`, q.ip.trim());
  if (q.result) add((p) => `COALESCE(o.result, a.result) = ${p}`, q.result.trim());
  return { where: cond.join(' AND '), params };
}
