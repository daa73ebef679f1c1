// Single-use confirmations for spending money (S-13): after the UI has shown the number and its cost, it asks the
// proxy for a token bound to (user, action, target, what was shown). The purchase must carry the token; it is
// valid for 5 minutes and consumed once, atomically, so a replayed or second use is refused before Flowroute.
// The database holds only the token's SHA-256.
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './db';

export const CONFIRMATION_TTL_MS = 5 * 60_000;

export type ConsumeResult =
  | { ok: true; details: Record<string, unknown> }
  | { ok: false; reason: 'invalid' | 'used' | 'expired' | 'mismatch' };

const hash = (token: string) => createHash('sha256').update(token).digest('hex');
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

export class ConfirmationStore {
  constructor(
    private readonly db: Db,
    private readonly ttlMs = CONFIRMATION_TTL_MS,
    private readonly now: () => number = () => Date.now(),
  ) {}

  async issue(input: {
    userId: string;
    action: string;
    target: string;
    details: Record<string, unknown>;
  }): Promise<{ token: string; expiresAt: string }> {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const expires = new Date(now + this.ttlMs);
    await this.db.query(
      `INSERT INTO confirmations (token_hash, user_id, action, target, details, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)`,
      [
        hash(token),
        input.userId,
        input.action,
        input.target,
        JSON.stringify(input.details),
        new Date(now),
        expires,
      ],
    );
    return { token, expiresAt: expires.toISOString() };
  }

  /** Uses the token up (whatever the result, a presented valid token cannot be used again). */
  async consume(input: {
    userId: string;
    action: string;
    target: string;
    token: string;
  }): Promise<ConsumeResult> {
    if (!TOKEN_RE.test(input.token)) return { ok: false, reason: 'invalid' };
    const now = new Date(this.now());
    const rows = await this.db.query<{
      user_id: string;
      action: string;
      target: string;
      details: Record<string, unknown> | string;
      expires_at: Date;
    }>(
      `UPDATE confirmations SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL
       RETURNING user_id, action, target, details, expires_at`,
      [hash(input.token), now],
    );
    const row = rows[0];
    if (!row) {
      const exists = await this.db.query('SELECT 1 FROM confirmations WHERE token_hash = $1', [
        hash(input.token),
      ]);
      return { ok: false, reason: exists.length > 0 ? 'used' : 'invalid' };
    }
    if (new Date(row.expires_at).getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
    if (row.user_id !== input.userId || row.action !== input.action || row.target !== input.target) {
      return { ok: false, reason: 'mismatch' };
    }
    const details =
      typeof row.details === 'string' ? (JSON.parse(row.details) as Record<string, unknown>) : row.details;
    return { ok: true, details };
  }

  async purgeExpired(): Promise<number> {
    const rows = await this.db.query('DELETE FROM confirmations WHERE expires_at < $1 RETURNING token_hash', [
      new Date(this.now() - 24 * 3_600_000),
    ]);
    return rows.length;
  }
}
