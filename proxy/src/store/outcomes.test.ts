// outcome_checks takeover (I-3): exactly one replica takes an abandoned check over, and only a recent one — a loss
// older than the takeover window stays with an operator (a late read-back could miss the change and free the key).
import { afterEach, describe, expect, it } from 'vitest';
import { TAKEOVER_WINDOW_MS } from '../plugins/outcomes';
import { DbOutcomeStore } from './outcomes';
import { announcePostgresVariants, DB_VARIANTS, openTestStore, type TestStore } from './testing';

announcePostgresVariants('outcomes.test.ts');

describe.each(DB_VARIANTS.filter((v) => v.enabled))('outcome_checks takeover on $name', ({ name }) => {
  let store: TestStore | null = null;
  afterEach(async () => {
    await store?.cleanup();
    store = null;
  });

  const row = (key: string, lostAt: number) => ({
    userId: 'u1',
    key,
    username: 'ops',
    operation: 'purchaseNumber',
    target: '12065550100',
    intentId: null,
    detail: 'checking',
    lostAt,
    deadlineAt: lostAt + 1_000,
  });

  it('one of two replicas gets an abandoned recent check; an old one is not taken over', async () => {
    store = await openTestStore(name);
    const outcomes = new DbOutcomeStore(store.db);
    const now = Date.now();
    await outcomes.begin(row('recent', now - 60_000));
    await outcomes.begin(row('old', now - TAKEOVER_WINDOW_MS - 60_000));
    const t = {
      abandonedBefore: now - 5_000,
      deadlineAt: now + 60_000,
      detail: 'resumed',
      lostAfter: now - TAKEOVER_WINDOW_MS,
    };
    const [a, b] = await Promise.all([
      outcomes.takeOver('u1', 'recent', t),
      outcomes.takeOver('u1', 'recent', t),
    ]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect((a ?? b)?.state).toBe('checking');
    expect(await outcomes.takeOver('u1', 'old', t)).toBeNull();
  });
});
