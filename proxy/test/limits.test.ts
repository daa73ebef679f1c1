// our own per-user limits and account-wide daily caps: 429 + Retry-After (seconds) + X-Proxy-Error:
// rate_limited, 0 upstream calls; counters shared by replicas on one database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from '../src/config';
import { MemoryRateCounters, RateLimiter, rulesFor } from '../src/plugins/rate-limits';
import { openTestStore, type TestStore } from '../src/store/testing';
import { as, buildTestApp, TEST_LIMITS, type TestApp } from './harness';
import { json, startStub, type Stub } from './stub-upstream';

let stub: Stub;
beforeAll(async () => {
  stub = await startStub((req, res) => {
    if (req.method === 'POST' && req.url.startsWith('/v2/numbers/'))
      return json(res, 201, { data: { id: '1' } });
    if (req.method === 'POST') return json(res, 202, { data: { id: 'mdr2-x' } });
    json(res, 200, { data: [] });
  });
});
afterAll(async () => {
  await stub.close();
});

const send = (t: TestApp, user: string, key: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v2.1/messages',
    headers: { ...as('operator', { 'x-test-user': user }), 'idempotency-key': key },
    payload: { from: '12065550100', to: '12065550199', body: 'hi' },
  });
const buy = (t: TestApp, user: string, key: string, n = '12065550100') =>
  t.app.inject({
    method: 'POST',
    url: `/api/v2/numbers/${n}`,
    headers: { ...as('admin', { 'x-test-user': user }), 'idempotency-key': key },
    payload: {},
  });
const read = (t: TestApp, user: string) =>
  t.app.inject({ method: 'GET', url: '/api/v2/numbers', headers: as('viewer', { 'x-test-user': user }) });

/** Minute windows are fixed: start a windowed test well inside one so it cannot straddle two. */
async function awayFromMinuteEdge(): Promise<void> {
  const into = Date.now() % 60_000;
  if (into > 50_000) await new Promise((r) => setTimeout(r, 60_050 - into));
}

function expectLimited(res: Awaited<ReturnType<typeof read>>, pattern: RegExp, maxWait: number) {
  expect(res.statusCode).toBe(429);
  expect(res.headers['x-proxy-error']).toBe('rate_limited');
  const wait = Number(res.headers['retry-after']);
  expect(Number.isInteger(wait)).toBe(true);
  expect(wait).toBeGreaterThanOrEqual(1);
  expect(wait).toBeLessThanOrEqual(maxWait);
  expect(res.json().errors[0].detail).toMatch(pattern);
}

describe('per-user limits', () => {
  it('reads per minute: the 4th read of a user is refused with 0 upstream calls; other users are not affected', async () => {
    await awayFromMinuteEdge();
    const t = await buildTestApp(stub.url, { limits: { ...TEST_LIMITS, readsPerMinute: 3 } });
    stub.requests.length = 0;
    for (let i = 0; i < 3; i++) expect((await read(t, 'ann')).statusCode).toBe(200);
    expectLimited(await read(t, 'ann'), /3 reads per minute/, 60);
    expect(stub.requests).toHaveLength(3);
    expect((await read(t, 'ben')).statusCode).toBe(200);
    await t.app.close();
  });

  it('sends per minute and purchases per minute; a refused mutation does not use up its key', async () => {
    await awayFromMinuteEdge();
    const t = await buildTestApp(stub.url, {
      limits: { ...TEST_LIMITS, sendsPerMinute: 2, purchasesPerMinute: 1 },
    });
    stub.requests.length = 0;
    expect((await send(t, 'ann', 's1')).statusCode).toBe(202);
    expect((await send(t, 'ann', 's2')).statusCode).toBe(202);
    const third = await send(t, 'ann', 's3');
    expectLimited(third, /2 messages per minute/, 60);
    const thirdAgain = await send(t, 'ann', 's3');
    expect(thirdAgain.statusCode).toBe(429);
    expect(thirdAgain.headers['idempotent-replayed']).toBeUndefined();
    // A replay of an earlier key is not a new send and is not counted.
    expect((await send(t, 'ann', 's1')).headers['idempotent-replayed']).toBe('true');
    expect((await buy(t, 'ann', 'b1')).statusCode).toBe(201);
    expectLimited(await buy(t, 'ann', 'b2', '12065550101'), /1 purchases per minute/, 60);
    expect(stub.requests.filter((r) => r.method === 'POST')).toHaveLength(3);
    await t.app.close();
  });
});

describe('account-wide daily caps', () => {
  it('counts every user together; refusals by the per-minute limit do not use up the day', async () => {
    await awayFromMinuteEdge();
    const t = await buildTestApp(stub.url, {
      limits: { ...TEST_LIMITS, purchasesPerMinute: 1, purchasesPerDay: 2, sendsPerDay: 2 },
    });
    stub.requests.length = 0;
    expect((await buy(t, 'ann', 'd1')).statusCode).toBe(201);
    expect((await buy(t, 'ann', 'd2')).statusCode).toBe(429); // per-minute; the day keeps 1 left
    expect((await buy(t, 'ben', 'd3')).statusCode).toBe(201);
    expectLimited(await buy(t, 'cat', 'd4'), /2 purchases per day for the account/, 86_400);
    expect((await send(t, 'ann', 'm1')).statusCode).toBe(202);
    expect((await send(t, 'ben', 'm2')).statusCode).toBe(202);
    expectLimited(await send(t, 'cat', 'm3'), /2 messages per day for the account/, 86_400);
    expect(stub.requests.filter((r) => r.method === 'POST')).toHaveLength(4);
    await t.app.close();
  });
});

describe('shared across replicas (one database)', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore('pglite');
  });
  afterAll(async () => {
    await store.cleanup();
  });

  it('two proxies on one database share the counters', async () => {
    await awayFromMinuteEdge();
    const limits = { ...TEST_LIMITS, readsPerMinute: 3, sendsPerDay: 1 };
    const a = await buildTestApp(stub.url, { limits }, store);
    const b = await buildTestApp(stub.url, { limits }, store);
    stub.requests.length = 0;
    expect((await read(a, 'dan')).statusCode).toBe(200);
    expect((await read(b, 'dan')).statusCode).toBe(200);
    expect((await read(a, 'dan')).statusCode).toBe(200);
    expect((await read(b, 'dan')).statusCode).toBe(429);
    expect((await send(a, 'dan', 'x1')).statusCode).toBe(202);
    expect((await send(b, 'eve', 'x2')).statusCode).toBe(429);
    expect(stub.requests).toHaveLength(4);
    await a.app.close();
    await b.app.close();
  });
});

describe('RateLimiter (unit)', () => {
  it('uses fixed minute windows and UTC days; Retry-After is the rest of the window', async () => {
    let now = Date.UTC(2026, 2, 15, 23, 59, 30);
    const limiter = new RateLimiter(new MemoryRateCounters(), () => now);
    const rules = rulesFor(
      makeConfig({ limits: { ...TEST_LIMITS, sendsPerDay: 1 } }).limits,
      'u',
      'mutation',
      'sendMessage',
    );
    expect(await limiter.hit(rules)).toEqual({ ok: true });
    expect(await limiter.hit(rules)).toMatchObject({ ok: false, retryAfterS: 30 });
    now += 30_000; // next UTC day
    expect(await limiter.hit(rules)).toEqual({ ok: true });
    expect(
      rulesFor(
        makeConfig({ limits: { ...TEST_LIMITS, readsPerMinute: 0 } }).limits,
        'u',
        'read',
        'listNumbers',
      ),
    ).toEqual([]);
  });

  it('hitNow counts a read in memory without a promise, and leaves refusals and shared counters to hit()', async () => {
    let now = Date.UTC(2026, 2, 15, 12, 0, 10);
    const rules = rulesFor(
      makeConfig({ limits: { ...TEST_LIMITS, readsPerMinute: 3 } }).limits,
      'u',
      'read',
      'listNumbers',
    );
    const limiter = new RateLimiter(new MemoryRateCounters(), () => now);
    for (let i = 0; i < 3; i++) expect(limiter.hitNow(rules)).toEqual({ ok: true });
    // The 4th: not answered here and not counted twice — hit() refuses it, and keeps refusing, with the wait.
    expect(limiter.hitNow(rules)).toBeUndefined();
    expect(await limiter.hit(rules)).toMatchObject({ ok: false, retryAfterS: 50 });
    expect(await limiter.hit(rules)).toMatchObject({ ok: false, retryAfterS: 50 });
    now += 50_000; // the next minute
    expect(limiter.hitNow(rules)).toEqual({ ok: true });
    expect(await limiter.hit(rules)).toEqual({ ok: true });
    expect(await limiter.hit(rules)).toEqual({ ok: true });
    expect(limiter.hitNow(rules)).toBeUndefined();

    // Counters that live in a database have no synchronous path: nothing is counted by hitNow.
    const counted: string[] = [];
    const shared = new RateLimiter(
      {
        increment: async (key) => (counted.push(key), 1),
        decrement: async () => undefined,
        purgeExpired: async () => undefined,
      },
      () => now,
    );
    expect(shared.hitNow(rules)).toBeUndefined();
    expect(counted).toEqual([]);
    expect(await shared.hit(rules)).toEqual({ ok: true });
    expect(counted).toHaveLength(1);
  });
});
