// Test helpers (not used by the proxy): open a fresh store on PGlite (in memory) or on PostgreSQL
// (TEST_DATABASE_URL, a random schema per store so parallel runs never collide).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from './migrations';
import { openDb } from './db';
import { openStore, type Store, type StoreOptions } from './index';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

/** Cheap scrypt for tests (the format and code path are the same; only N is smaller). */
export const TEST_SCRYPT = { log2N: 10, r: 8, p: 1 };

export interface DbVariant {
  name: 'pglite' | 'postgres';
  enabled: boolean;
}

export const DB_VARIANTS: DbVariant[] = [
  { name: 'pglite', enabled: true },
  { name: 'postgres', enabled: Boolean(TEST_DATABASE_URL) },
];

/** Call at the top of a test file that runs storage tests on both engines. */
export function announcePostgresVariants(file: string): void {
  if (!TEST_DATABASE_URL) {
    console.warn(
      `[${file}] TEST_DATABASE_URL is not set: the PostgreSQL variants did NOT run (only PGlite). ` +
        'Set e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run them.',
    );
  }
}

// PGlite's initdb costs ~2 s; do it once per worker and clone the migrated data directory for each store.
let template: Promise<Blob> | null = null;
function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const db = await openDb({});
    await migrate(db);
    const blob = await db.dumpDataDir!();
    await db.close();
    return blob;
  })();
  return template;
}

export function randomSchema(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

export interface TestStore extends Store {
  options: StoreOptions;
  /** Closes the store and drops the PostgreSQL schema. */
  cleanup(): Promise<void>;
}

export async function openTestStore(
  variant: DbVariant['name'],
  extra: Partial<StoreOptions> = {},
): Promise<TestStore> {
  if (variant === 'postgres') {
    if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL not set');
    const schema = randomSchema();
    const options: StoreOptions = { databaseUrl: TEST_DATABASE_URL, schema, scrypt: TEST_SCRYPT, ...extra };
    const store = await openStore(options);
    return {
      ...store,
      options,
      async cleanup() {
        await store.close().catch(() => undefined);
        await dropSchema(schema);
      },
    };
  }
  const options: StoreOptions = { loadDataDir: await pgliteTemplate(), scrypt: TEST_SCRYPT, ...extra };
  const store = await openStore(options);
  return { ...store, options, cleanup: () => store.close() };
}

export async function dropSchema(schema: string): Promise<void> {
  if (!TEST_DATABASE_URL) return;
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
