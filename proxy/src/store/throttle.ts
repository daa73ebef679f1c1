// Sign-in throttling against password guessing: fixed windows of failures per key, kept in the database so all
// replicas count together. Keys: username+IP (5 per 15 min) and IP alone (100 per 15 min, slows spraying).
import type { Db } from './db';

export interface ThrottleRule {
  key: string;
  max: number;
  windowMs: number;
}

export interface ThrottleLimits {
  perUserIp: number;
  perIp: number;
  windowMs: number;
}

/** perIp is generous: staff behind one NAT share an address, and it must not lock them all out. */
export const DEFAULT_THROTTLE: ThrottleLimits = { perUserIp: 5, perIp: 100, windowMs: 15 * 60_000 };

export function loginRules(
  username: string,
  ip: string,
  limits: ThrottleLimits = DEFAULT_THROTTLE,
): ThrottleRule[] {
  return [
    { key: `u:${username.trim().toLowerCase()}|${ip}`, max: limits.perUserIp, windowMs: limits.windowMs },
    { key: `ip:${ip}`, max: limits.perIp, windowMs: limits.windowMs },
  ];
}

export class LoginThrottle {
  constructor(private readonly db: Db) {}

  /** Seconds to wait if any rule is exhausted, else 0. */
  async retryAfter(rules: ThrottleRule[], now = Date.now()): Promise<number> {
    let wait = 0;
    for (const rule of rules) {
      const rows = await this.db.query<{ failures: number; window_start: Date }>(
        'SELECT failures, window_start FROM login_throttle WHERE key = $1',
        [rule.key],
      );
      const row = rows[0];
      if (!row) continue;
      const end = new Date(row.window_start).getTime() + rule.windowMs;
      if (end > now && row.failures >= rule.max) wait = Math.max(wait, Math.ceil((end - now) / 1000));
    }
    return wait;
  }

  async recordFailure(rules: ThrottleRule[], now = Date.now()): Promise<void> {
    for (const rule of rules) {
      await this.db.query(
        `INSERT INTO login_throttle (key, failures, window_start) VALUES ($1, 1, $2)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN login_throttle.window_start < $3 THEN 1 ELSE login_throttle.failures + 1 END,
           window_start = CASE WHEN login_throttle.window_start < $3 THEN $2 ELSE login_throttle.window_start END`,
        [rule.key, new Date(now), new Date(now - rule.windowMs)],
      );
    }
  }

  /** A successful sign-in clears the username+IP counter (not the IP-wide one). */
  async reset(key: string): Promise<void> {
    await this.db.query('DELETE FROM login_throttle WHERE key = $1', [key]);
  }

  async purgeExpired(windowMs: number, now = Date.now()): Promise<void> {
    await this.db.query('DELETE FROM login_throttle WHERE window_start < $1', [new Date(now - windowMs)]);
  }
}
