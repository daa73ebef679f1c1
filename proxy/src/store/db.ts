// One small database interface over two engines that speak the same SQL:
// - PGlite (PostgreSQL compiled to WebAssembly, in-process): the embedded default, a directory under DATA_DIR,
//   or in-memory for tests;
// - PostgreSQL through `pg` when DATABASE_URL is set (several proxy replicas share sessions, audit, idempotency).
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs one or more statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs fn in one transaction on one connection; rolls back if fn throws. `unlimited` (migrations): PostgreSQL runs
   * it on a connection of its own without the query and statement timeouts, since a migration may take long.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: { unlimited?: boolean }): Promise<T>;
  /**
   * Holds a session-level advisory lock for the life of this Db (PostgreSQL only), so other processes can tell
   * whether the holder is still alive: PostgreSQL releases the lock when the holder's connection dies.
   */
  holdLivenessLock(key: number): Promise<void>;
  /** True when no live connection holds the liveness lock `key` (always true on PGlite: one process only). */
  isLockFree(key: number): Promise<boolean>;
  close(): Promise<void>;
  /** PGlite only: the data directory as a tarball (tests clone a migrated template instead of running initdb). */
  dumpDataDir?(): Promise<Blob>;
  /**
   * PGlite only (one process owns the database, so every write goes through this object): a number that changes
   * whenever a statement that may write is issued. Equal values before and after mean nothing was written, which
   * lets hot reads (session lookups) be served from memory exactly (bench: PGlite costs ~1-3 ms per query).
   * Exception: single statements writing only `rate_counters` (which no cached read depends on) do not change it.
   */
  writeGeneration?(): number;
}

export interface DbOptions {
  /** postgres://… — when set, PostgreSQL is used. */
  databaseUrl?: string | undefined;
  /** PostgreSQL schema to use (created if missing); default `public`. Tests use a random one. */
  schema?: string | undefined;
  /** PGlite data directory; undefined or 'memory://' = in-memory. */
  dataDir?: string | undefined;
  /** Preloaded PGlite data dir (tarball from dumpDataDir), used by tests to skip initdb. */
  loadDataDir?: Blob | undefined;
  /** Pool size for PostgreSQL. */
  poolMax?: number | undefined;
  /**
   * PostgreSQL: how long one query may wait for its answer before it fails and its connection is thrown away
   * (default 30 s; 0 = no limit). Without it a query on a connection that died silently (a dropped NAT entry, a
   * failed-over server) waits until the kernel gives up on the socket, which can be many minutes.
   */
  queryTimeoutMs?: number | undefined;
}

/** Default for DbOptions.queryTimeoutMs. */
export const DEFAULT_QUERY_TIMEOUT_MS = 30_000;

const LIVENESS_NS = 0x0f10; // first half of the two-int advisory lock key: "our" namespace

export async function openDb(options: DbOptions): Promise<Db> {
  if (options.databaseUrl) {
    return openPostgres(
      options.databaseUrl,
      options.schema,
      options.poolMax ?? 10,
      options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
    );
  }
  return openPglite(options.dataDir, options.loadDataDir);
}

const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;

async function openPostgres(
  url: string,
  schema: string | undefined,
  max: number,
  queryTimeoutMs: number,
): Promise<Db> {
  if (schema !== undefined && !SCHEMA_RE.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  const connection = {
    connectionString: url,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    connectionTimeoutMillis: 10_000,
  };
  const pool = new pg.Pool({
    ...connection,
    max,
    // A connection that dies silently must not hold a query (or /readyz) for minutes: TCP keepalive probes idle
    // connections; getting a connection (a new one, or a free one from the pool) gives up after 10 s; a query
    // after queryTimeoutMs, when the pool throws its connection away. The server cancels a statement a little
    // earlier (statement_timeout), so a slow statement does not go on running, holding its locks, after the
    // client has given up on it.
    ...(queryTimeoutMs > 0
      ? {
          query_timeout: queryTimeoutMs,
          statement_timeout: queryTimeoutMs - Math.min(1_000, Math.floor(queryTimeoutMs / 10)),
        }
      : {}),
  });
  // A pool emits 'error' when an idle client dies (e.g. the server restarts); without a listener that crashes Node.
  pool.on('error', () => undefined);
  if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  let lockClient: pg.PoolClient | null = null;
  const wrap = (c: pg.Pool | pg.PoolClient | pg.Client): Queryable => ({
    async query<T>(sql: string, params?: unknown[]) {
      const r = await c.query(sql, params as unknown[] | undefined);
      return r.rows as T[];
    },
    async exec(sql: string) {
      await c.query(sql);
    },
  });
  const base = wrap(pool);
  /** BEGIN, fn, COMMIT; on a throw, ROLLBACK and rethrow (`rollbackFailed` hears if even that failed). */
  const runTransaction = async <T>(
    c: pg.PoolClient | pg.Client,
    fn: (tx: Queryable) => Promise<T>,
    rollbackFailed?: (err: Error) => void,
  ): Promise<T> => {
    try {
      await c.query('BEGIN');
      const result = await fn(wrap(c));
      await c.query('COMMIT');
      return result;
    } catch (err) {
      await c.query('ROLLBACK').catch((rollbackErr: unknown) => {
        rollbackFailed?.(rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr)));
      });
      throw err;
    }
  };
  return {
    kind: 'postgres',
    query: base.query,
    exec: base.exec,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: { unlimited?: boolean }): Promise<T> {
      if (options?.unlimited) {
        const own = new pg.Client(connection);
        own.on('error', () => undefined);
        await own.connect();
        try {
          return await runTransaction(own, fn);
        } finally {
          await own.end().catch(() => undefined);
        }
      }
      const client = await pool.connect();
      // A connection that cannot even roll back (dead, timed out) is thrown away, not handed to the next caller.
      let broken: Error | undefined;
      try {
        return await runTransaction(client, fn, (err) => (broken = err));
      } finally {
        client.release(broken);
      }
    },
    async holdLivenessLock(key: number) {
      if (!lockClient) lockClient = await pool.connect();
      await lockClient.query('SELECT pg_advisory_lock($1, $2)', [LIVENESS_NS, key | 0]);
    },
    async isLockFree(key: number) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [
          LIVENESS_NS,
          key | 0,
        ]);
        if (r.rows[0]?.ok) {
          await client.query('SELECT pg_advisory_unlock($1, $2)', [LIVENESS_NS, key | 0]);
          return true;
        }
        return false;
      } catch (err) {
        broken = err instanceof Error ? err : new Error(String(err));
        throw err;
      } finally {
        client.release(broken);
      }
    },
    async close() {
      lockClient?.release();
      lockClient = null;
      await pool.end();
    },
  };
}

async function openPglite(dataDir: string | undefined, loadDataDir: Blob | undefined): Promise<Db> {
  const memory = !dataDir || dataDir.startsWith('memory://');
  let releaseLock = (): void => undefined;
  if (!memory) {
    const dir = path.resolve(dataDir);
    mkdirSync(path.dirname(dir), { recursive: true });
    releaseLock = takeDirLock(`${dir}.lock`);
  }
  let db: PGlite;
  try {
    db = new PGlite({
      ...(memory ? {} : { dataDir: path.resolve(dataDir) }),
      ...(loadDataDir ? { loadDataDir } : {}),
    });
    await db.waitReady;
  } catch (err) {
    releaseLock();
    throw err;
  }
  // PGlite is one connection: transactions must not interleave with other queries. Serialize everything.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };
  // Bumped when a possible write is issued (before it is queued), so a reader that saw the same number before and
  // after its SELECT knows no write was ordered ahead of it.
  let generation = 0;
  const READ_ONLY = /^\s*select\b/i;
  // Single statements that write only the rate-limit counters (no foreign keys, no triggers, read by no cached
  // lookup): they cannot change a session or a user, so they leave the generation alone — the limiter's housekeeping
  // (a DELETE of expired counters) and the mutation counters no longer drop every cached session row.
  const COUNTERS_ONLY = /^\s*(?:insert\s+into|update|delete\s+from)\s+rate_counters\s[^;]*$/i;
  return {
    kind: 'pglite',
    writeGeneration: () => generation,
    query: <T>(sql: string, params?: unknown[]) => {
      if (!READ_ONLY.test(sql) && !COUNTERS_ONLY.test(sql)) generation++;
      return serial(async () => (await db.query<T>(sql, params as unknown[] | undefined)).rows);
    },
    exec: (sql: string) => {
      generation++;
      return serial(async () => {
        await db.exec(sql);
      });
    },
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      generation++;
      return serial(() =>
        db.transaction(async (tx) =>
          fn({
            async query<R>(sql: string, params?: unknown[]) {
              return (await tx.query<R>(sql, params as unknown[] | undefined)).rows;
            },
            async exec(sql: string) {
              await tx.exec(sql);
            },
          }),
        ),
      );
    },
    async holdLivenessLock() {},
    async isLockFree() {
      return true;
    },
    dumpDataDir: () => serial(() => db.dumpDataDir('none')),
    async close() {
      await chain.catch(() => undefined);
      await db.close();
      releaseLock();
    },
  };
}

/**
 * A PGlite data directory must be opened by one process at a time (it is one PostgreSQL backend). A lock file
 * holding our pid refuses a second opener (e.g. `npm run users` while the proxy runs); a stale lock from a killed
 * process is taken over.
 */
function takeDirLock(lockPath: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new Error(
          `the embedded database is in use by process ${pid} (${lockPath}); stop the proxy first or use the admin screen`,
        );
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`could not lock ${lockPath}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
