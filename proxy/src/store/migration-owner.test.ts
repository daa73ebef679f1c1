// Migration 5 (outcome_checks.owner) on a database that already has version-4 rows, on PGlite and PostgreSQL: the
// upgrade keeps every row (owner NULL: no check holds it by token), and the version-5 code then handles them —
// a row left "checking" by a replica that stopped before the upgrade is taken over by a retry (new owner, who alone
// can settle it) or, past the takeover window, flagged by the sweep; a token that never held the row changes nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { flaggedAnswer, TAKEOVER_WINDOW_MS } from '../plugins/outcomes';
import { openDb, type Db } from './db';
import { MIGRATIONS, migrate } from './migrations';
import { DbIdempotencyStore } from './idempotency';
import { DbOutcomeStore } from './outcomes';
import {
  announcePostgresVariants,
  DB_VARIANTS,
  dropSchema,
  randomSchema,
  TEST_DATABASE_URL,
} from './testing';
import type { StoredResponse } from './types';

announcePostgresVariants('migration-owner.test.ts');

describe.each(DB_VARIANTS.filter((v) => v.enabled))(
  'migration 5 on a version-4 $name database with rows',
  ({ name }) => {
    let db: Db | null = null;
    let schema: string | null = null;
    afterEach(async () => {
      await db?.close();
      db = null;
      if (schema) await dropSchema(schema);
      schema = null;
    });

    it('keeps the rows; the new code takes over, settles or sweeps them by their conditions', async () => {
      schema = name === 'postgres' ? randomSchema() : null;
      db = await openDb(name === 'postgres' ? { databaseUrl: TEST_DATABASE_URL, schema: schema! } : {});
      expect(
        await migrate(
          db,
          MIGRATIONS.filter((m) => m.version <= 4),
        ),
      ).toEqual([1, 2, 3, 4]);
      const now = Date.now();
      const idem = new DbIdempotencyStore(db);
      // What the version-4 code wrote: no owner column at all.
      const v4row = (key: string, state: string, lostAt: number) =>
        db!.query(
          `INSERT INTO outcome_checks (user_id, key, username, operation, target, intent_id, state, detail, checks,
           answer, lost_at, deadline_at, settled_at, expires_at)
         VALUES ('u1', $1, 'ops', 'purchaseNumber', '12065550100', NULL, $2, 'v4', 3, NULL, $3, $4, NULL, $5)`,
          [key, state, new Date(lostAt), new Date(lostAt + 20_000), new Date(lostAt + 86_400_000)],
        );
      for (const k of ['recent', 'old', 'done']) {
        expect(
          (await idem.claim({ key: k, userId: 'u1', operation: 'purchaseNumber', requestHash: 'h' })).kind,
        ).toBe('claimed');
      }
      await v4row('recent', 'checking', now - 60_000);
      await v4row('old', 'checking', now - TAKEOVER_WINDOW_MS - 120_000);
      await v4row('done', 'applied', now - 60_000);

      expect(await migrate(db)).toEqual([5]);
      const outcomes = new DbOutcomeStore(db);
      for (const k of ['recent', 'old', 'done']) {
        expect(await outcomes.get('u1', k)).toMatchObject({ key: k, owner: null, checks: 3, detail: 'v4' });
      }

      const applied: StoredResponse = { status: 201, headers: { 'x-outcome': 'applied' }, body: '{}' };
      const settle = (owner: string) =>
        outcomes.settle('u1', 'recent', owner, {
          state: 'applied',
          detail: 'Applied.',
          checks: 4,
          answer: applied,
          settledAt: now,
          idempotency: 'complete',
        });
      // No token holds an upgraded row: nobody settles it without taking it over first.
      expect(await settle('guess')).toBe(false);
      expect(
        (await idem.claim({ key: 'recent', userId: 'u1', operation: 'purchaseNumber', requestHash: 'h' }))
          .kind,
      ).toBe('in_flight');
      const takeover = (key: string) =>
        outcomes.takeOver('u1', key, {
          abandonedBefore: now - 5_000,
          deadlineAt: now + 60_000,
          detail: 'resumed',
          lostAfter: now - TAKEOVER_WINDOW_MS,
          owner: 'retry',
        });
      expect(await takeover('recent')).toMatchObject({ owner: 'retry', state: 'checking' });
      expect(await takeover('old')).toBeNull(); // past the takeover window: left to the sweep
      expect(await settle('retry')).toBe(true);
      expect(
        await idem.claim({ key: 'recent', userId: 'u1', operation: 'purchaseNumber', requestHash: 'h' }),
      ).toEqual({
        kind: 'replay',
        response: applied,
      });

      const swept = await outcomes.flagAbandoned({
        abandonedBefore: now - 5_000,
        lostBefore: now - TAKEOVER_WINDOW_MS - 60_000,
        detail: 'swept',
        answer: flaggedAnswer(),
      });
      expect(swept.map((r) => r.key)).toEqual(['old']);
      expect((await outcomes.get('u1', 'done'))?.state).toBe('applied');
    });
  },
);
