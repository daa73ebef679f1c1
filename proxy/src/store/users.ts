// Staff accounts: username, role, scrypt password hash, disabled flag.
import { randomUUID } from 'node:crypto';
import type { Db } from './db';
import { DEFAULT_SCRYPT, hashPassword, verifyPassword, type ScryptParams } from './passwords';
import type { Role } from './types';

export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];
export const USERNAME_RE = /^[a-z0-9][a-z0-9._@-]{0,63}$/;

export interface User {
  id: string;
  username: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

interface UserRow {
  id: string;
  username: string;
  role: Role;
  disabled: boolean;
  password_hash: string | null;
  created_at: Date;
  updated_at: Date;
}

export class UserError extends Error {
  constructor(
    public readonly code: 'invalid_username' | 'invalid_role' | 'exists' | 'not_found' | 'last_admin',
    message: string,
  ) {
    super(message);
  }
}

export function normalizeUsername(name: string): string {
  return name.trim().toLowerCase();
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  username: r.username,
  role: r.role,
  disabled: r.disabled,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

export class UserStore {
  private dummyHash: Promise<string> | null = null;

  constructor(
    private readonly db: Db,
    private readonly scryptParams: ScryptParams = DEFAULT_SCRYPT,
  ) {}

  async list(): Promise<User[]> {
    const rows = await this.db.query<UserRow>('SELECT * FROM users ORDER BY username');
    return rows.map(toUser);
  }

  async get(id: string): Promise<User | null> {
    const rows = await this.db.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async findByUsername(username: string): Promise<User | null> {
    const rows = await this.db.query<UserRow>('SELECT * FROM users WHERE username = $1', [
      normalizeUsername(username),
    ]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async create(input: { username: string; role: Role; password: string }, now = new Date()): Promise<User> {
    const username = normalizeUsername(input.username);
    if (!USERNAME_RE.test(username)) {
      throw new UserError(
        'invalid_username',
        'Username: 1-64 of a-z 0-9 . _ @ -, starting with a letter or digit.',
      );
    }
    if (!isRole(input.role)) throw new UserError('invalid_role', 'Role must be viewer, operator or admin.');
    const hash = await hashPassword(input.password, this.scryptParams);
    const rows = await this.db.query<UserRow>(
      `INSERT INTO users (id, username, password_hash, role, disabled, created_at, updated_at)
       VALUES ($1, $2, $3, $4, false, $5, $5) ON CONFLICT (username) DO NOTHING RETURNING *`,
      [randomUUID(), username, hash, input.role, now],
    );
    if (!rows[0]) throw new UserError('exists', `User ${username} already exists.`);
    return toUser(rows[0]);
  }

  async setPassword(id: string, password: string, now = new Date()): Promise<User> {
    const hash = await hashPassword(password, this.scryptParams);
    return this.update(id, 'password_hash = $2', [hash], now);
  }

  /** Changes a role; refuses to demote the last enabled admin. */
  async setRole(id: string, role: Role, now = new Date()): Promise<User> {
    if (!isRole(role)) throw new UserError('invalid_role', 'Role must be viewer, operator or admin.');
    if (role !== 'admin') await this.assertNotLastAdmin(id);
    return this.update(id, 'role = $2', [role], now);
  }

  /** Disables or enables an account; refuses to disable the last enabled admin. */
  async setDisabled(id: string, disabled: boolean, now = new Date()): Promise<User> {
    if (disabled) await this.assertNotLastAdmin(id);
    return this.update(id, 'disabled = $2', [disabled], now);
  }

  private async assertNotLastAdmin(id: string): Promise<void> {
    const rows = await this.db.query<{ id: string }>(
      "SELECT id FROM users WHERE role = 'admin' AND NOT disabled AND id <> $1 LIMIT 1",
      [id],
    );
    const target = await this.get(id);
    if (!target) throw new UserError('not_found', 'No such user.');
    if (target.role === 'admin' && !target.disabled && rows.length === 0) {
      throw new UserError('last_admin', 'This is the last enabled admin; create another admin first.');
    }
  }

  private async update(id: string, set: string, params: unknown[], now: Date): Promise<User> {
    const rows = await this.db.query<UserRow>(
      `UPDATE users SET ${set}, updated_at = $${params.length + 2} WHERE id = $1 RETURNING *`,
      [id, ...params, now],
    );
    if (!rows[0]) throw new UserError('not_found', 'No such user.');
    return toUser(rows[0]);
  }

  /**
   * Checks a username and password: the user, 'disabled' (right password, disabled account) or null. Unknown users
   * and users without a password cost the same scrypt work as a real check (a dummy hash), so timing does not
   * reveal which usernames exist.
   */
  async authenticate(username: string, password: string): Promise<User | 'disabled' | null> {
    const rows = await this.db.query<UserRow>('SELECT * FROM users WHERE username = $1', [
      normalizeUsername(username),
    ]);
    const row = rows[0];
    const stored = row?.password_hash ?? (await this.getDummyHash());
    const ok = await verifyPassword(password, stored);
    if (!row || !row.password_hash || !ok) return null;
    return row.disabled ? 'disabled' : toUser(row);
  }

  private getDummyHash(): Promise<string> {
    this.dummyHash ??= hashPassword('dummy password that never matches', this.scryptParams);
    return this.dummyHash;
  }

  /**
   * Demo mode: makes sure the admin `demo` exists, enabled, with this password (the password changes each start
   * unless DEMO_PASSWORD is fixed).
   */
  async ensureDemoUser(username: string, password: string): Promise<User> {
    const existing = await this.findByUsername(username);
    if (!existing) return this.create({ username, role: 'admin', password });
    await this.setPassword(existing.id, password);
    if (existing.role !== 'admin') await this.update(existing.id, 'role = $2', ['admin'], new Date());
    if (existing.disabled) await this.update(existing.id, 'disabled = $2', [false], new Date());
    return (await this.get(existing.id)) as User;
  }
}
