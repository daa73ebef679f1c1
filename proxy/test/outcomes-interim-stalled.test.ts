// A replica that stalls right after recording its check, before its interim audit outcome ("unknown, checking", I-3),
// while another replica takes the check over and settles it: when the first one wakes up, its late interim outcome is
// dropped — the settled outcome stays the intent's latest (and only) one — and its late settled answer too (the owner
// token). Two settlers on one PGlite store; the stall is the first replica's audit write and Flowroute read held back.
import type { FastifyBaseLogger } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProxyAnswer } from '../src/plugins/forwarder';
import { OutcomeSettler } from '../src/plugins/outcomes';
import { DbOutcomeStore } from '../src/store/outcomes';
import { openTestStore, type TestStore } from '../src/store/testing';
import type { AuditOutcome } from '../src/store/types';

const noop = () => undefined;
const warnings: string[] = [];
const log = {
  error: noop,
  info: noop,
  debug: noop,
  warn: (_obj: unknown, msg?: string) => warnings.push(msg ?? ''),
} as unknown as FastifyBaseLogger;

const SETTLE = { deadlineMs: 60_000, graceMs: 0, firstDelayMs: 0, maxIntervalMs: 50 };
const NUMBER = '12065550142';

function answer(status: number, body: unknown): ProxyAnswer {
  return {
    status,
    headers: { 'content-type': 'application/vnd.api+json' },
    body: JSON.stringify(body),
    upstreamStatus: status,
    upstreamMs: 1,
    reached: 'yes',
    proxyError: null,
  };
}

let store: TestStore | null = null;
afterEach(async () => {
  await store?.cleanup();
  store = null;
  warnings.length = 0;
});

describe('interim audit outcome of a replica that stalled', () => {
  it('comes after the takeover settled the check: dropped, the settled outcome stays the latest', async () => {
    store = await openTestStore('pglite');
    const s = store;
    const key = 'k-stalled-interim';
    expect(
      (await s.idempotency.claim({ key, userId: 'u1', operation: 'purchaseNumber', requestHash: 'h' })).kind,
    ).toBe('claimed');
    const intentId = await s.audit.intent({
      userId: 'u1',
      username: 'alice',
      role: 'admin',
      sourceIp: '127.0.0.1',
      operation: 'purchaseNumber',
      target: NUMBER,
      summary: {},
      idempotencyKey: key,
    });

    // Replica A: everything after its begin is held back until `wake` (its audit writes and its Flowroute read).
    let wake!: () => void;
    const woken = new Promise<void>((r) => (wake = r));
    const held = <T>(f: () => Promise<T>) => woken.then(f);
    const a = new OutcomeSettler({
      forwarder: { send: () => held(async () => answer(503, {})) },
      idempotency: s.idempotency,
      audit: {
        intent: (i) => s.audit.intent(i),
        outcome: (id: string, o: AuditOutcome) => held(() => s.audit.outcome(id, o)),
        firstOutcome: (id: string, o: AuditOutcome) => held(() => s.audit.firstOutcome(id, o)),
      },
      settle: SETTLE,
      log,
      records: new DbOutcomeStore(s.db),
    });
    // Replica B reads the number on the account: applied.
    const b = new OutcomeSettler({
      forwarder: { send: async () => answer(200, { data: { id: NUMBER, type: 'number' } }) },
      idempotency: s.idempotency,
      audit: s.audit,
      settle: SETTLE,
      log,
      records: new DbOutcomeStore(s.db),
    });

    // A lost the answer over a minute ago (so its deadline has passed and a retry may take the check over).
    const lostAt = Date.now() - 70_000;
    void a.start({
      userId: 'u1',
      username: 'alice',
      key,
      operation: 'purchaseNumber',
      pathAndQuery: `/v2/numbers/${NUMBER}`,
      json: null,
      target: NUMBER,
      intentId,
      cause: 'lost',
      firstProblem: 'upstream_reset',
      sentAt: lostAt - 500,
      lostAt,
    });
    const records = new DbOutcomeStore(s.db);
    await expect.poll(async () => (await records.get('u1', key))?.state, { timeout: 5_000 }).toBe('checking');

    const resumed = await b.resumeAbandoned({
      userId: 'u1',
      key,
      pathAndQuery: `/v2/numbers/${NUMBER}`,
      json: null,
    });
    expect(resumed).toMatchObject({ replayed: true, response: { status: 201 } });
    await b.idle();

    wake(); // A resumes: its interim outcome and its check come now, after the settled ones
    await a.idle();
    await a.stop();

    const outcomes = (await s.audit.get(intentId))!.outcomes;
    expect(outcomes.map((o) => o.result)).toEqual(['ok']);
    expect((await s.audit.list({ what: 'purchaseNumber' })).items[0]!.outcome).toMatchObject({
      result: 'ok',
    });
    expect(warnings.some((w) => /"unknown, checking" dropped/.test(w))).toBe(true);
    // The key replays the purchase B found, not A's late "flagged".
    expect(
      await s.idempotency.claim({ key, userId: 'u1', operation: 'purchaseNumber', requestHash: 'h' }),
    ).toMatchObject({ kind: 'replay', response: { status: 201 } });
    expect((await s.audit.verify()).ok).toBe(true);
  });
});
