// Unknown outcomes being settled (I-3), in the database so every replica can answer GET /api/outcomes/:key: the
// replica whose mutation lost its answer writes a row when it starts reading Flowroute back, bumps its check count
// and writes the settled state and the answer a retry with the key now gets. Another replica (the browser's poll
// may land anywhere behind a load balancer) reads the row. Rows live as long as idempotency records (24 h).
//
// Each check holds the row through an owner token (a new one when a check begins or another replica takes an
// abandoned check over). Only the holder writes: its check count, and — in one statement that proves it still holds
// the row — the settled state and the key's idempotency record. A replica that stalled past its deadline and lost the
// row to a takeover gets `false` back and must drop what it found (plugins/outcomes.ts logs it).
import type { Queryable } from './db';
import { IDEMPOTENCY_TTL_MS } from './idempotency';
import type { StoredResponse } from './types';

export type OutcomeState = 'checking' | 'applied' | 'not_applied' | 'flagged';

export interface OutcomeRecord {
  userId: string;
  key: string;
  username: string;
  operation: string;
  target: string | null;
  intentId: string | null;
  state: OutcomeState;
  detail: string;
  checks: number;
  answer: StoredResponse | null;
  /** When the answer was found missing, and when the checking replica gives up (then flags it). */
  lostAt: number;
  deadlineAt: number;
  settledAt: number | null;
  /** The token of the check that holds the row (null: written before owners existed, or swept). */
  owner: string | null;
}

/** What settling does to the key's idempotency record: replay `answer`, free the key, or nothing (kept elsewhere). */
export type IdempotencyWrite = 'complete' | 'release' | 'none';

interface Row {
  user_id: string;
  key: string;
  username: string;
  operation: string;
  target: string | null;
  intent_id: string | null;
  state: OutcomeState;
  detail: string;
  checks: number;
  answer: StoredResponse | string | null;
  lost_at: Date;
  deadline_at: Date;
  settled_at: Date | null;
  owner: string | null;
}

function fromRow(r: Row): OutcomeRecord {
  return {
    userId: r.user_id,
    key: r.key,
    username: r.username,
    operation: r.operation,
    target: r.target,
    intentId: r.intent_id,
    state: r.state,
    detail: r.detail,
    checks: Number(r.checks),
    answer: typeof r.answer === 'string' ? (JSON.parse(r.answer) as StoredResponse) : r.answer,
    lostAt: new Date(r.lost_at).getTime(),
    deadlineAt: new Date(r.deadline_at).getTime(),
    settledAt: r.settled_at === null ? null : new Date(r.settled_at).getTime(),
    owner: r.owner,
  };
}

const COLUMNS =
  'user_id, key, username, operation, target, intent_id, state, detail, checks, answer, lost_at, deadline_at, ' +
  'settled_at, owner';

export class DbOutcomeStore {
  constructor(
    private readonly db: Queryable,
    private readonly ttlMs = IDEMPOTENCY_TTL_MS,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /**
   * A check starts. The same (user, key) may come again after "not applied" freed the key and the resent request
   * lost its answer too: the row then starts over, held by the new check's `owner` token.
   * `again`: a second try after this check's first begin seemed to fail — it may have been written after all and
   * the check taken over since, so only a row of an older check (lost earlier) or this check's own is replaced.
   */
  async begin(
    r: Omit<OutcomeRecord, 'state' | 'checks' | 'answer' | 'settledAt' | 'owner'> & { owner?: string | null },
    again = false,
  ): Promise<void> {
    await this.db.query(
      `INSERT INTO outcome_checks (user_id, key, username, operation, target, intent_id, state, detail, checks,
         answer, lost_at, deadline_at, settled_at, expires_at, owner)
       VALUES ($1, $2, $3, $4, $5, $6, 'checking', $7, 0, NULL, $8, $9, NULL, $10, $11)
       ON CONFLICT (user_id, key) DO UPDATE SET username = EXCLUDED.username, operation = EXCLUDED.operation,
         target = EXCLUDED.target, intent_id = EXCLUDED.intent_id, state = 'checking', detail = EXCLUDED.detail,
         checks = 0, answer = NULL, lost_at = EXCLUDED.lost_at, deadline_at = EXCLUDED.deadline_at,
         settled_at = NULL, expires_at = EXCLUDED.expires_at, owner = EXCLUDED.owner
       ${again ? 'WHERE outcome_checks.lost_at < EXCLUDED.lost_at OR outcome_checks.owner = EXCLUDED.owner' : ''}`,
      [
        r.userId,
        r.key,
        r.username,
        r.operation,
        r.target,
        r.intentId,
        r.detail,
        new Date(r.lostAt),
        new Date(r.deadlineAt),
        new Date(r.lostAt + this.ttlMs),
        r.owner ?? null,
      ],
    );
  }

  /**
   * One more look at Flowroute was taken (still checking). False when `owner` no longer holds the row (another
   * replica took the check over, or it was settled or swept): the caller stops checking.
   */
  async checked(userId: string, key: string, owner: string, checks: number): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE outcome_checks SET checks = $4
       WHERE user_id = $1 AND key = $2 AND owner = $3 AND state = 'checking' RETURNING key`,
      [userId, key, owner, checks],
    );
    return rows.length > 0;
  }

  /**
   * The settled state, what a retry with the key now gets, and (`idempotency`) the key's idempotency record — in one
   * statement, and only while `owner` holds a row still "checking" (the row is locked first, so a takeover waits or
   * has already won). A replica that was presumed dead and comes back late (its check was taken over, settled or
   * swept meanwhile) changes nothing and gets false: neither the key's replay answer nor the row is overwritten, and
   * it must not write an audit outcome either. With no row at all (its begin failed, so nobody can have taken it
   * over) the idempotency record is still written.
   */
  async settle(
    userId: string,
    key: string,
    owner: string,
    s: {
      state: Exclude<OutcomeState, 'checking'>;
      detail: string;
      checks: number;
      answer: StoredResponse;
      settledAt: number;
      idempotency: IdempotencyWrite;
    },
  ): Promise<boolean> {
    const params: unknown[] = [
      userId,
      key,
      owner,
      s.state,
      s.detail,
      s.checks,
      JSON.stringify(s.answer),
      new Date(s.settledAt),
    ];
    let idem = '';
    if (s.idempotency === 'complete') {
      params.push(s.answer.status, JSON.stringify(s.answer.headers), s.answer.body);
      idem = `, idem AS (
        UPDATE idempotency SET state = 'done', status = $9, headers = $10::jsonb, body = $11
        WHERE user_id = $1 AND key = $2 AND EXISTS (SELECT 1 FROM ok) RETURNING key)`;
    } else if (s.idempotency === 'release') {
      idem = `, idem AS (
        DELETE FROM idempotency WHERE user_id = $1 AND key = $2 AND state = 'in_flight' AND EXISTS (SELECT 1 FROM ok)
        RETURNING key)`;
    }
    const rows = await this.db.query<{ held: boolean }>(
      `WITH locked AS (
         SELECT owner, state FROM outcome_checks WHERE user_id = $1 AND key = $2 FOR UPDATE
       ), ok AS (
         SELECT 1 FROM (SELECT count(*) AS n, bool_and(owner IS NOT DISTINCT FROM $3::text AND state = 'checking')
           AS mine FROM locked) l
         WHERE l.n = 0 OR l.mine
       ), settled AS (
         UPDATE outcome_checks SET state = $4, detail = $5, checks = $6, answer = $7::jsonb, settled_at = $8
         WHERE user_id = $1 AND key = $2 AND owner = $3::text AND state = 'checking' RETURNING key
       )${idem}
       SELECT EXISTS (SELECT 1 FROM ok) AS held, (SELECT count(*) FROM settled) AS settled`,
      params,
    );
    return rows[0]?.held === true;
  }

  async get(userId: string, key: string): Promise<OutcomeRecord | null> {
    const rows = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM outcome_checks WHERE user_id = $1 AND key = $2 AND expires_at > $3`,
      [userId, key, new Date(this.now())],
    );
    return rows[0] ? fromRow(rows[0]) : null;
  }

  /**
   * Takes over a check whose replica stopped without finishing it (killed: the row is still "checking" and its
   * deadline passed before `abandonedBefore`). Atomic: of several replicas trying at once exactly one gets the row
   * back (with a new deadline, so it is no longer abandoned, and the new `owner` token, so the replica it was taken
   * from can no longer write to it); the others get null.
   */
  async takeOver(
    userId: string,
    key: string,
    t: { abandonedBefore: number; deadlineAt: number; detail: string; lostAfter: number; owner: string },
  ): Promise<OutcomeRecord | null> {
    // lostAfter: only a recent loss is checked again; hours later a read-back could miss the change (a busy
    // account's message log moves on) and wrongly free the key, so an older row is left to an operator.
    const rows = await this.db.query<Row>(
      `UPDATE outcome_checks SET deadline_at = $4, detail = $5, owner = $8
       WHERE user_id = $1 AND key = $2 AND state = 'checking' AND deadline_at < $3 AND expires_at > $6
         AND lost_at > $7
       RETURNING ${COLUMNS}`,
      [
        userId,
        key,
        new Date(t.abandonedBefore),
        new Date(t.deadlineAt),
        t.detail,
        new Date(this.now()),
        new Date(t.lostAfter),
        t.owner,
      ],
    );
    return rows[0] ? fromRow(rows[0]) : null;
  }

  /**
   * Flags checks abandoned by a stopped replica that nobody took over within the takeover window (the row is still
   * "checking", its deadline passed before `abandonedBefore` and the answer was lost before `lostBefore`): the row
   * becomes "flagged" with `answer`, and the key — if still "in flight" — replays `answer` instead of answering 409
   * for a day. One statement; the row update is conditional like takeOver's, so of a takeover and this sweep
   * exactly one gets a row. Returns the rows flagged (the caller writes their audit outcomes).
   */
  async flagAbandoned(f: {
    abandonedBefore: number;
    lostBefore: number;
    detail: string;
    answer: StoredResponse;
    limit?: number;
  }): Promise<OutcomeRecord[]> {
    const rows = await this.db.query<Row>(
      `WITH flagged AS (
         UPDATE outcome_checks SET state = 'flagged', detail = $3, answer = $4::jsonb, settled_at = $5, owner = NULL
         WHERE (user_id, key) IN (
             SELECT user_id, key FROM outcome_checks
             WHERE state = 'checking' AND deadline_at < $1 AND lost_at <= $2 AND expires_at > $5
             ORDER BY lost_at LIMIT $6 FOR UPDATE SKIP LOCKED)
           AND state = 'checking' AND deadline_at < $1 AND lost_at <= $2
         RETURNING ${COLUMNS}
       ), idem AS (
         UPDATE idempotency i SET state = 'done', status = $7, headers = $8::jsonb, body = $9
         FROM flagged f WHERE i.user_id = f.user_id AND i.key = f.key AND i.state = 'in_flight'
         RETURNING i.key
       )
       SELECT * FROM flagged`,
      [
        new Date(f.abandonedBefore),
        new Date(f.lostBefore),
        f.detail,
        JSON.stringify(f.answer),
        new Date(this.now()),
        f.limit ?? 100,
        f.answer.status,
        JSON.stringify(f.answer.headers),
        f.answer.body,
      ],
    );
    return rows.map(fromRow);
  }

  /**
   * Records an operator should look at, across every replica: still checking or flagged (a row abandoned by a killed
   * replica is still "checking" here; the caller shows it as the poll does). Newest first.
   */
  async unsettled(limit = 1000): Promise<OutcomeRecord[]> {
    const rows = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM outcome_checks
       WHERE state IN ('checking', 'flagged') AND expires_at > $1 ORDER BY lost_at DESC LIMIT $2`,
      [new Date(this.now()), limit],
    );
    return rows.map(fromRow);
  }

  /** Of these audit intents, the ones that have a check record (whatever its state). */
  async intentsWithRecords(intentIds: string[]): Promise<Set<string>> {
    if (intentIds.length === 0) return new Set();
    const rows = await this.db.query<{ intent_id: string }>(
      'SELECT intent_id FROM outcome_checks WHERE intent_id = ANY($1::text[])',
      [intentIds],
    );
    return new Set(rows.map((r) => r.intent_id));
  }

  async purgeExpired(): Promise<number> {
    const rows = await this.db.query('DELETE FROM outcome_checks WHERE expires_at <= $1 RETURNING key', [
      new Date(this.now()),
    ]);
    return rows.length;
  }
}
