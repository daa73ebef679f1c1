// The abandoned-check sweep (OutcomeSettler.sweepAbandoned, I-3) and shutdown: stop() — run on close, before the
// database closes — waits for a sweep under way, so every row it flagged also gets its audit outcome; once stopped,
// a sweep (a timer tick that was already due) touches nothing.
import type { FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { flaggedAnswer, OutcomeSettler } from '../src/plugins/outcomes';
import { MemoryIdempotencyStore } from '../src/plugins/idempotency-memory';
import type { DbOutcomeStore, OutcomeRecord } from '../src/store/outcomes';
import type { AuditLog, AuditOutcome } from '../src/store/types';

const noop = () => undefined;
const quiet = { error: noop, warn: noop, info: noop, debug: noop } as unknown as FastifyBaseLogger;

function swept(key: string): OutcomeRecord {
  const lostAt = Date.now() - 15 * 60_000;
  return {
    userId: 'u1',
    key,
    username: 'alice',
    operation: 'purchaseNumber',
    target: '12065550100',
    intentId: `intent-${key}`,
    state: 'flagged',
    detail: 'swept',
    checks: 3,
    answer: flaggedAnswer(),
    lostAt,
    deadlineAt: lostAt + 60_000,
    settledAt: Date.now(),
    owner: null,
  };
}

function settlerWith(flagAbandoned: () => Promise<OutcomeRecord[]>) {
  const outcomes: { intentId: string; outcome: AuditOutcome }[] = [];
  const audit: AuditLog = {
    intent: () => Promise.reject(new Error('not used')),
    async outcome(intentId, outcome) {
      await new Promise((r) => setTimeout(r, 20)); // a database write takes a moment
      outcomes.push({ intentId, outcome });
    },
  };
  let sweeps = 0;
  const records = {
    flagAbandoned: () => {
      sweeps++;
      return flagAbandoned();
    },
  } as unknown as DbOutcomeStore;
  const settler = new OutcomeSettler({
    forwarder: { send: () => Promise.reject(new Error('nothing is read back here')) },
    idempotency: new MemoryIdempotencyStore(),
    audit,
    settle: { deadlineMs: 1_000, graceMs: 100, firstDelayMs: 10, maxIntervalMs: 50 },
    log: quiet,
    records,
  });
  return { settler, outcomes, sweeps: () => sweeps };
}

describe('the abandoned-check sweep and stop()', () => {
  it('stop() waits for a sweep under way: each row it flagged gets its audit outcome before stop resolves', async () => {
    const { settler, outcomes } = settlerWith(async () => {
      await new Promise((r) => setTimeout(r, 50));
      return [swept('k1'), swept('k2')];
    });
    const sweep = settler.sweepAbandoned();
    await settler.stop();
    expect(outcomes.map((o) => o.intentId)).toEqual(['intent-k1', 'intent-k2']);
    expect(outcomes[0]!.outcome).toMatchObject({ result: 'unknown', status: 502 });
    expect(await sweep).toBe(2);
  });

  it('a sweep after stop() does nothing (no query, no audit outcome)', async () => {
    const { settler, outcomes, sweeps } = settlerWith(() => Promise.resolve([swept('k3')]));
    await settler.stop();
    expect(await settler.sweepAbandoned()).toBe(0);
    expect(sweeps()).toBe(0);
    expect(outcomes).toEqual([]);
  });

  it('a failing sweep still rejects to its caller (logged by the plugin) and does not hold stop() up', async () => {
    const { settler } = settlerWith(() => Promise.reject(new Error('database gone')));
    await expect(settler.sweepAbandoned()).rejects.toThrow('database gone');
    await settler.stop();
  });
});
