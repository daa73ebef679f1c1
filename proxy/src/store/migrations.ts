// Versioned migrations, embedded as strings so the esbuild bundle carries them. The same SQL runs on PGlite and
// PostgreSQL. Never edit a released migration: add a new one with the next version.
import type { Db } from './db';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'users, sessions, login throttle, idempotency, audit',
    sql: `
CREATE TABLE users (
  id            text PRIMARY KEY,
  username      text NOT NULL UNIQUE,
  password_hash text,
  role          text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL
);

CREATE TABLE sessions (
  id_hash      text PRIMARY KEY,
  user_id      text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  source_ip    text,
  user_agent   text
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE login_throttle (
  key          text PRIMARY KEY,
  failures     integer NOT NULL,
  window_start timestamptz NOT NULL
);

CREATE TABLE idempotency (
  user_id      text NOT NULL,
  key          text NOT NULL,
  operation    text NOT NULL,
  request_hash text NOT NULL,
  state        text NOT NULL CHECK (state IN ('in_flight', 'done')),
  status       integer,
  headers      jsonb,
  body         text,
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_expires_idx ON idempotency (expires_at);

CREATE TABLE audit (
  seq             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id              text NOT NULL UNIQUE,
  ts              timestamptz NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('intent', 'outcome', 'event')),
  ref_id          text,
  actor_id        text,
  actor           text,
  role            text,
  source_ip       text,
  user_agent      text,
  session_hash    text,
  action          text NOT NULL,
  target          text,
  summary         jsonb NOT NULL,
  idempotency_key text,
  status          integer,
  flowroute_id    text,
  duration_ms     integer,
  result          text,
  detail          text,
  instance_id     text,
  prev_hash       text NOT NULL,
  hash            text NOT NULL
);
CREATE INDEX audit_ts_idx ON audit (ts);
CREATE INDEX audit_actor_idx ON audit (actor, ts);
CREATE INDEX audit_target_idx ON audit (target, ts);
CREATE INDEX audit_action_idx ON audit (action, ts);
CREATE INDEX audit_ref_idx ON audit (ref_id);

-- Append-only: the application never updates or deletes audit rows. Someone with direct database access can
-- still disable this trigger; the hash chain (npm run audit:verify) is what detects such edits.
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit is append-only';
END;
$$;
CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit
  FOR EACH ROW EXECUTE FUNCTION audit_append_only();
`,
  },
  {
    version: 2,
    name: 'single-use confirmations for spending money (S-13)',
    sql: `
CREATE TABLE confirmations (
  token_hash text PRIMARY KEY,
  user_id    text NOT NULL,
  action     text NOT NULL,
  target     text NOT NULL,
  details    jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at    timestamptz
);
CREATE INDEX confirmations_expires_idx ON confirmations (expires_at);
`,
  },
  {
    version: 3,
    name: 'rate-limit counters shared by all replicas (R-5)',
    sql: `
CREATE TABLE rate_counters (
  key        text PRIMARY KEY,
  count      integer NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX rate_counters_expires_idx ON rate_counters (expires_at);
`,
  },
  {
    version: 4,
    name: 'unknown outcomes being settled, visible to every replica (I-3)',
    sql: `
CREATE TABLE outcome_checks (
  user_id     text NOT NULL,
  key         text NOT NULL,
  username    text NOT NULL,
  operation   text NOT NULL,
  target      text,
  intent_id   text,
  state       text NOT NULL CHECK (state IN ('checking', 'applied', 'not_applied', 'flagged')),
  detail      text NOT NULL,
  checks      integer NOT NULL,
  answer      jsonb,
  lost_at     timestamptz NOT NULL,
  deadline_at timestamptz NOT NULL,
  settled_at  timestamptz,
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (user_id, key)
);
CREATE INDEX outcome_checks_expires_idx ON outcome_checks (expires_at);
`,
  },
  {
    version: 5,
    name: 'outcome checks have an owner: only the check that holds the row settles the key (I-3)',
    sql: `
-- A token per check (set when a check begins or is taken over). The settled answer, the idempotency record and the
-- audit outcome are written only by the check whose token the row holds; a replica that lost the row is dropped.
ALTER TABLE outcome_checks ADD COLUMN owner text;
-- The sweep for abandoned checks past the takeover window looks for "checking" rows.
CREATE INDEX outcome_checks_checking_idx ON outcome_checks (lost_at) WHERE state = 'checking';
`,
  },
];

const MIGRATION_LOCK = 0x0f1001; // advisory lock id: one migrator at a time across replicas

/**
 * Applies pending migrations in order, in one transaction; safe to run from several processes at once. Not bound by
 * DATABASE_QUERY_TIMEOUT_MS: a migration may take long, and a replica starting meanwhile waits for its lock.
 */
export async function migrate(db: Db, migrations: Migration[] = MIGRATIONS): Promise<number[]> {
  return db.transaction(
    async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
      const done = new Set(
        (await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) =>
          Number(r.version),
        ),
      );
      const applied: number[] = [];
      for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
        if (done.has(m.version)) continue;
        await tx.exec(m.sql);
        await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        applied.push(m.version);
      }
      return applied;
    },
    { unlimited: true },
  );
}
