// outcome_checks (I-3) on PGlite and PostgreSQL:
// - takeover: exactly one replica takes an abandoned check over, and only a recent one — a loss older than the
//   takeover window stays with an operator (a late read-back could miss the change and free the key);
// - ownership: the takeover moves the row to a new owner token; the replica it was taken from (stalled, not dead) can
//   no longer write its check count, its settled state or the key's idempotency record;
// - the sweep for abandoned checks flags only rows past the window and not held by a live check, turns an "in flight"
//   key into a replayed "flagged" answer (never a settled one), and of it and a takeover exactly one gets a row.
import { afterEach, describe, expect, it } from 'vitest';
import { flaggedAnswer, TAKEOVER_WINDOW_MS } from '../plugins/outcomes';
import { DbOutcomeStore } from './outcomes';
import { announcePostgresVariants, DB_VARIANTS, openTestStore, type TestStore } from './testing';
import type { StoredResponse } from './types';

announcePostgresVariants('outcomes.test.ts');

describe.each(DB_VARIANTS.filter((v) => v.enabled))('outcome_checks on $name', ({ name }) => {
  let store: TestStore | null = null;
  afterEach(async () => {
    await store?.cleanup();
    store = null;
  });

  const row = (key: string, lostAt: number, owner = `owner-${key}`) => ({
    userId: 'u1',
    key,
    username: 'ops',
    operation: 'purchaseNumber',
    target: '12065550100',
    intentId: null,
    detail: 'checking',
    lostAt,
    deadlineAt: lostAt + 1_000,
    owner,
  });
  const takeover = (now: number, owner: string) => ({
    abandonedBefore: now - 5_000,
    deadlineAt: now + 60_000,
    detail: 'resumed',
    lostAfter: now - TAKEOVER_WINDOW_MS,
    owner,
  });
  const applied: StoredResponse = { status: 201, headers: { 'x-outcome': 'applied' }, body: '{"data":{}}' };
  const settled = (answer: StoredResponse, state: 'applied' | 'flagged' | 'not_applied') => ({
    state,
    detail: state,
    checks: 3,
    answer,
    settledAt: Date.now(),
    idempotency: state === 'not_applied' ? ('release' as const) : ('complete' as const),
  });
  async function claim(s: TestStore, key: string) {
    return s.idempotency.claim({ key, userId: 'u1', operation: 'purchaseNumber', requestHash: 'h' });
  }

  it('one of two replicas gets an abandoned recent check; an old one is not taken over', async () => {
    store = await openTestStore(name);
    const outcomes = new DbOutcomeStore(store.db);
    const now = Date.now();
    await outcomes.begin(row('recent', now - 60_000));
    await outcomes.begin(row('old', now - TAKEOVER_WINDOW_MS - 60_000));
    const [a, b] = await Promise.all([
      outcomes.takeOver('u1', 'recent', takeover(now, 'b1')),
      outcomes.takeOver('u1', 'recent', takeover(now, 'b2')),
    ]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect((a ?? b)?.state).toBe('checking');
    expect((a ?? b)?.owner).toBe(a ? 'b1' : 'b2');
    expect(await outcomes.takeOver('u1', 'old', takeover(now, 'b3'))).toBeNull();
  });

  it('after a takeover the stalled owner writes nothing: not its checks, its settled state, nor the key', async () => {
    store = await openTestStore(name);
    const outcomes = new DbOutcomeStore(store.db);
    const now = Date.now();
    expect((await claim(store, 'k')).kind).toBe('claimed');
    await outcomes.begin(row('k', now - 60_000, 'A'));
    expect(await outcomes.checked('u1', 'k', 'A', 2)).toBe(true);
    expect(await outcomes.takeOver('u1', 'k', takeover(now, 'B'))).toMatchObject({ owner: 'B', checks: 2 });

    // B settles "applied"; A (stalled, now late) tries "flagged" and "not applied": both dropped.
    expect(await outcomes.checked('u1', 'k', 'A', 9)).toBe(false);
    expect(await outcomes.settle('u1', 'k', 'B', settled(applied, 'applied'))).toBe(true);
    expect(await outcomes.settle('u1', 'k', 'A', settled(flaggedAnswer(), 'flagged'))).toBe(false);
    expect(await outcomes.settle('u1', 'k', 'A', settled(flaggedAnswer(), 'not_applied'))).toBe(false);
    expect(await outcomes.get('u1', 'k')).toMatchObject({ state: 'applied', owner: 'B', checks: 3 });
    expect(await claim(store, 'k')).toEqual({ kind: 'replay', response: applied });

    // A late A before B settled: dropped as well, and B's settling still works.
    expect((await claim(store, 'k2')).kind).toBe('claimed');
    await outcomes.begin(row('k2', now - 60_000, 'A'));
    await outcomes.takeOver('u1', 'k2', takeover(now, 'B'));
    expect(await outcomes.settle('u1', 'k2', 'A', settled(flaggedAnswer(), 'flagged'))).toBe(false);
    expect((await claim(store, 'k2')).kind).toBe('in_flight');
    expect(await outcomes.get('u1', 'k2')).toMatchObject({ state: 'checking', owner: 'B' });
    expect(await outcomes.settle('u1', 'k2', 'B', settled(flaggedAnswer(), 'not_applied'))).toBe(true);
    expect((await claim(store, 'k2')).kind).toBe('claimed'); // released: free again

    // No row at all (its begin failed): nobody can hold the key, so the owner's answer is written.
    expect((await claim(store, 'k3')).kind).toBe('claimed');
    expect(await outcomes.settle('u1', 'k3', 'C', settled(applied, 'applied'))).toBe(true);
    expect(await claim(store, 'k3')).toEqual({ kind: 'replay', response: applied });
  });

  it('the abandoned-check sweep flags only old, unheld rows, never a settled key, and never races a takeover', async () => {
    store = await openTestStore(name);
    const outcomes = new DbOutcomeStore(store.db);
    const now = Date.now();
    const old = now - TAKEOVER_WINDOW_MS - 120_000;
    for (const k of ['old', 'old-done', 'recent', 'live', 'race']) {
      expect((await claim(store, k)).kind).toBe('claimed');
    }
    await outcomes.begin(row('old', old));
    await outcomes.begin(row('old-done', old));
    await store.idempotency.complete({ key: 'old-done', userId: 'u1', response: applied });
    await outcomes.begin(row('recent', now - 60_000));
    await outcomes.begin({ ...row('live', old), deadlineAt: now + 30_000 }); // taken over: deadline ahead
    const sweep = (lostBefore: number) =>
      outcomes.flagAbandoned({
        abandonedBefore: now - 5_000,
        lostBefore,
        detail: 'swept',
        answer: flaggedAnswer(),
      });
    const flagged = await sweep(now - TAKEOVER_WINDOW_MS - 60_000);
    expect(flagged.map((r) => r.key).sort()).toEqual(['old', 'old-done']);
    expect(await outcomes.get('u1', 'old')).toMatchObject({ state: 'flagged', owner: null, detail: 'swept' });
    expect(await claim(store, 'old')).toMatchObject({ kind: 'replay', response: { status: 502 } });
    expect(await claim(store, 'old-done')).toEqual({ kind: 'replay', response: applied });
    for (const k of ['recent', 'live']) {
      expect((await outcomes.get('u1', k))?.state).toBe('checking');
      expect((await claim(store, k)).kind).toBe('in_flight');
    }
    expect(await sweep(now - TAKEOVER_WINDOW_MS - 60_000)).toEqual([]);

    // A sweep told to take a row a takeover also wants: exactly one of them gets it.
    await outcomes.begin(row('race', now - 60_000));
    const [taken, swept] = await Promise.all([
      outcomes.takeOver('u1', 'race', takeover(now, 'B')),
      sweep(now),
    ]);
    expect(Number(taken !== null) + swept.filter((r) => r.key === 'race').length).toBe(1);
  });
});
