// Unknown outcomes being settled (I-3), in the database so every replica can answer GET /api/outcomes/:key: the
// replica whose mutation lost its answer writes a row when it starts reading Flowroute back, bumps its check count
// and writes the settled state and the answer a retry with the key now gets. Another replica (the browser's poll
// may land anywhere behind a load balancer) reads the row. Rows live as long as idempotency records (24 h).
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
}

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
  };
}

const COLUMNS =
  'user_id, key, username, operation, target, intent_id, state, detail, checks, answer, lost_at, deadline_at, ' +
  'settled_at';

export class DbOutcomeStore {
  constructor(
    private readonly db: Queryable,
    private readonly ttlMs = IDEMPOTENCY_TTL_MS,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /**
   * A check starts. The same (user, key) may come again after "not applied" freed the key and the resent request
   * lost its answer too: the row then starts over.
   */
  async begin(r: Omit<OutcomeRecord, 'state' | 'checks' | 'answer' | 'settledAt'>): Promise<void> {
    await this.db.query(
      `INSERT INTO outcome_checks (user_id, key, username, operation, target, intent_id, state, detail, checks,
         answer, lost_at, deadline_at, settled_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'checking', $7, 0, NULL, $8, $9, NULL, $10)
       ON CONFLICT (user_id, key) DO UPDATE SET username = EXCLUDED.username, operation = EXCLUDED.operation,
         target = EXCLUDED.target, intent_id = EXCLUDED.intent_id, state = 'checking', detail = EXCLUDED.detail,
         checks = 0, answer = NULL, lost_at = EXCLUDED.lost_at, deadline_at = EXCLUDED.deadline_at,
         settled_at = NULL, expires_at = EXCLUDED.expires_at`,
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
      ],
    );
  }

  /** One more look at Flowroute was taken (still checking). */
  async checked(userId: string, key: string, checks: number): Promise<void> {
    await this.db.query(
      `UPDATE outcome_checks SET checks = $3 WHERE user_id = $1 AND key = $2 AND state = 'checking'`,
      [userId, key, checks],
    );
  }

  /**
   * The settled state and what a retry with the key now gets. Only a row still "checking" is settled: a replica that
   * was presumed dead and comes back late cannot overwrite what the replica that took its check over found.
   */
  async settle(
    userId: string,
    key: string,
    s: {
      state: Exclude<OutcomeState, 'checking'>;
      detail: string;
      checks: number;
      answer: StoredResponse;
      settledAt: number;
    },
  ): Promise<void> {
    await this.db.query(
      `UPDATE outcome_checks SET state = $3, detail = $4, checks = $5, answer = $6::jsonb, settled_at = $7
       WHERE user_id = $1 AND key = $2 AND state = 'checking'`,
      [userId, key, s.state, s.detail, s.checks, JSON.stringify(s.answer), new Date(s.settledAt)],
    );
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
   * back (with a new deadline, so it is no longer abandoned); the others get null.
   */
  async takeOver(
    userId: string,
    key: string,
    t: { abandonedBefore: number; deadlineAt: number; detail: string; lostAfter: number },
  ): Promise<OutcomeRecord | null> {
    // lostAfter: only a recent loss is checked again; hours later a read-back could miss the change (a busy
    // account's message log moves on) and wrongly free the key, so an older row is left to an operator.
    const rows = await this.db.query<Row>(
      `UPDATE outcome_checks SET deadline_at = $4, detail = $5
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
      ],
    );
    return rows[0] ? fromRow(rows[0]) : null;
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
