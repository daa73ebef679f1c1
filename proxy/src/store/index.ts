// The proxy's state: staff users, sessions, sign-in throttling, audit log and idempotency records, on PGlite
// (embedded default) or PostgreSQL (DATABASE_URL). openStore() connects and applies migrations.
import { AuditStore } from './audit';
import { ConfirmationStore } from './confirmations';
import { openDb, type Db, type DbOptions } from './db';
import { DbIdempotencyStore } from './idempotency';
import { migrate } from './migrations';
import { DEFAULT_SCRYPT, type ScryptParams } from './passwords';
import { DEFAULT_SESSION_LIMITS, SessionStore, type SessionLimits } from './sessions';
import { LoginThrottle } from './throttle';
import { UserStore } from './users';

export interface StoreOptions extends DbOptions {
  session?: SessionLimits | undefined;
  scrypt?: ScryptParams | undefined;
  storeMessageText?: boolean | undefined;
  idempotencyTtlMs?: number | undefined;
}

export interface Store {
  db: Db;
  users: UserStore;
  sessions: SessionStore;
  throttle: LoginThrottle;
  audit: AuditStore;
  idempotency: DbIdempotencyStore;
  confirmations: ConfirmationStore;
  close(): Promise<void>;
}

export function describeStore(options: DbOptions): string {
  if (options.databaseUrl) {
    const u = new URL(options.databaseUrl);
    return `PostgreSQL ${u.hostname}:${u.port || 5432}${u.pathname}${options.schema ? ` (schema ${options.schema})` : ''}`;
  }
  return !options.dataDir || options.dataDir.startsWith('memory://')
    ? 'PGlite (in memory)'
    : `PGlite (${options.dataDir})`;
}

export async function openStore(options: StoreOptions): Promise<Store> {
  const db = await openDb(options);
  try {
    await migrate(db);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  const audit = new AuditStore(db, { storeMessageText: options.storeMessageText ?? false });
  return {
    db,
    users: new UserStore(db, options.scrypt ?? DEFAULT_SCRYPT),
    sessions: new SessionStore(db, options.session ?? DEFAULT_SESSION_LIMITS),
    throttle: new LoginThrottle(db),
    audit,
    idempotency: new DbIdempotencyStore(db, options.idempotencyTtlMs),
    confirmations: new ConfirmationStore(db),
    close: () => db.close(),
  };
}

export type { Db } from './db';
export { AuditStore } from './audit';
export { UserStore, UserError } from './users';
export { SessionStore } from './sessions';
export { DbIdempotencyStore } from './idempotency';
