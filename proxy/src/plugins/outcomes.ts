// Settling mutations whose outcome is unknown (I-3). When a purchase, send or route change was sent but its answer
// was lost (timeout, reset, an unreadable answer) or Flowroute answered 5xx, nothing is retried: the proxy reads
// Flowroute back until it knows whether the change happened —
//   purchase      → GET /v2/numbers/{n}: is the number on the account now?
//   route change  → GET /v2/numbers/{n}: does the relationship point at the route asked for?
//   create route  → GET /v2/routes (paged): is there a route with that alias, type and value?
//   send          → GET /v2.1/messages since the attempt: an outbound MDR from → to with the same text?
// and then records the true outcome in the audit log (a second outcome row) and in the idempotency record:
//   applied     → the key replays a success built from what was read back (X-Outcome: applied);
//   not applied → the key is released (the same action may be sent again; it was verified not to have happened);
//   neither within settle.deadlineMs (60 s) → flagged for an operator (GET /admin/outcomes), the key replays
//   "outcome unknown" and is never sent again automatically.
// A replica killed mid-check leaves its record "checking" and the key "in flight"; once the record is past its
// deadline + 5 s (the poll shows it flagged), a retry with the key on any replica takes the check over
// (resumeAbandoned): it reads Flowroute back first, exactly as the killed replica would have, and answers with what it
// found — applied (the first answer, replayed), not applied (nothing happened; the key is free again, so the user
// decides to send it again), or still unreadable (checking goes on here, the browser polls as before). The retry
// itself is never forwarded.
// While checking, the idempotency record stays "in flight" (a retry with the key gets 409 + where to poll), and the
// browser polls GET /api/outcomes/:key (routes/outcomes.ts). With a database, every step is also written to the
// outcome_checks table (store/outcomes.ts), so a poll that a load balancer sends to another replica gets the real
// state too; this process's checks in progress are answered from memory, unless the row says another check holds
// the key now (a takeover, or a newer check after "not applied" freed it). Settled checks live in the database only.
//
// Across replicas (with a database), one check holds each key at a time: begin and takeover put a new owner token
// in the row, and the settled state, the idempotency record's answer and the audit outcome are written only by the
// check whose token the row still holds (store/outcomes.ts settle, one statement). A replica that stalled past its
// deadline + 5 s and lost the row to a takeover stops checking and drops what it found (logged); it never replaces
// the answer the key replays. The audit log gets an interim outcome "unknown" when a check begins (only as the
// intent's first outcome, so a stalled replica's late one never follows the settled outcome), so the orphan
// sweep (store/audit.ts markOrphans: intents without any outcome whose replica is gone) never marks a key that a
// check holds or that a retry may still take over (it also skips intents whose row is still "checking", in case the
// interim outcome was never written); checks abandoned and not taken over within TAKEOVER_WINDOW_MS are
// flagged by this plugin's own sweep instead (sweepAbandoned), conditionally on the row, so it cannot race a takeover.
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config';
import type { OperationId } from '../routes/table';
import { DbIdempotencyStore } from '../store/idempotency';
import {
  DbOutcomeStore,
  type IdempotencyWrite,
  type OutcomeRecord,
  type OutcomeState,
} from '../store/outcomes';
import type { AuditLog, AuditOutcome, IdempotencyStore, StoredResponse } from '../store/types';
import type { FlowrouteForwarder, ProxyAnswer } from './forwarder';

export type { OutcomeState };

/** Why the outcome is unknown: the answer was lost, Flowroute answered 5xx, or its 2xx answer was unreadable. */
export type UnknownCause = 'lost' | 'upstream_5xx' | 'unreadable';

export interface SettleJob {
  userId: string;
  username: string;
  key: string;
  operation: OperationId;
  /** Upstream path (validated) and JSON body that were sent. */
  pathAndQuery: string;
  json: string | null;
  target: string | null;
  intentId: string | null;
  cause: UnknownCause;
  /** Proxy code / status of the first answer, for the audit detail. */
  firstProblem: string;
  /** Wall-clock time the request was sent, and when its answer was found missing. */
  sentAt: number;
  lostAt: number;
  /** When checking gives up and flags it; default lostAt + settle.deadlineMs (a resumed check has its own). */
  deadlineAt?: number;
  /** Taken over from a replica that stopped mid-check: the first look at Flowroute is taken at once. */
  resumed?: boolean;
}

export interface OutcomeEntry {
  job: SettleJob;
  state: OutcomeState;
  detail: string;
  /** What a replay of the key answers once settled (applied / not_applied / flagged). */
  answer: StoredResponse | null;
  settledAt: number | null;
  checks: number;
  /** This check's token in the outcome_checks row (see the top of this file). */
  owner: string;
  /** The row holds this check's token (begin or takeover was written); until then the row may still be older. */
  recorded: boolean;
  /** Another check holds the key now: this one stopped, and whatever it finds is dropped. */
  lost: boolean;
}

/** What GET /api/outcomes/:key shows, from this process's memory or from the database. */
export interface OutcomeView {
  state: OutcomeState;
  operation: string;
  target: string | null;
  detail: string;
  since: string;
  settledAt: string | null;
  checks: number;
  /** What a retry with the key now gets, once settled. */
  answer?: StoredResponse;
}

/**
 * A row still "checking" this long after its deadline was left by a replica that stopped without flagging it (a
 * replica that stops normally flags what it was checking; killed, it cannot).
 */
export const ABANDONED_AFTER_MS = 5_000;

/** A retry takes an abandoned check over only this long after the answer was lost; older ones stay flagged. */
export const TAKEOVER_WINDOW_MS = 10 * 60_000;

/**
 * The sweep flags an abandoned check only this long after the takeover window closed (clock differences between
 * replicas); the row update is conditional anyway, so a takeover and the sweep never both get a row.
 */
export const SWEEP_MARGIN_MS = 60_000;
const SWEEP_EVERY_MS = 60_000;

type Check =
  | { kind: 'applied'; answer: StoredResponse; flowrouteId: string | null; evidence: string }
  | { kind: 'absent'; evidence: string }
  | { kind: 'inconclusive'; reason: string };

const RESUMED_DETAIL =
  'Checking Flowroute again (the replica that was checking stopped; a retry resumed the check)…';
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };
const ROUTE_PAGES_MAX = 25;
const SETTLED_TTL_MS = 30 * 60_000;
const MAX_ENTRIES = 10_000;

export function outcomeUrl(key: string): string {
  return `/api/outcomes/${encodeURIComponent(key)}`;
}

function errorBody(status: number, code: string, title: string, detail: string): string {
  return JSON.stringify({ errors: [{ status, title, detail, code }] });
}

/** What the browser gets right away for an unknown outcome: 502/504 outcome_unknown + where to poll. */
export function pendingAnswer(job: SettleJob, status: number, upstreamStatus: number | null): ProxyAnswer {
  const detail =
    'Flowroute’s answer to this change was lost, so the proxy is checking Flowroute to find out whether it ' +
    'happened. It has not been sent again.';
  return {
    status,
    headers: {
      ...JSON_HEADERS,
      'x-proxy-error': 'outcome_unknown',
      'x-outcome-check': 'pending',
      'x-outcome-url': outcomeUrl(job.key),
    },
    body: errorBody(status, 'outcome_unknown', status === 504 ? 'Gateway Timeout' : 'Bad Gateway', detail),
    upstreamStatus,
    upstreamMs: 0,
    reached: 'unknown',
    proxyError: 'outcome_unknown',
  };
}

function notAppliedAnswer(evidence: string): StoredResponse {
  return {
    status: 502,
    headers: { ...JSON_HEADERS, 'x-proxy-error': 'outcome_not_applied', 'x-outcome': 'not_applied' },
    body: errorBody(
      502,
      'outcome_not_applied',
      'Bad Gateway',
      `Flowroute did not carry out this change (checked: ${evidence}). Nothing happened; you can try again.`,
    ),
  };
}

export function flaggedAnswer(): StoredResponse {
  return {
    status: 502,
    headers: { ...JSON_HEADERS, 'x-proxy-error': 'outcome_unknown', 'x-outcome': 'flagged' },
    body: errorBody(
      502,
      'outcome_unknown',
      'Bad Gateway',
      'The proxy could not find out from Flowroute whether this change happened. It has been flagged for an ' +
        'administrator (System → Unsettled changes). Do not repeat it until it has been checked.',
    ),
  };
}

function applied(status: number, body: unknown, evidence: string, flowrouteId: string | null): Check {
  return {
    kind: 'applied',
    answer: {
      status,
      headers:
        body === undefined
          ? { 'x-outcome': 'applied' }
          : { 'content-type': 'application/vnd.api+json', 'x-outcome': 'applied' },
      body: body === undefined ? '' : JSON.stringify(body),
    },
    flowrouteId,
    evidence,
  };
}

function digitsOf(v: unknown): string {
  return typeof v === 'string' ? v.replace(/^\+/, '') : '';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The message attributes from a compact or JSON:API send body. */
function messageAttrs(json: string | null): Record<string, unknown> {
  const doc = parseJson(json ?? '');
  if (!isRecord(doc)) return {};
  if (isRecord(doc.data) && isRecord(doc.data.attributes)) return doc.data.attributes;
  return doc;
}

export function viewOfEntry(e: OutcomeEntry): OutcomeView {
  return {
    state: e.state,
    operation: e.job.operation,
    target: e.job.target,
    detail: e.detail,
    since: new Date(e.job.lostAt).toISOString(),
    settledAt: e.settledAt === null ? null : new Date(e.settledAt).toISOString(),
    checks: e.checks,
    ...(e.answer ? { answer: e.answer } : {}),
  };
}

export function viewOfRecord(r: OutcomeRecord, now = Date.now()): OutcomeView {
  const view: OutcomeView = {
    state: r.state,
    operation: r.operation,
    target: r.target,
    detail: r.detail,
    since: new Date(r.lostAt).toISOString(),
    settledAt: r.settledAt === null ? null : new Date(r.settledAt).toISOString(),
    checks: r.checks,
    ...(r.answer ? { answer: r.answer } : {}),
  };
  if (r.state === 'checking' && now > r.deadlineAt + ABANDONED_AFTER_MS) {
    return {
      ...view,
      state: 'flagged',
      detail:
        'Flagged for an operator: the proxy replica that was checking Flowroute stopped before it finished ' +
        `(after ${r.checks} checks); whether the change happened is unknown.`,
      answer: flaggedAnswer(),
    };
  }
  return view;
}

/** What a retry gets when it took over an abandoned check (see resumeAbandoned). */
export interface ResumedAnswer {
  response: StoredResponse;
  /** The first action's own outcome (applied / flagged), which the key replays from now on. */
  replayed: boolean;
}

export class OutcomeSettler {
  private readonly entries = new Map<string, OutcomeEntry>();
  /** Database writes per entry, in order (a settled state must never be overwritten by an earlier write). */
  private readonly writes = new WeakMap<OutcomeEntry, Promise<void>>();
  private readonly loops = new Set<Promise<void>>();
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private stopped = false;

  constructor(
    private readonly deps: {
      forwarder: Pick<FlowrouteForwarder, 'send'>;
      idempotency: IdempotencyStore;
      /** With `firstOutcome` (AuditStore), the interim outcome is written only while the intent has none. */
      audit: (AuditLog & { firstOutcome?(intentId: string, outcome: AuditOutcome): Promise<boolean> }) | null;
      settle: Config['settle'];
      log: FastifyBaseLogger;
      /** The shared record (with a database), so other replicas can answer polls; null = this process only. */
      records?: DbOutcomeStore | null;
      /** Longest a mutation can take upstream (connect + mutation timeout): bounds when a resumed one was sent. */
      maxSendMs?: number;
    },
  ) {}

  private static id(userId: string, key: string): string {
    return `${userId}\u0000${key}`;
  }

  get(userId: string, key: string): OutcomeEntry | undefined {
    return this.entries.get(OutcomeSettler.id(userId, key));
  }

  /**
   * What the poll endpoint shows for (user, key): this process's check in progress, else (with a database) the record
   * written by whichever replica is checking or checked it. The record wins over this process's entry when another
   * check holds the row (this replica lost it to a takeover, or a newer check of the key began elsewhere): the entry
   * is then dropped. Null when nobody knows the key. Throws when the database fails and this process has no entry.
   */
  async lookup(userId: string, key: string): Promise<OutcomeView | null> {
    const entry = this.get(userId, key);
    const records = this.deps.records;
    if (entry && (!records || !entry.recorded)) return viewOfEntry(entry);
    let record: OutcomeRecord | null;
    try {
      record = records ? await records.get(userId, key) : null;
    } catch (err) {
      if (entry) return viewOfEntry(entry);
      throw err;
    }
    if (entry) {
      if (!record || record.owner === entry.owner) return viewOfEntry(entry);
      this.lose(entry, 'its view of the key (a poll found the newer record)');
    }
    return record ? viewOfRecord(record) : null;
  }

  /**
   * Another check holds this entry's key now: stop checking and forget the entry (the database answers for the key);
   * what it found later is dropped. Logged once.
   */
  private lose(entry: OutcomeEntry, dropped: string): void {
    const id = OutcomeSettler.id(entry.job.userId, entry.job.key);
    if (this.entries.get(id) === entry) this.entries.delete(id);
    if (entry.lost) return;
    entry.lost = true;
    this.deps.log.warn(
      { operation: entry.job.operation, target: entry.job.target, checks: entry.checks, state: entry.state },
      `outcome check lost to another check of the same key (a takeover after this replica stalled, or a newer ` +
        `attempt): ${dropped} was dropped`,
    );
  }

  /** Appends a write for this entry to its queue; failures are logged (the in-memory state stays authoritative here). */
  private persist(
    entry: OutcomeEntry,
    what: string,
    write: (r: DbOutcomeStore) => Promise<unknown>,
  ): Promise<void> {
    const records = this.deps.records;
    if (!records) return Promise.resolve();
    const next = (this.writes.get(entry) ?? Promise.resolve()).then(async () => {
      try {
        await write(records);
      } catch (err) {
        this.deps.log.error({ err: { message: (err as Error).message } }, `outcome record: ${what} failed`);
      }
    });
    this.writes.set(entry, next);
    return next;
  }

  /**
   * A retry with (user, key) found the key "in flight". If that is because the replica checking the first attempt's
   * outcome was killed (its record is still "checking" past deadline + ABANDONED_AFTER_MS, which the poll shows as
   * flagged), this replica takes the check over — atomically, so only one replica does — and looks at Flowroute at
   * once. Returns what the retry gets: the settled answer, or (Flowroute still unreadable) "outcome unknown, checking"
   * with where to poll, while checking goes on here. Null when the check is not abandoned (the retry gets 409 as
   * before). The retry is never forwarded: a change is only sent again after a check said it did not happen and the
   * user then tries once more.
   */
  async resumeAbandoned(input: {
    userId: string;
    key: string;
    pathAndQuery: string;
    json: string | null;
  }): Promise<ResumedAnswer | null> {
    const records = this.deps.records;
    if (!records || this.stopped) return null;
    // This process's own check of the key goes on (a settled one would no longer be in memory).
    const own = this.get(input.userId, input.key);
    if (own && own.state === 'checking' && !own.lost) return null;
    const now = Date.now();
    const owner = randomUUID();
    const record = await records.takeOver(input.userId, input.key, {
      abandonedBefore: now - ABANDONED_AFTER_MS,
      deadlineAt: now + this.deps.settle.deadlineMs,
      detail: RESUMED_DETAIL,
      lostAfter: now - TAKEOVER_WINDOW_MS,
      owner,
    });
    if (!record) return null;
    const job: SettleJob = {
      userId: record.userId,
      username: record.username,
      key: record.key,
      operation: record.operation as OperationId,
      pathAndQuery: input.pathAndQuery,
      json: input.json,
      target: record.target,
      intentId: record.intentId,
      cause: 'lost',
      firstProblem: `an unknown outcome whose checking replica stopped after ${record.checks} checks`,
      // Not recorded: at the latest when the answer was found missing, at the earliest one whole call before.
      sentAt: record.lostAt - (this.deps.maxSendMs ?? 0),
      lostAt: record.lostAt,
      deadlineAt: now + this.deps.settle.deadlineMs,
      resumed: true,
    };
    this.deps.log.warn(
      { operation: job.operation, target: job.target, checks: record.checks },
      'a retry found an unknown outcome abandoned by a stopped replica: checking Flowroute again',
    );
    let firstLook!: () => void;
    const looked = new Promise<void>((resolve) => (firstLook = resolve));
    const entry = this.track(job, record.checks, owner, true, firstLook);
    entry.detail = RESUMED_DETAIL;
    await looked;
    if (entry.lost) return null;
    if (entry.state !== 'checking' && entry.answer) {
      return { response: entry.answer, replayed: entry.state !== 'not_applied' };
    }
    const pending = pendingAnswer(job, 502, null);
    return {
      response: { status: pending.status, headers: pending.headers, body: pending.body },
      replayed: false,
    };
  }

  /** Entries an operator should look at: still checking, or flagged. */
  unsettled(): OutcomeEntry[] {
    return [...this.entries.values()].filter((e) => e.state === 'checking' || e.state === 'flagged');
  }

  /**
   * Starts settling in the background. Resolves (never rejects) once the check is recorded in the database, so the
   * browser — whose poll may reach another replica — is answered only after every replica can find it.
   */
  start(job: SettleJob): Promise<void> {
    const entry = this.track(job, 0, randomUUID(), false);
    const recorded = this.persist(entry, 'begin', async (r) => {
      await r.begin(this.beginRow(entry));
      entry.recorded = true;
      // The intent gets an interim outcome "unknown" at once (the settled one follows): the orphan sweep leaves
      // intents that have an outcome alone, so it never marks a key this check holds or a retry may take over.
      // In the same write queue, so it always comes before the settled outcome.
      await this.auditInterim(job);
    });
    // Unknown outcomes are rare: clearing expired records now and then is enough (no housekeeping timer needed).
    void this.persist(entry, 'purge', (r) => r.purgeExpired());
    return recorded;
  }

  private async auditInterim(job: SettleJob): Promise<void> {
    const audit = this.deps.audit;
    if (!audit || job.intentId === null) return;
    const outcome: AuditOutcome = {
      // The status the user was answered (routes/api.ts: 504 after a timeout or Flowroute's own 504, else 502).
      status: /timeout/i.test(job.firstProblem) || job.firstProblem === 'HTTP 504' ? 504 : 502,
      flowrouteId: null,
      durationMs: job.lostAt - job.sentAt,
      result: 'unknown',
      detail:
        `outcome unknown after ${job.firstProblem} (${job.cause}): checking Flowroute for what happened ` +
        '(the settled outcome follows)',
    };
    try {
      // Only as the intent's first outcome: this replica may have stalled right after its begin, and the check been
      // taken over and settled elsewhere meanwhile; a late "unknown, checking" must not follow the settled outcome.
      const wrote = audit.firstOutcome
        ? await audit.firstOutcome(job.intentId, outcome)
        : (await audit.outcome(job.intentId, outcome), true);
      if (!wrote) {
        this.deps.log.warn(
          { operation: job.operation, target: job.target },
          'audit outcome "unknown, checking" dropped: the intent already has an outcome (this check was taken ' +
            'over and settled elsewhere while this replica stalled)',
        );
      }
    } catch (err) {
      this.deps.log.error(
        { err: { message: (err as Error).message } },
        'audit outcome "unknown, checking" could not be written',
      );
    }
  }

  /**
   * Flags checks whose replica stopped and that no retry took over within TAKEOVER_WINDOW_MS (+ SWEEP_MARGIN_MS):
   * their keys replay "outcome unknown, flagged" instead of answering 409 for a day, and the audit log says so.
   * Runs every minute with a database; conditional on the row, so it never races a takeover. Returns how many.
   */
  async sweepAbandoned(now = Date.now()): Promise<number> {
    const records = this.deps.records;
    if (!records || this.stopped) return 0;
    // Counted with the checking loops, so stop() (on close, before the database closes) waits for a sweep under way:
    // the rows it flagged get their audit outcomes.
    const sweep = this.sweep(records, now);
    const done = sweep.then(
      () => undefined,
      () => undefined,
    );
    this.loops.add(done);
    void done.finally(() => this.loops.delete(done));
    return sweep;
  }

  private async sweep(records: DbOutcomeStore, now: number): Promise<number> {
    const detail =
      'Flagged for an operator: the proxy replica that was checking Flowroute stopped before it finished, and no ' +
      'retry took the check over in time; whether the change happened is unknown.';
    const flagged = await records.flagAbandoned({
      abandonedBefore: now - ABANDONED_AFTER_MS,
      lostBefore: now - TAKEOVER_WINDOW_MS - SWEEP_MARGIN_MS,
      detail,
      answer: flaggedAnswer(),
    });
    for (const r of flagged) {
      this.deps.log.error(
        { operation: r.operation, target: r.target, checks: r.checks },
        'unknown outcome abandoned by a stopped replica and not taken over: flagged for an operator (check Flowroute)',
      );
      if (!this.deps.audit || r.intentId === null) continue;
      await this.deps.audit
        .outcome(r.intentId, {
          status: 502,
          flowrouteId: null,
          durationMs: now - r.lostAt,
          result: 'unknown',
          detail,
        })
        .catch((err: unknown) =>
          this.deps.log.error(
            { err: { message: (err as Error).message } },
            'audit outcome for a swept check failed',
          ),
        );
    }
    return flagged.length;
  }

  /** Adds the entry and starts its checking loop; `firstLook` is called once the first check was dealt with. */
  private track(
    job: SettleJob,
    checks: number,
    owner: string,
    recorded: boolean,
    firstLook?: () => void,
  ): OutcomeEntry {
    this.prune();
    const entry: OutcomeEntry = {
      job,
      state: 'checking',
      detail: 'Checking Flowroute…',
      answer: null,
      settledAt: null,
      checks,
      owner,
      recorded,
      lost: false,
    };
    this.entries.set(OutcomeSettler.id(job.userId, job.key), entry);
    const loop = this.run(entry, firstLook)
      .catch((err: unknown) =>
        this.deps.log.error({ err: { message: (err as Error).message } }, 'outcome settling failed'),
      )
      .finally(() => firstLook?.());
    this.loops.add(loop);
    void loop.finally(() => this.loops.delete(loop));
    return entry;
  }

  /** Resolves when every settling loop (and sweep under way) has finished (tests, stop). */
  async idle(): Promise<void> {
    while (this.loops.size > 0) await Promise.all([...this.loops]);
  }

  /**
   * Shutdown: stops checking. Whatever is still unknown is flagged now (audit row + the key replays "outcome
   * unknown"), so no key stays "in flight" after this process is gone.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) {
      clearTimeout(t.timer);
      t.resolve();
    }
    this.timers.clear();
    await this.idle();
  }

  /** Flags everything still being checked and goes on accepting new jobs (tests that share one app). */
  async cancelAll(): Promise<void> {
    await this.stop();
    this.stopped = false;
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.timers.add(entry);
    });
  }

  /** When this check gives up: a resumed check keeps its own, a new one has settle.deadlineMs from the loss. */
  private deadlineOf(job: SettleJob): number {
    return job.deadlineAt ?? job.lostAt + this.deps.settle.deadlineMs;
  }

  /** The outcome_checks row a check begins with (first write, or the retry after a failed first write). */
  private beginRow(entry: OutcomeEntry): Parameters<DbOutcomeStore['begin']>[0] {
    const { job } = entry;
    return {
      owner: entry.owner,
      userId: job.userId,
      key: job.key,
      username: job.username,
      operation: job.operation,
      target: job.target,
      intentId: job.intentId,
      detail: entry.detail,
      lostAt: job.lostAt,
      deadlineAt: this.deadlineOf(job),
    };
  }

  private async run(entry: OutcomeEntry, firstLook?: () => void): Promise<void> {
    const { job } = entry;
    const { graceMs, firstDelayMs, maxIntervalMs } = this.deps.settle;
    const deadline = this.deadlineOf(job);
    // Flowroute may still be working on a request whose answer was lost (or sends may show up in the MDR list a
    // little later): "not there" only counts after the grace period. A definite 5xx answer on a number or route
    // means Flowroute finished with it, so "not there" counts at once.
    const negativeFrom =
      job.cause === 'upstream_5xx' && job.operation !== 'sendMessage' ? job.lostAt : job.lostAt + graceMs;
    let delay = job.resumed ? 0 : firstDelayMs;
    let last = 'no check yet';
    for (;;) {
      await this.sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
      if (entry.lost) return;
      if (this.stopped) break;
      entry.checks++;
      const check = await this.check(job);
      if (check.kind === 'applied') {
        await this.finish(entry, 'applied', check.evidence, check.answer, check.flowrouteId);
        return;
      }
      last = check.kind === 'absent' ? check.evidence : check.reason;
      if (check.kind === 'absent' && Date.now() >= negativeFrom) {
        await this.finish(entry, 'not_applied', check.evidence, notAppliedAnswer(check.evidence), null);
        return;
      }
      if (Date.now() >= deadline) break;
      void this.persist(entry, 'check count', async (r) => {
        if (entry.lost || !entry.recorded) return;
        if (!(await r.checked(job.userId, job.key, entry.owner, entry.checks)))
          this.lose(entry, 'its check count');
      });
      firstLook?.();
      delay = Math.min(maxIntervalMs, Math.max(delay * 2, 50));
      // Do not sleep past the moment a "not there" would count.
      if (check.kind === 'absent') delay = Math.min(delay, Math.max(50, negativeFrom - Date.now()));
    }
    await this.finish(
      entry,
      'flagged',
      this.stopped
        ? `proxy stopped while checking (last: ${last})`
        : `no answer within ${deadline - job.lostAt} ms (last: ${last})`,
      flaggedAnswer(),
      null,
    );
  }

  private async finish(
    entry: OutcomeEntry,
    state: Exclude<OutcomeState, 'checking'>,
    evidence: string,
    answer: StoredResponse,
    flowrouteId: string | null,
  ): Promise<void> {
    const { job } = entry;
    if (entry.lost) return;
    const took = Date.now() - job.lostAt;
    entry.state = state;
    entry.answer = answer;
    entry.settledAt = Date.now();
    entry.detail =
      state === 'applied'
        ? `Applied: ${evidence}.`
        : state === 'not_applied'
          ? `Not applied: ${evidence}.`
          : `Flagged for an operator: ${evidence}.`;
    // The key's record is written with the settled state when it is in the database; else below, once this check is
    // known to hold the key.
    const inTransaction = this.deps.records != null && this.deps.idempotency instanceof DbIdempotencyStore;
    const idempotency: IdempotencyWrite = !inTransaction
      ? 'none'
      : state === 'not_applied'
        ? 'release'
        : 'complete';
    if (this.deps.records) {
      // Only while this check holds the row: idempotency record and settled state in one statement.
      let result = 'failed' as 'held' | 'lost' | 'failed';
      if (!entry.recorded) {
        // Its begin was not written (the database failed then): no other check can hold the key; write it now.
        await this.persist(entry, 'begin (again)', async (r) => {
          await r.begin(this.beginRow(entry), true);
          entry.recorded = true;
        });
      }
      await this.persist(entry, 'settled state', async (r) => {
        const held = await r.settle(job.userId, job.key, entry.owner, {
          state,
          detail: entry.detail,
          checks: entry.checks,
          answer,
          settledAt: entry.settledAt ?? Date.now(),
          idempotency,
        });
        result = held ? 'held' : 'lost';
      });
      if (result === 'lost') {
        this.lose(entry, `its settled outcome (${state})`);
        return;
      }
      if (result === 'failed') {
        // Not recorded: the key stays "in flight" and the row "checking"; once abandoned, a retry takes it over and
        // reads Flowroute back again. No audit outcome from here, so the one written then is the only one.
        return;
      }
      // Settled in the database, which answers for the key from now on (a newer check may follow there).
      const id = OutcomeSettler.id(job.userId, job.key);
      if (this.entries.get(id) === entry) this.entries.delete(id);
    }
    if (!inTransaction) {
      try {
        if (state === 'not_applied') {
          await this.deps.idempotency.release({ key: job.key, userId: job.userId });
        } else {
          await this.deps.idempotency.complete({ key: job.key, userId: job.userId, response: answer });
        }
      } catch (err) {
        this.deps.log.error(
          { err: { message: (err as Error).message } },
          'idempotency update after settling failed',
        );
      }
    }
    const log =
      state === 'flagged' ? this.deps.log.error.bind(this.deps.log) : this.deps.log.info.bind(this.deps.log);
    log(
      { operation: job.operation, target: job.target, outcome: state, checks: entry.checks, settle_ms: took },
      state === 'flagged'
        ? 'unknown outcome could not be settled: flagged for an operator (check Flowroute)'
        : 'unknown outcome settled by reading Flowroute back',
    );
    if (this.deps.audit && job.intentId !== null) {
      await this.deps.audit
        .outcome(job.intentId, {
          status: answer.status,
          flowrouteId,
          durationMs: Date.now() - job.sentAt,
          result: state === 'applied' ? 'ok' : state === 'not_applied' ? 'failed' : 'unknown',
          detail: `settled after ${job.firstProblem} (${job.cause}) in ${took} ms: ${entry.detail}`,
        })
        .catch((err: unknown) =>
          this.deps.log.error(
            { err: { message: (err as Error).message } },
            'audit outcome after settling failed',
          ),
        );
    }
  }

  private async read(pathAndQuery: string): Promise<ProxyAnswer> {
    return this.deps.forwarder.send({
      method: 'GET',
      pathAndQuery,
      json: null,
      kind: 'read',
      log: this.deps.log,
    });
  }

  /** One look at Flowroute for this job. */
  private async check(job: SettleJob): Promise<Check> {
    try {
      switch (job.operation) {
        case 'purchaseNumber':
          return await this.checkPurchase(job);
        case 'updatePrimaryRoute':
        case 'updateFailoverRoute':
          return await this.checkRouteChange(job);
        case 'createRoute':
          return await this.checkCreateRoute(job);
        case 'sendMessage':
          return await this.checkSend(job);
        default:
          return { kind: 'inconclusive', reason: `no read-back for ${job.operation}` };
      }
    } catch (err) {
      return { kind: 'inconclusive', reason: (err as Error).message };
    }
  }

  private inconclusive(res: ProxyAnswer, what: string): Check {
    return { kind: 'inconclusive', reason: `${what}: ${res.proxyError ?? `HTTP ${res.status}`}` };
  }

  private async checkPurchase(job: SettleJob): Promise<Check> {
    const number = /^\/v2\/numbers\/([0-9]+)$/.exec(job.pathAndQuery)?.[1];
    if (!number) return { kind: 'inconclusive', reason: 'no number' };
    const res = await this.read(`/v2/numbers/${number}`);
    if (res.status === 200 && res.proxyError === null) {
      return applied(201, parseJson(res.body), `${number} is on the account`, number);
    }
    if (res.status === 404 && res.proxyError === null)
      return { kind: 'absent', evidence: `${number} is not on the account` };
    return this.inconclusive(res, 'reading the number');
  }

  private async checkRouteChange(job: SettleJob): Promise<Check> {
    const m = /^\/v2\/numbers\/([0-9]+)\/relationships\/(primary_route|failover_route)$/.exec(
      job.pathAndQuery,
    );
    const doc = parseJson(job.json ?? '');
    const wanted = isRecord(doc) && isRecord(doc.data) ? doc.data.id : undefined;
    if (!m || typeof wanted !== 'string') return { kind: 'inconclusive', reason: 'no number or route id' };
    const [, number, relationship] = m as unknown as [string, string, string];
    const res = await this.read(`/v2/numbers/${number}`);
    if (res.status === 404 && res.proxyError === null)
      return { kind: 'absent', evidence: `${number} is not on the account` };
    if (res.status !== 200 || res.proxyError !== null) return this.inconclusive(res, 'reading the number');
    const num = parseJson(res.body);
    const rel =
      isRecord(num) && isRecord(num.data) && isRecord(num.data.relationships)
        ? num.data.relationships[relationship]
        : undefined;
    const current = isRecord(rel) && isRecord(rel.data) ? rel.data.id : null;
    if (String(current ?? '') === wanted) {
      return applied(204, undefined, `${relationship} of ${number} is route ${wanted}`, wanted);
    }
    return {
      kind: 'absent',
      evidence: `${relationship} of ${number} is ${current === null ? 'not set' : `route ${String(current)}`}, not ${wanted}`,
    };
  }

  private async checkCreateRoute(job: SettleJob): Promise<Check> {
    const doc = parseJson(job.json ?? '');
    const attrs =
      isRecord(doc) && isRecord(doc.data) && isRecord(doc.data.attributes) ? doc.data.attributes : {};
    const same = (a: unknown, b: unknown) => String(a ?? '').toLowerCase() === String(b ?? '').toLowerCase();
    for (let page = 0; page < ROUTE_PAGES_MAX; page++) {
      const res = await this.read(`/v2/routes?limit=200&offset=${page * 200}`);
      if (res.status !== 200 || res.proxyError !== null) return this.inconclusive(res, 'listing routes');
      const list = parseJson(res.body);
      const data = isRecord(list) && Array.isArray(list.data) ? (list.data as unknown[]) : [];
      for (const r of data) {
        if (!isRecord(r) || !isRecord(r.attributes)) continue;
        const a = r.attributes;
        if (
          same(a.alias, attrs.alias) &&
          same(a.route_type, attrs.route_type) &&
          same(a.value, attrs.value)
        ) {
          const id = typeof r.id === 'string' ? r.id : null;
          return applied(201, { data: r }, `route ${id ?? '?'} "${String(attrs.alias)}" exists`, id);
        }
      }
      if (data.length < 200) break;
    }
    return { kind: 'absent', evidence: `no route "${String(attrs.alias)}" with that type and value` };
  }

  private async checkSend(job: SettleJob): Promise<Check> {
    const attrs = messageAttrs(job.json);
    const from = digitsOf(attrs.from);
    const to = digitsOf(attrs.to);
    const body = typeof attrs.body === 'string' ? attrs.body : '';
    // A little before the send, for clock differences; MDRs newest first.
    const since = new Date(job.sentAt - 2_000).toISOString();
    const res = await this.read(`/v2.1/messages?start_date=${encodeURIComponent(since)}&limit=1000`);
    if (res.status !== 200 || res.proxyError !== null) return this.inconclusive(res, 'listing messages');
    const list = parseJson(res.body);
    const data = isRecord(list) && Array.isArray(list.data) ? (list.data as unknown[]) : [];
    for (const m of data) {
      if (!isRecord(m) || !isRecord(m.attributes)) continue;
      const a = m.attributes;
      if (a.direction !== undefined && a.direction !== 'outbound') continue;
      if (digitsOf(a.from) === from && digitsOf(a.to) === to && (a.body ?? '') === body) {
        const id = typeof m.id === 'string' ? m.id : null;
        return applied(
          202,
          { data: { type: 'message', id } },
          `message ${id ?? '?'} from ${from} to ${to} with the same text is in the message log`,
          id,
        );
      }
    }
    return { kind: 'absent', evidence: `no message from ${from} to ${to} with that text since ${since}` };
  }

  private prune(): void {
    const cutoff = Date.now() - SETTLED_TTL_MS;
    for (const [id, e] of this.entries) {
      if (this.entries.size <= MAX_ENTRIES && (e.settledAt === null || e.settledAt > cutoff)) continue;
      if (e.state === 'applied' || e.state === 'not_applied') this.entries.delete(id);
    }
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    outcomes: OutcomeSettler;
  }
}

export default fp(
  async function outcomesPlugin(app: FastifyInstance, opts: { config: Config; audit: AuditLog | null }) {
    const db = app.store?.db;
    const settler = new OutcomeSettler({
      forwarder: app.flowroute,
      idempotency: app.idempotency,
      audit: opts.audit,
      settle: opts.config.settle,
      log: app.log,
      records: db ? new DbOutcomeStore(db) : null,
      maxSendMs: opts.config.timeouts.connectMs + opts.config.timeouts.mutationMs,
    });
    app.decorate('outcomes', settler);
    // Checks abandoned by a stopped replica and not taken over in time: flagged (every replica sweeps; the row update
    // is conditional, so each row is flagged once and never while a retry is taking it over).
    let timer: NodeJS.Timeout | null = null;
    if (db) {
      timer = setInterval(() => {
        settler
          .sweepAbandoned()
          .catch((err: unknown) =>
            app.log.error({ err: { message: (err as Error).message } }, 'outcome sweep failed'),
          );
      }, SWEEP_EVERY_MS);
      timer.unref();
    }
    // Before the forwarder's pool closes (onClose hooks run in reverse order of registration).
    app.addHook('onClose', async () => {
      if (timer) clearInterval(timer);
      await settler.stop();
    });
  },
  { name: 'outcomes', dependencies: ['flowroute-forwarder', 'idempotency'] },
);
