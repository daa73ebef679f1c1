// Our own limits: per-user requests per minute (reads, sends, purchases, route changes) and account-wide
// caps per UTC day (purchases, sends). Fixed windows; counters live in the database when there is one (so every
// replica counts together) and in memory otherwise. A refused request gets 429 + Retry-After (seconds) +
// X-Proxy-Error: rate_limited and is never sent to Flowroute.
import type { Config } from '../config';
import type { Queryable } from '../store/db';
import type { OperationId } from '../routes/table';
import type { ProxyErrorInit } from './errors';

export interface LimitRule {
  /** Counter name without the window, e.g. `u:<id>:reads` or `acct:purchases`. */
  key: string;
  max: number;
  windowMs: number;
  /** What the user reads in the 429. */
  label: string;
}

export type LimitResult = { ok: true } | { ok: false; retryAfterS: number; rule: LimitRule };

/** Counter storage: add one to a windowed counter and return the new value; take one back. */
export interface RateCounters {
  increment(key: string, expiresAt: number): Promise<number>;
  decrement(key: string): Promise<void>;
  purgeExpired(now: number): Promise<void>;
  /**
   * The same count as `increment`, without a promise, when this key lives in memory; undefined when it does not
   * (then nothing was counted and `increment` must be used).
   */
  incrementNow?(key: string, expiresAt: number): number | undefined;
  /** Takes back one `incrementNow` count, without a promise. */
  decrementNow?(key: string): void;
}

export class MemoryRateCounters implements RateCounters {
  private readonly counts = new Map<string, { count: number; expiresAt: number }>();

  async increment(key: string, expiresAt: number): Promise<number> {
    return this.incrementNow(key, expiresAt);
  }

  incrementNow(key: string, expiresAt: number): number {
    const entry = this.counts.get(key);
    if (entry) {
      entry.count++;
      return entry.count;
    }
    if (this.counts.size > 100_000) this.purgeNow(Date.now());
    this.counts.set(key, { count: 1, expiresAt });
    return 1;
  }

  async decrement(key: string): Promise<void> {
    this.decrementNow(key);
  }

  decrementNow(key: string): void {
    const entry = this.counts.get(key);
    if (entry) entry.count = Math.max(0, entry.count - 1);
  }

  async purgeExpired(now: number): Promise<void> {
    this.purgeNow(now);
  }

  private purgeNow(now: number): void {
    for (const [key, entry] of this.counts) if (entry.expiresAt <= now) this.counts.delete(key);
  }
}

/** Counters in the `rate_counters` table (migration 3); the upsert is atomic, so replicas never double-count. */
export class DbRateCounters implements RateCounters {
  constructor(private readonly db: Queryable) {}

  async increment(key: string, expiresAt: number): Promise<number> {
    const rows = await this.db.query<{ count: number }>(
      `INSERT INTO rate_counters (key, count, expires_at) VALUES ($1, 1, $2)
       ON CONFLICT (key) DO UPDATE SET count = rate_counters.count + 1 RETURNING count`,
      [key, new Date(expiresAt)],
    );
    return Number(rows[0]?.count ?? 1);
  }

  async decrement(key: string): Promise<void> {
    await this.db.query('UPDATE rate_counters SET count = count - 1 WHERE key = $1 AND count > 0', [key]);
  }

  async purgeExpired(now: number): Promise<void> {
    await this.db.query('DELETE FROM rate_counters WHERE expires_at <= $1', [new Date(now)]);
  }
}

/**
 * Embedded database (PGlite: one process, so nothing to share with other replicas): the per-user READ counters
 * live in memory, because a database write per read cost more than the read itself (bench: ~3 ms of CPU on the
 * single event loop per read); every other counter (sends, purchases, route changes, daily caps) stays in the
 * database. A restart forgets at most the current minute's read counts. With PostgreSQL use DbRateCounters.
 */
export class LocalReadCounters implements RateCounters {
  /** When the database's counters were last purged: they only hold sends/purchases/route changes, so once a minute. */
  private sharedPurgedAt = -Infinity;

  constructor(
    private readonly shared: RateCounters,
    private readonly memory: RateCounters = new MemoryRateCounters(),
  ) {}

  private pick(key: string): RateCounters {
    return /:reads@\d+$/.test(key) ? this.memory : this.shared;
  }

  increment(key: string, expiresAt: number): Promise<number> {
    return this.pick(key).increment(key, expiresAt);
  }

  incrementNow(key: string, expiresAt: number): number | undefined {
    const counters = this.pick(key);
    return counters === this.memory ? this.memory.incrementNow?.(key, expiresAt) : undefined;
  }

  decrementNow(key: string): void {
    this.memory.decrementNow?.(key);
  }

  decrement(key: string): Promise<void> {
    return this.pick(key).decrement(key);
  }

  async purgeExpired(now: number): Promise<void> {
    await this.memory.purgeExpired(now);
    if (now - this.sharedPurgedAt < MINUTE) return;
    this.sharedPurgedAt = now;
    await this.shared.purgeExpired(now);
  }
}

const readCountersByDb = new WeakMap<Queryable, MemoryRateCounters>();

/** The counters for one embedded database: every app on the same database object shares the in-memory reads. */
export function embeddedDbCounters(db: Queryable): RateCounters {
  let memory = readCountersByDb.get(db);
  if (!memory) {
    memory = new MemoryRateCounters();
    readCountersByDb.set(db, memory);
  }
  return new LocalReadCounters(new DbRateCounters(db), memory);
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The rules that apply to one request (empty when all are off). */
export function rulesFor(
  limits: Config['limits'],
  userId: string,
  kind: 'read' | 'mutation',
  operationId: OperationId,
): LimitRule[] {
  const rules: LimitRule[] = [];
  const add = (on: number, key: string, windowMs: number, label: string) => {
    if (on > 0) rules.push({ key, max: on, windowMs, label });
  };
  if (kind === 'read') {
    add(limits.readsPerMinute, `u:${userId}:reads`, MINUTE, `${limits.readsPerMinute} reads per minute`);
  } else if (operationId === 'sendMessage') {
    add(limits.sendsPerMinute, `u:${userId}:sends`, MINUTE, `${limits.sendsPerMinute} messages per minute`);
    add(limits.sendsPerDay, 'acct:sends', DAY, `${limits.sendsPerDay} messages per day for the account`);
  } else if (operationId === 'purchaseNumber') {
    add(
      limits.purchasesPerMinute,
      `u:${userId}:purchases`,
      MINUTE,
      `${limits.purchasesPerMinute} purchases per minute`,
    );
    add(
      limits.purchasesPerDay,
      'acct:purchases',
      DAY,
      `${limits.purchasesPerDay} purchases per day for the account`,
    );
  } else {
    add(
      limits.routeChangesPerMinute,
      `u:${userId}:routes`,
      MINUTE,
      `${limits.routeChangesPerMinute} route changes per minute`,
    );
  }
  return rules;
}

/** The counter of `rule`'s window at `t`: fixed windows aligned to the epoch (minutes, and UTC days for the daily caps). */
function windowOf(rule: LimitRule, t: number): { key: string; end: number } {
  const start = Math.floor(t / rule.windowMs) * rule.windowMs;
  return { key: `${rule.key}@${start}`, end: start + rule.windowMs };
}

export class RateLimiter {
  private hits = 0;

  constructor(
    private readonly counters: RateCounters,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Counts this request against every rule. If any rule is over its limit, the counts taken by this request
   * are given back (a refused request does not use up the day's cap) and the longest wait is returned.
   */
  async hit(rules: LimitRule[]): Promise<LimitResult> {
    return this.hitNow(rules) ?? this.hitCounted(rules);
  }

  /**
   * `hit` without a promise when every rule's counter is in memory and none is over its limit (a read's per-user
   * counter on the embedded database or without one: the hot path); undefined otherwise, with nothing counted,
   * and then `hitCounted` must be used.
   */
  hitNow(rules: LimitRule[]): { ok: true } | undefined {
    if (rules.length === 0) return { ok: true };
    const { incrementNow: increment, decrementNow: decrement } = this.counters;
    if (rules.length !== 1 || !increment || !decrement) return undefined;
    const rule = rules[0]!;
    const t = this.now();
    const { key, end } = windowOf(rule, t);
    const count = increment.call(this.counters, key, end);
    if (count === undefined) return undefined;
    if (count > rule.max) {
      // Over the limit: give the count back and let `hitCounted` count again and build the refusal (rare).
      decrement.call(this.counters, key);
      return undefined;
    }
    if (++this.hits % 500 === 0) void this.counters.purgeExpired(t).catch(() => undefined);
    return { ok: true };
  }

  /** `hit` through the counters' promises (after `hitNow` said undefined, or for shared counters). */
  async hitCounted(rules: LimitRule[]): Promise<LimitResult> {
    if (rules.length === 0) return { ok: true };
    const t = this.now();
    if (++this.hits % 500 === 0) void this.counters.purgeExpired(t).catch(() => undefined);
    const taken: string[] = [];
    for (const rule of rules) {
      const { key, end } = windowOf(rule, t);
      const count = await this.counters.increment(key, end);
      taken.push(key);
      if (count > rule.max) {
        for (const k of taken) await this.counters.decrement(k);
        return { ok: false, retryAfterS: Math.max(1, Math.ceil((end - t) / 1000)), rule };
      }
    }
    return { ok: true };
  }
}

export function rateLimitedError(result: Extract<LimitResult, { ok: false }>): ProxyErrorInit {
  const wait =
    result.retryAfterS >= 3600
      ? `${Math.ceil(result.retryAfterS / 3600)} h`
      : result.retryAfterS >= 60
        ? `${Math.ceil(result.retryAfterS / 60)} min`
        : `${result.retryAfterS} s`;
  return {
    status: 429,
    code: 'rate_limited',
    title: 'Too Many Requests',
    detail: `Limit reached: ${result.rule.label}. Nothing was sent to Flowroute. Try again in ${wait}.`,
  };
}
