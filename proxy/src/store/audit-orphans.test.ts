// The orphan sweep (AuditStore.markOrphans) and unknown outcomes still being checked (I-3), on PGlite and
// PostgreSQL: an intent of a dead replica with no audit outcome at all but an outcome_checks row "checking" (the
// replica was killed after recording its check and before its interim audit outcome, or that write failed) is left
// to the check — its key stays "in flight", so a retry can still take the check over and a "not applied" can still
// free the key. Intents whose check row is settled, or expired, are marked as before.
import { afterEach, describe, expect, it } from 'vitest';
import { AuditStore } from './audit';
import { DbOutcomeStore } from './outcomes';
import { announcePostgresVariants, DB_VARIANTS, openTestStore, type TestStore } from './testing';
import type { StoredResponse } from './types';

announcePostgresVariants('audit-orphans.test.ts');

describe.each(DB_VARIANTS.filter((v) => v.enabled))('markOrphans and outcome checks on $name', ({ name }) => {
  let store: TestStore | null = null;
  afterEach(async () => {
    await store?.cleanup();
    store = null;
  });

  const notApplied: StoredResponse = {
    status: 502,
    headers: { 'x-outcome': 'not_applied' },
    body: '{"errors":[]}',
  };
  const applied: StoredResponse = { status: 201, headers: { 'x-outcome': 'applied' }, body: '{"data":{}}' };

  it('leaves an intent whose outcome is still being checked to the check; settled or expired checks are marked', async () => {
    store = await openTestStore(name);
    const s = store;
    const outcomes = new DbOutcomeStore(s.db);
    // A replica that is gone (nobody holds its liveness lock; on PGlite every other instance is gone).
    const dead = new AuditStore(s.db, { instanceId: `dead-${name}` });
    const intent = (key: string) =>
      dead.intent({
        userId: 'u1',
        username: 'alice',
        role: 'admin',
        sourceIp: '127.0.0.1',
        operation: 'purchaseNumber',
        target: '12065550100',
        summary: {},
        idempotencyKey: key,
      });
    const claim = (key: string) =>
      s.idempotency.claim({ key, userId: 'u1', operation: 'purchaseNumber', requestHash: 'h' });
    const now = Date.now();
    const begin = (key: string, intentId: string, lostAt = now - 70_000) =>
      outcomes.begin({
        owner: `owner-${key}`,
        userId: 'u1',
        key,
        username: 'alice',
        operation: 'purchaseNumber',
        target: '12065550100',
        intentId,
        detail: 'Checking Flowroute…',
        lostAt,
        deadlineAt: lostAt + 60_000,
      });

    const ids: Record<string, string> = {};
    for (const k of ['checking', 'settled', 'expired']) {
      ids[k] = await intent(`k-${k}`);
      expect((await claim(`k-${k}`)).kind).toBe('claimed');
    }
    await begin('k-checking', ids.checking!);
    await begin('k-settled', ids.settled!);
    expect(
      await outcomes.settle('u1', 'k-settled', 'owner-k-settled', {
        state: 'applied',
        detail: 'Applied.',
        checks: 2,
        answer: applied,
        settledAt: now - 30_000,
        idempotency: 'complete',
      }),
    ).toBe(true);
    // A row past its expiry (24 h) no longer holds anything back.
    await begin('k-expired', ids.expired!, now - 25 * 3_600_000);

    expect(await s.audit.markOrphans()).toBe(2);
    expect((await s.audit.get(ids.checking!))?.outcomes).toEqual([]);
    expect((await s.audit.get(ids.settled!))?.outcomes.map((o) => o.result)).toEqual(['unknown']);
    expect((await s.audit.get(ids.expired!))?.outcomes.map((o) => o.result)).toEqual(['unknown']);
    // The key being checked is still "in flight" (a retry may take the check over), not "outcome unknown".
    expect((await claim('k-checking')).kind).toBe('in_flight');
    expect(await s.audit.markOrphans()).toBe(0);

    // The check (taken over by a retry) finds it did not happen: the key is free again.
    const taken = await outcomes.takeOver('u1', 'k-checking', {
      abandonedBefore: now - 5_000,
      deadlineAt: now + 60_000,
      detail: 'resumed',
      lostAfter: now - 600_000,
      owner: 'retry',
    });
    expect(taken?.intentId).toBe(ids.checking);
    expect(await s.audit.markOrphans()).toBe(0); // still checking, now by the retry's replica
    expect(
      await outcomes.settle('u1', 'k-checking', 'retry', {
        state: 'not_applied',
        detail: 'Not applied.',
        checks: 1,
        answer: notApplied,
        settledAt: now,
        idempotency: 'release',
      }),
    ).toBe(true);
    expect((await claim('k-checking')).kind).toBe('claimed');
    expect((await s.audit.verify()).ok).toBe(true);
  });
});
