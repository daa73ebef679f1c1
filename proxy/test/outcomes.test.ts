// I-3: an unknown outcome that cannot be settled within the deadline is flagged for an operator (GET
// /admin/outcomes, audit outcome "unknown"), its key then replays "outcome unknown" and is never sent again; the
// poll endpoint is per user; a process stopping mid-check flags what it was checking. The interim audit outcome
// ("unknown", checking Flowroute) carries the status the user got — 504 for Flowroute's own 504 as for a timeout,
// 502 otherwise — and the settled outcome follows it; the hash chain stays intact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../emulator/index';
import { requestHash } from '../src/plugins/idempotency';
import type { AuditStore } from '../src/store/audit';
import { openTestStore, type TestStore } from '../src/store/testing';
import { BREAKER_OFF, emulatorControl, RETRY_OFF } from './emulator-control';
import { as, buildTestApp, CANARY_SECRET, TEST_ACCESS_KEY, type TestApp } from './harness';

let emulator: EmulatorHandle;
let store: TestStore;
let t: TestApp;
let available: string[] = [];

const { fault, clearFaults, purchases } = emulatorControl(() => emulator.url);
function buy(number: string, key: string, user = 'alice') {
  return t.app.inject({
    method: 'POST',
    url: `/api/v2/numbers/${number}`,
    headers: { ...as('admin', { 'x-test-user': user }), 'idempotency-key': key },
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
    url: '/api/v2/numbers/available?limit=10&offset=300',
    headers: as('viewer'),
  });
  available = (res.json() as { data: { id: string }[] }).data.map((d) => d.id);
});
afterAll(async () => {
  await t.app.close();
  await emulator.close();
  await store.cleanup();
});

describe('unsettled outcomes', () => {
  it('Flowroute unreadable while checking → flagged within the deadline, listed for admins, audited, never re-sent', async () => {
    const number = available[0]!;
    await fault({ method: 'POST', path: `^/v2/numbers/${number}$`, fault: 'reset_after', times: 1 });
    await fault({ method: 'GET', path: `^/v2/numbers/${number}$`, fault: 'status', status: 503 }); // every read-back fails
    const first = await buy(number, 'flag-1');
    expect(first.statusCode).toBe(502);
    expect(first.headers['x-outcome-check']).toBe('pending');
    expect(first.headers['x-outcome-url']).toBe('/api/outcomes/flag-1');

    // While checking: the poll says so; the same key is "in flight" (409) and points at the poll URL.
    const poll = await t.app.inject({
      method: 'GET',
      url: '/api/outcomes/flag-1',
      headers: as('admin', { 'x-test-user': 'alice' }),
    });
    expect(poll.statusCode).toBe(200);
    expect(poll.json().outcome).toMatchObject({
      state: 'checking',
      operation: 'purchaseNumber',
      target: number,
    });
    const during = await buy(number, 'flag-1');
    expect(during.statusCode).toBe(409);
    expect(during.headers['x-outcome-url']).toBe('/api/outcomes/flag-1');
    // Another user cannot see alice's outcome.
    const other = await t.app.inject({
      method: 'GET',
      url: '/api/outcomes/flag-1',
      headers: as('admin', { 'x-test-user': 'bob' }),
    });
    expect(other.statusCode).toBe(404);

    const started = Date.now();
    await t.app.outcomes.idle();
    expect(Date.now() - started).toBeLessThan(4000);
    const settled = await t.app.inject({
      method: 'GET',
      url: '/api/outcomes/flag-1',
      headers: as('admin', { 'x-test-user': 'alice' }),
    });
    expect(settled.json().outcome).toMatchObject({ state: 'flagged', answer: { status: 502 } });

    // Admin list: flagged, with who/what/where.
    const list = await t.app.inject({ method: 'GET', url: '/admin/outcomes', headers: as('admin') });
    expect(list.statusCode).toBe(200);
    const item = (list.json() as { items: Record<string, unknown>[] }).items.find(
      (i) => i.idempotencyKey === 'flag-1',
    );
    expect(item).toMatchObject({
      state: 'flagged',
      operation: 'purchaseNumber',
      target: number,
      actor: 'alice',
    });
    expect(
      (await t.app.inject({ method: 'GET', url: '/admin/outcomes', headers: as('operator') })).statusCode,
    ).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/admin/outcomes' })).statusCode).toBe(401);

    // Audit: the intent's latest outcome is "unknown" with the reason.
    const audit = store.audit as AuditStore;
    const { items } = await audit.list({ result: 'unknown' });
    const intent = items.find((i) => i.idempotencyKey === 'flag-1');
    expect(intent?.outcome?.detail).toMatch(/Flagged for an operator/);

    // The key replays "outcome unknown" and nothing is sent again, even after Flowroute recovers.
    await clearFaults();
    const replay = await buy(number, 'flag-1');
    expect(replay.statusCode).toBe(502);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers['x-outcome']).toBe('flagged');
    expect(await purchases(number)).toBe(1);
  });

  it('a settled "not applied" frees the key: the same action can be sent again, once', async () => {
    const number = available[1]!;
    await fault({ method: 'POST', path: `^/v2/numbers/${number}$`, fault: 'reset_before', times: 1 });
    const first = await buy(number, 'free-1');
    expect(first.headers['x-outcome-check']).toBe('pending');
    await t.app.outcomes.idle();
    const poll = await t.app.inject({
      method: 'GET',
      url: '/api/outcomes/free-1',
      headers: as('admin', { 'x-test-user': 'alice' }),
    });
    expect(poll.json().outcome.state).toBe('not_applied');
    expect(await purchases(number)).toBe(0);
    const again = await buy(number, 'free-1');
    expect(again.statusCode).toBe(201);
    expect(await purchases(number)).toBe(1);
  });

  it('stopping the proxy while checking flags the change (no key left "in flight")', async () => {
    const s = await buildTestApp(
      emulator.url,
      {
        logLevel: 'silent',
        timeouts: { connectMs: 1000, readMs: 2000, mutationMs: 1000 },
        settle: { deadlineMs: 60_000, graceMs: 30_000, firstDelayMs: 50, maxIntervalMs: 200 },
      },
      store,
    );
    const number = available[2]!;
    await fault({ method: 'POST', path: `^/v2/numbers/${number}$`, fault: 'reset_before', times: 1 });
    const res = await s.app.inject({
      method: 'POST',
      url: `/api/v2/numbers/${number}`,
      headers: { ...as('admin', { 'x-test-user': 'carol' }), 'idempotency-key': 'stop-1' },
      payload: {},
    });
    expect(res.headers['x-outcome-check']).toBe('pending');
    const started = Date.now();
    await s.app.close();
    expect(Date.now() - started).toBeLessThan(2000);
    const claim = await store.idempotency.claim({
      key: 'stop-1',
      userId: 'carol',
      operation: 'purchaseNumber',
      requestHash: requestHash('purchaseNumber', 'POST', `/v2/numbers/${number}`, null),
    });
    expect(claim).toMatchObject({ kind: 'replay', response: { status: 502 } }); // flagged, not "in flight"
    const { items } = await (store.audit as AuditStore).list({ result: 'unknown' });
    expect(items.find((i) => i.idempotencyKey === 'stop-1')?.outcome?.detail).toMatch(
      /proxy stopped while checking/,
    );
  });
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
      const number = available[upstream === 504 ? 8 : 9]!;
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
