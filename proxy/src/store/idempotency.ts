// Idempotency records in the database, so a replay works after a restart and across replicas. The claim is
// atomic: INSERT … ON CONFLICT DO NOTHING decides the single winner, then the loser reads the row.
import type { Db } from './db';
import type { IdempotencyClaim, IdempotencyStore, StoredResponse } from './types';

interface Row {
  operation: string;
  request_hash: string;
  state: 'in_flight' | 'done';
  status: number | null;
  headers: Record<string, string> | null;
  body: string | null;
}

export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;

export class DbIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly db: Db,
    private readonly ttlMs = IDEMPOTENCY_TTL_MS,
    private readonly now: () => number = () => Date.now(),
  ) {}

  async claim(input: {
    key: string;
    userId: string;
    operation: string;
    requestHash: string;
  }): Promise<IdempotencyClaim> {
    const now = this.now();
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await this.db.query(
        `INSERT INTO idempotency (user_id, key, operation, request_hash, state, created_at, expires_at)
         VALUES ($1, $2, $3, $4, 'in_flight', $5, $6) ON CONFLICT (user_id, key) DO NOTHING RETURNING key`,
        [
          input.userId,
          input.key,
          input.operation,
          input.requestHash,
          new Date(now),
          new Date(now + this.ttlMs),
        ],
      );
      if (inserted.length === 1) return { kind: 'claimed' };
      const rows = await this.db.query<Row & { expires_at: Date }>(
        `SELECT operation, request_hash, state, status, headers, body, expires_at
         FROM idempotency WHERE user_id = $1 AND key = $2`,
        [input.userId, input.key],
      );
      const row = rows[0];
      if (!row) continue; // deleted between our insert and read: try again
      if (new Date(row.expires_at).getTime() <= now) {
        // Expired record: remove exactly that one (another process may have re-claimed meanwhile) and retry.
        await this.db.query('DELETE FROM idempotency WHERE user_id = $1 AND key = $2 AND expires_at <= $3', [
          input.userId,
          input.key,
          new Date(now),
        ]);
        continue;
      }
      if (row.operation !== input.operation || row.request_hash !== input.requestHash)
        return { kind: 'mismatch' };
      if (row.state === 'in_flight') return { kind: 'in_flight' };
      return {
        kind: 'replay',
        response: { status: Number(row.status ?? 500), headers: row.headers ?? {}, body: row.body ?? '' },
      };
    }
    return { kind: 'in_flight' };
  }

  async complete(input: { key: string; userId: string; response: StoredResponse }): Promise<void> {
    await this.db.query(
      `UPDATE idempotency SET state = 'done', status = $3, headers = $4::jsonb, body = $5
       WHERE user_id = $1 AND key = $2`,
      [
        input.userId,
        input.key,
        input.response.status,
        JSON.stringify(input.response.headers),
        input.response.body,
      ],
    );
  }

  async release(input: { key: string; userId: string }): Promise<void> {
    await this.db.query("DELETE FROM idempotency WHERE user_id = $1 AND key = $2 AND state = 'in_flight'", [
      input.userId,
      input.key,
    ]);
  }

  async purgeExpired(): Promise<number> {
    const rows = await this.db.query('DELETE FROM idempotency WHERE expires_at <= $1 RETURNING key', [
      new Date(this.now()),
    ]);
    return rows.length;
  }
}
