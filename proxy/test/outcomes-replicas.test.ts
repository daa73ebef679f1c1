// I-3 across replicas: a change whose answer was lost on replica A is checked by A, but the browser's poll
// (GET /api/outcomes/:key) may reach replica B behind a load balancer. B answers from the database (outcome_checks):
// "checking" with A's check count while A reads Flowroute back, then the settled state with the answer a retry gets —
// and a retry with the key on B replays it, sending nothing again. Two apps on one database: one PGlite shared in
// this process, and (TEST_DATABASE_URL) two connection pools on one PostgreSQL schema. The two-process variant
// (two `server.ts` processes on PostgreSQL) is in proxy/src/store/processes.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../emulator/index';
import { openStore, type Store } from '../src/store';
import { DbOutcomeStore } from '../src/store/outcomes';
import {
  announcePostgresVariants,
  DB_VARIANTS,
  openTestStore,
  TEST_SCRYPT,
  type TestStore,
} from '../src/store/testing';
import { BREAKER_OFF, emulatorControl, RETRY_OFF } from './emulator-control';
import { as, buildTestApp, CANARY_SECRET, TEST_ACCESS_KEY, type TestApp } from './harness';

announcePostgresVariants('outcomes-replicas.test.ts');

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await startEmulator({ accessKey: TEST_ACCESS_KEY, secretKey: CANARY_SECRET, quiet: true });
});
afterAll(async () => {
  await emulator.close();
});

const { fault, clearFaults, purchases } = emulatorControl(() => emulator.url);

const CONFIG = {
  logLevel: 'silent' as const,
  timeouts: { connectMs: 1000, readMs: 2000, mutationMs: 1000 },
  // The read-backs fail on purpose for a while: keep the breaker out of the way.
  breaker: BREAKER_OFF,
  retry: RETRY_OFF,
  settle: { deadlineMs: 20_000, graceMs: 300, firstDelayMs: 50, maxIntervalMs: 150 },
};

describe.each(DB_VARIANTS.filter((v) => v.enabled))('two replicas on one $name database', ({ name }) => {
  let storeA: TestStore;
  let storeB: Store | TestStore;
  let a: TestApp;
  let b: TestApp;
  let available: string[] = [];

  beforeAll(async () => {
    storeA = await openTestStore(name);
    // PGlite is one process's database: both apps share it. PostgreSQL: a second pool on the same schema, as a
    // second replica would have.
    storeB =
      name === 'pglite'
        ? storeA
        : await openStore({
            databaseUrl: storeA.options.databaseUrl,
            schema: storeA.options.schema,
            scrypt: TEST_SCRYPT,
          });
    a = await buildTestApp(emulator.url, CONFIG, storeA);
    b = await buildTestApp(emulator.url, CONFIG, storeB);
    const res = await a.app.inject({
      method: 'GET',
      url: `/api/v2/numbers/available?limit=10&offset=${name === 'pglite' ? 400 : 500}`,
      headers: as('viewer'),
    });
    available = (res.json() as { data: { id: string }[] }).data.map((d) => d.id);
  });
  afterAll(async () => {
    await clearFaults();
    await a.app.close();
    await b.app.close();
    if (storeB !== storeA) await storeB.close();
    await storeA.cleanup();
  });

  const buy = (t: TestApp, number: string, key: string) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v2/numbers/${number}`,
      headers: { ...as('admin', { 'x-test-user': 'alice' }), 'idempotency-key': key },
      payload: {},
    });
  const poll = (t: TestApp, key: string, user = 'alice') =>
    t.app.inject({
      method: 'GET',
      url: `/api/outcomes/${encodeURIComponent(key)}`,
      headers: as('viewer', { 'x-test-user': user }),
    });

  it('a purchase whose answer A lost: B shows "checking" (with A\'s checks), then "applied", and replays it', async () => {
    const number = available[0]!;
    const key = `${name}-applied`;
    await fault({ method: 'POST', path: `^/v2/numbers/${number}$`, fault: 'reset_after', times: 1 });
    await fault({ method: 'GET', path: `^/v2/numbers/${number}$`, fault: 'status', status: 503 });
    const first = await buy(a, number, key);
    expect(first.statusCode).toBe(502);
    expect(first.headers['x-outcome-check']).toBe('pending');
    expect(first.headers['x-outcome-url']).toBe(`/api/outcomes/${key}`);

    // B has no entry of its own: what it says comes from the database.
    expect(b.app.outcomes.get('alice', key)).toBeUndefined();
    const checking = await poll(b, key);
    expect(checking.statusCode).toBe(200);
    expect(checking.headers['cache-control']).toBe('no-store');
    expect(checking.json().outcome).toMatchObject({
      state: 'checking',
      operation: 'purchaseNumber',
      target: number,
      settledAt: null,
    });
    expect(checking.json().outcome.answer).toBeUndefined();
    // A keeps reading Flowroute back (and failing): B sees the count grow.
    await expect
      .poll(async () => (await poll(b, key)).json().outcome.checks, { timeout: 10_000 })
      .toBeGreaterThan(2);
    // Someone else's poll, and an unknown key, are 404 on B as on A.
    expect((await poll(b, key, 'bob')).statusCode).toBe(404);
    expect((await poll(b, `${key}-nope`)).statusCode).toBe(404);
    // A retry on B while A checks: in flight, nothing sent, and B says where to poll.
    const during = await buy(b, number, key);
    expect(during.statusCode).toBe(409);
    expect(during.headers['x-outcome-check']).toBe('pending');
    expect(during.headers['x-outcome-url']).toBe(`/api/outcomes/${key}`);

    await clearFaults(); // Flowroute readable again: A finds the number on the account.
    await a.app.outcomes.idle();
    const onA = (await poll(a, key)).json().outcome;
    const onB = await poll(b, key);
    expect(onB.statusCode).toBe(200);
    expect(onB.json().outcome).toMatchObject({ state: 'applied', answer: { status: 201 } });
    expect(onB.json().outcome.answer.headers['x-outcome']).toBe('applied');
    expect(JSON.parse(onB.json().outcome.answer.body as string)).toMatchObject({ data: { id: number } });
    // Exactly what A itself says (A answers from memory).
    expect(onB.json().outcome).toEqual(onA);
    expect(b.app.outcomes.get('alice', key)).toBeUndefined();

    const retry = await buy(b, number, key);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await purchases(number)).toBe(1);
  });

  it('a purchase that never reached Flowroute: B shows "not applied" and the key may be used again, once', async () => {
    const number = available[1]!;
    const key = `${name}-not-applied`;
    await fault({ method: 'POST', path: `^/v2/numbers/${number}$`, fault: 'reset_before', times: 1 });
    expect((await buy(a, number, key)).headers['x-outcome-check']).toBe('pending');
    expect((await poll(b, key)).json().outcome.state).toBe('checking');
    await a.app.outcomes.idle();
    const settled = (await poll(b, key)).json().outcome;
    expect(settled).toMatchObject({
      state: 'not_applied',
      answer: { status: 502, headers: { 'x-outcome': 'not_applied' } },
    });
    expect(settled.detail).toMatch(/^Not applied: .*not on the account/);
    expect(await purchases(number)).toBe(0);
    const again = await buy(b, number, key);
    expect(again.statusCode).toBe(201);
    expect(await purchases(number)).toBe(1);
  });

  it('A stops while checking: B shows it flagged (and so does a record left "checking" by a killed replica)', async () => {
    const extra = await buildTestApp(
      emulator.url,
      { ...CONFIG, settle: { ...CONFIG.settle, deadlineMs: 60_000 } },
      storeA,
    );
    const number = available[2]!;
    const key = `${name}-stopped`;
    await fault({ method: 'POST', path: `^/v2/numbers/${number}$`, fault: 'reset_after', times: 1 });
    await fault({ method: 'GET', path: `^/v2/numbers/${number}$`, fault: 'status', status: 503 });
    expect((await buy(extra, number, key)).headers['x-outcome-check']).toBe('pending');
    expect((await poll(b, key)).json().outcome.state).toBe('checking');
    await extra.app.close(); // graceful stop flags what it was checking
    await clearFaults();
    const flagged = (await poll(b, key)).json().outcome;
    expect(flagged).toMatchObject({
      state: 'flagged',
      answer: { status: 502, headers: { 'x-outcome': 'flagged' } },
    });
    expect(flagged.detail).toMatch(/proxy stopped while checking/);

    // A replica killed mid-check writes nothing more: once its deadline (+5 s) is past, B calls it flagged.
    const records = new DbOutcomeStore(storeA.db);
    const lostAt = Date.now() - 70_000;
    await records.begin({
      userId: 'alice',
      key: `${name}-killed`,
      username: 'alice',
      operation: 'purchaseNumber',
      target: available[3]!,
      intentId: null,
      detail: 'Checking Flowroute…',
      lostAt,
      deadlineAt: lostAt + 60_000,
    });
    const abandoned = (await poll(b, `${name}-killed`)).json().outcome;
    expect(abandoned).toMatchObject({ state: 'flagged', answer: { status: 502 } });
    expect(abandoned.detail).toMatch(/replica that was checking Flowroute stopped/);
  });
});
