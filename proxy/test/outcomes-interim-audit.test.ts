// The interim audit outcome of an unknown outcome (I-3): written when the check begins ("unknown", checking Flowroute),
// with the HTTP status the user was answered — 504 for Flowroute's own 504 as for a timeout, 502 otherwise — then
// the settled outcome after it; the hash chain stays intact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../emulator/index';
import type { AuditStore } from '../src/store/audit';
import { openTestStore, type TestStore } from '../src/store/testing';
import { BREAKER_OFF, emulatorControl, RETRY_OFF } from './emulator-control';
import { as, buildTestApp, CANARY_SECRET, TEST_ACCESS_KEY, type TestApp } from './harness';

let emulator: EmulatorHandle;
let store: TestStore;
let t: TestApp;
let available: string[] = [];

const { fault, purchases } = emulatorControl(() => emulator.url);
function buy(number: string, key: string) {
  return t.app.inject({
    method: 'POST',
    url: `/api/v2/numbers/${number}`,
    headers: { ...as('admin', { 'x-test-user': 'alice' }), 'idempotency-key': key },
    payload: {},
  });
}

beforeAll(async () => {
  emulator = await startEmulator({ accessKey: TEST_ACCESS_KEY, secretKey: CANARY_SECRET, quiet: true });
  store = await openTestStore('pglite');
  t = await buildTestApp(
    emulator.url,
    {
      logLevel: 'silent',
      timeouts: { connectMs: 1000, readMs: 2000, mutationMs: 1000 },
      breaker: BREAKER_OFF,
      retry: RETRY_OFF,
      settle: { deadlineMs: 1500, graceMs: 200, firstDelayMs: 50, maxIntervalMs: 150 },
    },
    store,
  );
  const res = await t.app.inject({
    method: 'GET',
    url: '/api/v2/numbers/available?limit=10&offset=320',
    headers: as('viewer'),
  });
  available = (res.json() as { data: { id: string }[] }).data.map((d) => d.id);
});
afterAll(async () => {
  await t.app.close();
  await emulator.close();
  await store.cleanup();
});

async function outcomesOf(key: string) {
  const audit = store.audit as AuditStore;
  const intent = (await audit.list({ what: 'purchaseNumber' })).items.find((i) => i.idempotencyKey === key);
  expect(intent).toBeDefined();
  return (await audit.get(intent!.id))!.outcomes;
}

describe('interim audit outcome "unknown, checking"', () => {
  it.each([
    { upstream: 504, answered: 504 },
    { upstream: 503, answered: 502 },
  ])(
    'Flowroute answers $upstream to a purchase: the user gets $answered, and so does the interim audit outcome',
    async ({ upstream, answered }) => {
      const number = available[upstream === 504 ? 0 : 1]!;
      const key = `interim-${upstream}`;
      await fault({
        method: 'POST',
        path: `^/v2/numbers/${number}$`,
        fault: 'status',
        status: upstream,
        times: 1,
      });
      const first = await buy(number, key);
      expect(first.statusCode).toBe(answered);
      expect(first.headers['x-outcome-check']).toBe('pending');
      await t.app.outcomes.idle();

      const outcomes = await outcomesOf(key);
      expect(outcomes.map((o) => o.result)).toEqual(['unknown', 'failed']); // interim, then "not applied"
      expect(outcomes[0]).toMatchObject({
        status: answered,
        detail: expect.stringMatching(/checking Flowroute.*the settled outcome follows/),
      });
      expect(await purchases(number)).toBe(0);
      expect((await (store.audit as AuditStore).verify()).ok).toBe(true);
    },
  );
});
