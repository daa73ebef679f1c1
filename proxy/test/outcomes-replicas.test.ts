// I-3 across replicas: a change whose answer was lost on replica A is checked by A, but the browser's poll
// (GET /api/outcomes/:key) may reach replica B behind a load balancer. B answers from the database (outcome_checks):
// "checking" with A's check count while A reads Flowroute back, then the settled state with the answer a retry gets —
// and a retry with the key on B replays it, sending nothing again. Two apps on one database: one PGlite shared in
// this process, and (TEST_DATABASE_URL) two connection pools on one PostgreSQL schema. The two-process variant
// (two `server.ts` processes on PostgreSQL) is in proxy/src/store/processes.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestHash } from '../src/plugins/idempotency';
import { flaggedAnswer, SWEEP_MARGIN_MS, TAKEOVER_WINDOW_MS } from '../src/plugins/outcomes';
import { DbOutcomeStore } from '../src/store/outcomes';
import { announcePostgresVariants, DB_VARIANTS } from '../src/store/testing';
import type { TestApp } from './harness';
import {
  adminList,
  auditOutcomes,
  buildReplicaOn,
  buy,
  emulatorInventory,
  OUTCOME_CONFIG,
  openReplicaStores,
  poll,
  pollRaw,
  type ReplicaStores,
  useEmulator,
} from './outcome-replicas';

announcePostgresVariants('outcomes-replicas.test.ts');

const emulator = useEmulator();
const { fault, clearFaults, purchases } = emulator;

describe.each(DB_VARIANTS.filter((v) => v.enabled))('two replicas on one $name database', ({ name }) => {
  let stores: ReplicaStores;
  let a: TestApp;
  let b: TestApp;
  let available: string[] = [];

  beforeAll(async () => {
    stores = await openReplicaStores(name);
    a = await buildReplicaOn(emulator.url, stores.a.db);
    b = await buildReplicaOn(emulator.url, stores.b.db);
    available = (await emulatorInventory(a, name === 'pglite' ? 400 : 500)).available;
  });
  afterAll(async () => {
    await clearFaults();
    await a.app.close();
    await b.app.close();
    await stores.close();
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
    const checking = await pollRaw(b, key);
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
      .poll(async () => (await pollRaw(b, key)).json().outcome.checks, { timeout: 10_000 })
      .toBeGreaterThan(2);
    // Someone else's poll, and an unknown key, are 404 on B as on A.
    expect((await pollRaw(b, key, 'bob')).statusCode).toBe(404);
    expect((await pollRaw(b, `${key}-nope`)).statusCode).toBe(404);
    // A retry on B while A checks: in flight, nothing sent, and B says where to poll.
    const during = await buy(b, number, key);
    expect(during.statusCode).toBe(409);
    expect(during.headers['x-outcome-check']).toBe('pending');
    expect(during.headers['x-outcome-url']).toBe(`/api/outcomes/${key}`);

    await clearFaults(); // Flowroute readable again: A finds the number on the account.
    await a.app.outcomes.idle();
    const onA = (await pollRaw(a, key)).json().outcome;
    const onB = await pollRaw(b, key);
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
    expect((await pollRaw(b, key)).json().outcome.state).toBe('checking');
    await a.app.outcomes.idle();
    const settled = (await pollRaw(b, key)).json().outcome;
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
    const extra = await buildReplicaOn(emulator.url, stores.a.db, {
      settle: { ...OUTCOME_CONFIG.settle, deadlineMs: 60_000 },
    });
    const number = available[2]!;
    const key = `${name}-stopped`;
    await fault({ method: 'POST', path: `^/v2/numbers/${number}$`, fault: 'reset_after', times: 1 });
    await fault({ method: 'GET', path: `^/v2/numbers/${number}$`, fault: 'status', status: 503 });
    expect((await buy(extra, number, key)).headers['x-outcome-check']).toBe('pending');
    expect((await pollRaw(b, key)).json().outcome.state).toBe('checking');
    await extra.app.close(); // graceful stop flags what it was checking
    await clearFaults();
    const flagged = (await pollRaw(b, key)).json().outcome;
    expect(flagged).toMatchObject({
      state: 'flagged',
      answer: { status: 502, headers: { 'x-outcome': 'flagged' } },
    });
    expect(flagged.detail).toMatch(/proxy stopped while checking/);

    // A replica killed mid-check writes nothing more: once its deadline (+5 s) is past, B calls it flagged.
    const records = new DbOutcomeStore(stores.a.db);
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
    const abandoned = (await pollRaw(b, `${name}-killed`)).json().outcome;
    expect(abandoned).toMatchObject({ state: 'flagged', answer: { status: 502 } });
    expect(abandoned.detail).toMatch(/replica that was checking Flowroute stopped/);
  });

  it('a newer check of a key elsewhere wins over what B still knew: B shows it, lists it, and replays its answer', async () => {
    const number = available[4]!;
    const key = `${name}-newer`;
    // B checks the first try: it never reached Flowroute, so the key is free again.
    await fault({ method: 'POST', path: `^/v2/numbers/${number}$`, fault: 'reset_before', times: 1 });
    expect((await buy(b, number, key)).headers['x-outcome-check']).toBe('pending');
    await b.app.outcomes.idle();
    expect((await poll(b, key)).state).toBe('not_applied');
    expect(await purchases(number)).toBe(0);

    // The user tries again on A: Flowroute buys it, the answer is lost again, and A checks (reads fail for now).
    await fault({ method: 'POST', path: `^/v2/numbers/${number}$`, fault: 'reset_after', times: 1 });
    const unreadable = await emulator.faultUntilRemoved({
      method: 'GET',
      path: `^/v2/numbers/${number}$`,
      fault: 'status',
      status: 503,
    });
    expect((await buy(a, number, key)).headers['x-outcome-check']).toBe('pending');
    expect(await purchases(number)).toBe(1);

    // B shows A's check, not its own earlier "not applied"; it lists it for admins; a retry on B is in flight.
    expect(await poll(b, key)).toMatchObject({ state: 'checking', settledAt: null });
    expect((await adminList(b)).find((i) => i.idempotencyKey === key)).toMatchObject({ state: 'checking' });
    const during = await buy(b, number, key);
    expect(during.statusCode).toBe(409);
    expect(during.headers['x-outcome-url']).toBe(`/api/outcomes/${key}`);

    await unreadable();
    await a.app.outcomes.idle();
    expect(await poll(b, key)).toMatchObject({ state: 'applied', answer: { status: 201 } });
    const replay = await buy(b, number, key);
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(await purchases(number)).toBe(1);
  });

  it('a check abandoned and not taken over within the takeover window is flagged by the sweep, once', async () => {
    const number = available[5]!;
    const key = `${name}-swept`;
    const claim = await stores.a.idempotency.claim({
      key,
      userId: 'alice',
      operation: 'purchaseNumber',
      requestHash: requestHash('purchaseNumber', 'POST', `/v2/numbers/${number}`, null),
    });
    expect(claim.kind).toBe('claimed');
    const intentId = await stores.a.audit.intent({
      userId: 'alice',
      username: 'alice',
      role: 'admin',
      sourceIp: '127.0.0.1',
      operation: 'purchaseNumber',
      target: number,
      summary: {},
      idempotencyKey: key,
    });
    // Lost (and abandoned by its replica) longer ago than the window and the sweep's margin.
    const lostAt = Date.now() - TAKEOVER_WINDOW_MS - SWEEP_MARGIN_MS - 60_000;
    await new DbOutcomeStore(stores.a.db).begin({
      userId: 'alice',
      key,
      username: 'alice',
      operation: 'purchaseNumber',
      target: number,
      intentId,
      detail: 'Checking Flowroute…',
      lostAt,
      deadlineAt: lostAt + 60_000,
      owner: 'a-replica-long-gone',
    });
    // Too old to take over: a retry is in flight (409), nothing is checked or sent.
    expect((await buy(b, number, key)).statusCode).toBe(409);

    expect(await b.app.outcomes.sweepAbandoned()).toBe(1);
    expect(await a.app.outcomes.sweepAbandoned()).toBe(0);
    expect(await poll(b, key)).toMatchObject({
      state: 'flagged',
      detail: expect.stringMatching(/no retry took the check over/),
      answer: flaggedAnswer(),
    });
    const replay = await buy(b, number, key);
    expect(replay.statusCode).toBe(502);
    expect(replay.headers['x-outcome']).toBe('flagged');
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(await purchases(number)).toBe(0);
    expect(await auditOutcomes(stores.b, key)).toEqual([
      { result: 'unknown', detail: expect.stringMatching(/no retry took the check over/) },
    ]);
  });
});
