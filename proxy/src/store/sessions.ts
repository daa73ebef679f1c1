// Server-side sessions. The browser holds a 256-bit random token; the database holds only its SHA-256, so a
// database dump cannot be replayed as cookies. Idle and absolute lifetimes are checked on every lookup using the
// caller's clock (Date.now(), so fake timers drive it in tests).
import * as crypto from 'node:crypto';
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from './db';
import type { Role, SessionUser } from './types';

export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
  /** last_seen_at is written at most this often (a write per request is wasted work); default 5 s. */
  touchEveryMs?: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMs: 15 * 60_000, absoluteMs: 8 * 3_600_000 };

/** Node's one-shot digest (20.12+): no Hash object per call, ~0.6 µs less per request than createHash(). */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

export function hashToken(token: string): string {
  return oneShotHash ? oneShotHash('sha256', token, 'hex') : createHash('sha256').update(token).digest('hex');
}

interface Row {
  id_hash: string;
  user_id: string;
  username: string;
  role: Role;
  disabled: boolean;
  created_at: Date;
  last_seen_at: Date;
}

export interface SessionInfo {
  user: SessionUser;
  createdAt: number;
  lastSeenAt: number;
}

const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

/** Session rows kept in memory, each valid only while the database's write generation is unchanged (PGlite). */
const CACHE_MAX = 10_000;

export class SessionStore {
  private readonly cache = new Map<string, { row: Row; generation: number }>();

  constructor(
    private readonly db: Db,
    private readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS,
  ) {}

  get idleMs(): number {
    return this.limits.idleMs;
  }
  get absoluteMs(): number {
    return this.limits.absoluteMs;
  }

  /** Creates a fresh session (a new id at every sign-in). Returns the raw token for the cookie. */
  async create(userId: string, meta: { sourceIp?: string; userAgent?: string } = {}, now = Date.now()) {
    const token = randomBytes(32).toString('base64url');
    const idHash = hashToken(token);
    const at = new Date(now);
    await this.db.query(
      `INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, source_ip, user_agent)
       VALUES ($1, $2, $3, $3, $4, $5)`,
      [idHash, userId, at, meta.sourceIp ?? null, (meta.userAgent ?? '').slice(0, 300) || null],
    );
    return { token, idHash };
  }

  /**
   * The synchronous path of `lookup` (no promise, no microtask): the answer when the session's row is cached and
   * still exact (nothing written since, PGlite), within its idle and absolute limits and not due for its
   * `last_seen_at` touch; `undefined` whenever `lookup` would have to query or write (then call `lookup`).
   */
  lookupCached(token: string, now = Date.now()): SessionInfo | undefined {
    const generation = this.db.writeGeneration?.();
    if (generation === undefined || this.cache.size === 0 || !TOKEN_RE.test(token)) return undefined;
    const idHash = hashToken(token);
    const cached = this.cache.get(idHash);
    if (!cached || cached.generation !== generation) return undefined;
    const row = cached.row;
    const createdAt = new Date(row.created_at).getTime();
    const lastSeenAt = new Date(row.last_seen_at).getTime();
    if (row.disabled || now - lastSeenAt > this.limits.idleMs || now - createdAt > this.limits.absoluteMs) {
      return undefined;
    }
    if (now - lastSeenAt >= (this.limits.touchEveryMs ?? 5_000)) return undefined;
    return {
      user: { id: row.user_id, username: row.username, role: row.role, sessionId: idHash },
      createdAt,
      lastSeenAt: now,
    };
  }

  /** Returns the signed-in user for a cookie token, or null if unknown, expired, revoked or the user is disabled. */
  async lookup(token: string, now = Date.now()): Promise<SessionInfo | null> {
    if (!TOKEN_RE.test(token)) return null;
    const idHash = hashToken(token);
    // On PGlite (one process owns the database) a row read while nothing was written since is still exact, so
    // most lookups need no query; any write at all (logout, revocation, role change, a touch) invalidates it.
    const generation = this.db.writeGeneration?.();
    const cached = generation === undefined ? undefined : this.cache.get(idHash);
    let row = cached && cached.generation === generation ? cached.row : undefined;
    if (!row) {
      const rows = await this.db.query<Row>(
        `SELECT s.id_hash, s.user_id, s.created_at, s.last_seen_at, u.username, u.role, u.disabled
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1`,
        [idHash],
      );
      row = rows[0];
      if (!row) return null;
      if (generation !== undefined) {
        if (this.cache.size >= CACHE_MAX) this.cache.clear();
        this.cache.set(idHash, { row, generation });
      }
    }
    const createdAt = new Date(row.created_at).getTime();
    const lastSeenAt = new Date(row.last_seen_at).getTime();
    if (row.disabled || now - lastSeenAt > this.limits.idleMs || now - createdAt > this.limits.absoluteMs) {
      await this.db.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
      return null;
    }
    if (now - lastSeenAt >= (this.limits.touchEveryMs ?? 5_000)) {
      await this.db.query('UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1', [
        idHash,
        new Date(now),
      ]);
    }
    return {
      user: { id: row.user_id, username: row.username, role: row.role, sessionId: idHash },
      createdAt,
      lastSeenAt: now,
    };
  }

  /** Ends one session (logout). `sessionId` is the stored hash (SessionUser.sessionId). */
  async revoke(sessionId: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE id_hash = $1', [sessionId]);
  }

  /** Ends every session of a user (disable, password reset, admin revocation). Returns how many ended. */
  async revokeUser(userId: string): Promise<number> {
    const rows = await this.db.query('DELETE FROM sessions WHERE user_id = $1 RETURNING id_hash', [userId]);
    return rows.length;
  }

  async countForUser(userId: string): Promise<number> {
    const rows = await this.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM sessions WHERE user_id = $1',
      [userId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /** Deletes expired sessions (housekeeping; lookups already refuse them). */
  async purgeExpired(now = Date.now()): Promise<number> {
    const rows = await this.db.query(
      'DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2 RETURNING id_hash',
      [new Date(now - this.limits.idleMs), new Date(now - this.limits.absoluteMs)],
    );
    return rows.length;
  }
}
