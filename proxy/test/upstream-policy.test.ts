// R-2 retries (reads once, mutations never), R-3 circuit breaker (fast 503, reported by /readyz, half-open probe), R-4 cap on
// requests in flight with a bounded queue (503 overloaded), against a scripted stub upstream.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Bulkhead, CircuitBreaker, RetryBudget, TimeRing } from '../src/plugins/upstream-policy';
import { as, buildTestApp, type TestApp } from './harness';
import { json, startStub, type Stub } from './stub-upstream';

const BREAKER = {
  consecutiveFailures: 5,
  failureRatio: 0.5,
  windowMs: 10_000,
  minVolume: 20,
  openMs: 30_000,
};

describe('CircuitBreaker (unit, fake clock)', () => {
  it('opens after 5 consecutive failures, refuses while open, lets one read probe through after openMs', () => {
    let now = 0;
    const b = new CircuitBreaker(BREAKER, () => now);
    for (let i = 0; i < 4; i++) {
      expect(b.admit('read')).toEqual({ ok: true, probe: false });
      b.record(false, false);
    }
    expect(b.current).toBe('closed');
    b.record(false, false);
    expect(b.current).toBe('open');
    expect(b.admit('read')).toEqual({ ok: false, retryAfterMs: 30_000 });
    now = 29_999;
    expect(b.admit('mutation').ok).toBe(false);
    now = 30_000;
    expect(b.current).toBe('half_open');
    expect(b.admit('mutation').ok).toBe(false); // a mutation is never the probe
    expect(b.admit('read')).toEqual({ ok: true, probe: true });
    expect(b.admit('read').ok).toBe(false); // one probe at a time
    b.record(false, true); // probe failed: open for another 30 s
    expect(b.current).toBe('open');
    now = 60_000;
    expect(b.admit('read')).toEqual({ ok: true, probe: true });
    b.record(true, true);
    expect(b.current).toBe('closed');
    expect(b.admit('mutation')).toEqual({ ok: true, probe: false });
  });

  it('opens at ≥ 50 % failures in 10 s once 20 calls were seen, not before', () => {
    let now = 0;
    const b = new CircuitBreaker(BREAKER, () => now);
    // alternate ok/fail: never 5 in a row
    for (let i = 0; i < 19; i++) {
      now += 10;
      b.record(i % 2 === 0, false);
    }
    expect(b.current).toBe('closed');
    now += 10;
    b.record(false, false); // 20 calls, 10 failed
    expect(b.current).toBe('open');
    // Old calls fall out of the window.
    const c = new CircuitBreaker({ ...BREAKER, consecutiveFailures: 100 }, () => now);
    for (let i = 0; i < 15; i++) c.record(false, false);
    now += 11_000;
    for (let i = 0; i < 19; i++) c.record(true, false);
    c.record(false, false); // 20 in the window, 1 failed: the 15 old failures no longer count
    expect(c.current).toBe('closed');
  });

  it('keeps counting exactly over a long busy run (old calls dropped in bulk, not one shift per call)', () => {
    let now = 0;
    const b = new CircuitBreaker({ ...BREAKER, consecutiveFailures: 1_000_000 }, () => now);
    // 60 s at 5,000 calls/s, 40 % failing: never ≥ 50 % in any 10-s window.
    for (let i = 0; i < 300_000; i++) {
      now = i / 5;
      b.record(i % 5 >= 2, false);
    }
    expect(b.current).toBe('closed');
    // Then 60 % failing: the window (the last 10 s, ~50,000 calls) reaches 50 % failed and it opens.
    let openedAt = -1;
    for (let i = 0; i < 100_000 && openedAt < 0; i++) {
      now = 60_000 + i / 5;
      b.record(i % 5 >= 3, false);
      if (b.current === 'open') openedAt = i;
    }
    // 40 % → 60 %: the share crosses 50 % when about half the window is new calls (~25,000 of them).
    expect(openedAt).toBeGreaterThan(20_000);
    expect(openedAt).toBeLessThan(30_000);
  });

  it('neutral answers (429, refused credentials) neither open nor close it', () => {
    const b = new CircuitBreaker(BREAKER, () => 0);
    for (let i = 0; i < 50; i++) b.record(null, false);
    expect(b.current).toBe('closed');
  });
});

describe('Bulkhead and RetryBudget (unit)', () => {
  it('lets `limit` in, queues `queue` more in order, refuses the rest at once', async () => {
    const bh = new Bulkhead(2, 1);
    expect(await bh.acquire(1000)).toBe(true);
    expect(await bh.acquire(1000)).toBe(true);
    const queued = bh.acquire(1000);
    expect(await bh.acquire(1000)).toBe(false);
    bh.release();
    expect(await queued).toBe(true);
    expect(bh.inFlight).toBe(2);
    const timesOut = bh.acquire(20);
    expect(await timesOut).toBe(false);
    bh.release();
    bh.release();
    expect(bh.inFlight).toBe(0);
  });

  it('allows at most 20 % of reads as retries (minimum 3 per window)', () => {
    let now = 0;
    const budget = new RetryBudget(0.2, 3, 10_000, () => now);
    expect([budget.tryTake(), budget.tryTake(), budget.tryTake(), budget.tryTake()]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    for (let i = 0; i < 50; i++) budget.noteRead();
    let taken = 0;
    while (budget.tryTake()) taken++;
    expect(taken + 3).toBe(10); // 20 % of 50
    now = 20_000;
    expect(budget.tryTake()).toBe(true); // new window
  });

  it('counts only the reads of the last window, also after a long healthy run', () => {
    let now = 0;
    const budget = new RetryBudget(0.2, 0, 10_000, () => now);
    // 100 s at 1,000 reads/s and no retry at all: the window holds the last 10,000 reads.
    for (let i = 0; i < 100_000; i++) {
      now = i;
      budget.noteRead();
    }
    let taken = 0;
    while (budget.tryTake()) taken++;
    expect(taken).toBe(2_000); // 20 % of the 10,000 reads of the last 10 s, not of all 100,000
  });
});

describe('through the proxy', () => {
  let stub: Stub | null = null;
  let t: TestApp | null = null;
  afterEach(async () => {
    await t?.app.close();
    await stub?.close();
    t = null;
    stub = null;
  });

  it('retries a read once on 503 (then succeeds), never a mutation', async () => {
    let n = 0;
    stub = await startStub((req, res) => {
      n++;
      if (req.method === 'GET' && n === 1) return json(res, 503, { errors: [{ detail: 'busy' }] });
      if (req.method === 'POST') return json(res, 503, { errors: [{ detail: 'busy' }] });
      json(res, 200, { data: [] });
    });
    t = await buildTestApp(stub.url, {
      retry: { budgetRatio: 0.2, minPerWindow: 3, backoffMinMs: 10, backoffMaxMs: 30 },
    });
    const read = await t.app.inject({ method: 'GET', url: '/api/v2/numbers', headers: as('viewer') });
    expect(read.statusCode).toBe(200);
    expect(stub.requests.filter((r) => r.method === 'GET')).toHaveLength(2);
    const write = await t.app.inject({
      method: 'POST',
      url: '/api/v2/routes',
      headers: { ...as('operator'), 'idempotency-key': 'policy-1' },
      payload: {
        data: { type: 'route', attributes: { alias: 'a', route_type: 'host', value: 'sip.example.com' } },
      },
    });
    expect(write.statusCode).toBe(502);
    expect(write.headers['x-proxy-error']).toBe('outcome_unknown');
    expect(stub.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    await t.app.outcomes.cancelAll();
  });

  it('retries a read once on a reset connection; a long Retry-After is passed on instead of waited for', async () => {
    stub = await startStub((req, res) => {
      if (req.url.startsWith('/v2/routes')) return void res.destroy();
      json(res, 503, { errors: [{ detail: 'later' }] }, { 'retry-after': '30' });
    });
    t = await buildTestApp(stub.url, {
      retry: { budgetRatio: 0.2, minPerWindow: 3, backoffMinMs: 10, backoffMaxMs: 30 },
    });
    const reset = await t.app.inject({ method: 'GET', url: '/api/v2/routes', headers: as('viewer') });
    expect(reset.statusCode).toBe(502);
    expect(reset.headers['x-proxy-error']).toBe('upstream_reset');
    expect(stub.requests.filter((r) => r.url.startsWith('/v2/routes'))).toHaveLength(2);
    const later = await t.app.inject({ method: 'GET', url: '/api/v2/numbers', headers: as('viewer') });
    expect(later.statusCode).toBe(503);
    expect(later.headers['retry-after']).toBe('30');
    expect(stub.requests.filter((r) => r.url.startsWith('/v2/numbers'))).toHaveLength(1);
  });

  it('passes Flowroute’s 429 on with Retry-After in seconds (an HTTP-date is converted), not retried', async () => {
    const at = new Date(Date.now() + 42_000).toUTCString();
    stub = await startStub((_req, res) =>
      json(res, 429, { errors: [{ detail: 'Too many requests.' }] }, { 'retry-after': at }),
    );
    t = await buildTestApp(stub.url);
    const res = await t.app.inject({ method: 'GET', url: '/api/v2/numbers', headers: as('viewer') });
    expect(res.statusCode).toBe(429);
    expect(res.headers['x-proxy-error']).toBeUndefined();
    const seconds = Number(res.headers['retry-after']);
    expect(seconds).toBeGreaterThanOrEqual(40);
    expect(seconds).toBeLessThanOrEqual(43);
    expect(stub.requests).toHaveLength(1);
  });

  it('opens after 5 failures: fast 503 upstream_unavailable with Retry-After, nothing sent, /readyz not ready (circuit_open); a probe closes it', async () => {
    let healthy = false;
    stub = await startStub((_req, res) =>
      healthy ? json(res, 200, { data: [] }) : json(res, 500, { errors: [{ detail: 'down' }] }),
    );
    t = await buildTestApp(stub.url, {
      breaker: { ...BREAKER, openMs: 400 },
      retry: { budgetRatio: 0.2, minPerWindow: 0, backoffMinMs: 0, backoffMaxMs: 0 },
    });
    for (let i = 0; i < 5; i++) {
      const r = await t.app.inject({ method: 'GET', url: '/api/v2/numbers', headers: as('viewer') });
      expect(r.statusCode).toBe(500);
    }
    expect(stub.requests).toHaveLength(5);
    const started = performance.now();
    const fast = await t.app.inject({ method: 'GET', url: '/api/v2/numbers', headers: as('viewer') });
    expect(performance.now() - started).toBeLessThan(150); // R-3 asks ≤ 50 ms; room for a loaded machine
    expect(fast.statusCode).toBe(503);
    expect(fast.headers['x-proxy-error']).toBe('upstream_unavailable');
    expect(Number(fast.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    const buy = await t.app.inject({
      method: 'POST',
      url: '/api/v2/numbers/12065550100',
      headers: { ...as('admin'), 'idempotency-key': 'while-open' },
      payload: {},
    });
    expect(buy.statusCode).toBe(503);
    expect(buy.headers['x-proxy-error']).toBe('upstream_unavailable');
    expect(stub.requests).toHaveLength(5); // nothing sent while open
    // R-8 (default READYZ_BREAKER=fail): not ready while the breaker is open, and it says why.
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({
      status: 'not_ready',
      reasons: ['circuit_open'],
      upstream: { circuit: 'open' },
    });
    // The same key is free again (nothing reached Flowroute).
    healthy = true;
    await new Promise((r) => setTimeout(r, 450));
    const probe = await t.app.inject({ method: 'GET', url: '/api/v2/numbers', headers: as('viewer') });
    expect(probe.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({
      status: 'ready',
      upstream: { circuit: 'closed' },
    });
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v2/numbers/12065550100',
      headers: { ...as('admin'), 'idempotency-key': 'while-open' },
      payload: {},
    });
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
  });

  it('at most N in flight with a bounded queue; past it 503 overloaded and nothing sent', async () => {
    const waiting: (() => void)[] = [];
    stub = await startStub((_req, res) => {
      waiting.push(() => json(res, 200, { data: [] }));
    });
    t = await buildTestApp(stub.url, { upstreamConnections: 2, upstreamQueue: 2 });
    const app = t.app;
    const calls = Array.from({ length: 6 }, () =>
      app.inject({ method: 'GET', url: '/api/v2/numbers', headers: as('viewer') }),
    );
    await new Promise((r) => setTimeout(r, 150));
    expect(app.flowroute.bulkhead.inFlight).toBe(2);
    expect(app.flowroute.bulkhead.queued).toBe(2);
    // Let everything through as it arrives.
    const drain = setInterval(() => waiting.splice(0).forEach((f) => f()), 10);
    const results = await Promise.all(calls);
    clearInterval(drain);
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 503, 503]);
    const shed = results.filter((r) => r.statusCode === 503);
    expect(shed.every((r) => r.headers['x-proxy-error'] === 'overloaded')).toBe(true);
    expect(stub.requests).toHaveLength(4);
  });
});

describe("TimeRing (the breaker's and the retry budget's windows)", () => {
  it('keeps exactly what a plain list would, through growth, wrap-around and clearing', () => {
    type Op = { push: number; flag: boolean } | { drop: number } | { clear: true };
    // Mostly pushes with small steps and drops that keep a long tail, so the ring fills, wraps around and grows.
    const op = fc.oneof(
      { weight: 40, arbitrary: fc.record({ push: fc.integer({ min: 0, max: 5 }), flag: fc.boolean() }) },
      { weight: 8, arbitrary: fc.record({ drop: fc.integer({ min: 0, max: 300 }) }) },
      { weight: 1, arbitrary: fc.constant({ clear: true as const }) },
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 200, maxLength: 2000 }), (ops: Op[]) => {
        const ring = new TimeRing();
        let model: { at: number; flag: boolean }[] = [];
        let clock = 0;
        for (const o of ops) {
          if ('push' in o) {
            clock += o.push; // times only move forward, as Date.now() does here
            ring.push(clock, o.flag);
            model.push({ at: clock, flag: o.flag });
          } else if ('drop' in o) {
            const cutoff = clock - o.drop;
            const gone = model.filter((e) => e.at < cutoff);
            model = model.filter((e) => e.at >= cutoff);
            expect(ring.dropBefore(cutoff)).toBe(gone.filter((e) => e.flag).length);
            expect(ring.dropBefore(cutoff)).toBe(0);
          } else {
            ring.clear();
            model = [];
          }
          expect(ring.size).toBe(model.length);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('holds 100,000 entries and drops them oldest first', () => {
    const ring = new TimeRing();
    for (let t = 0; t < 100_000; t++) ring.push(t, t % 10 === 0);
    expect(ring.size).toBe(100_000);
    expect(ring.dropBefore(50_000)).toBe(5_000);
    expect(ring.size).toBe(50_000);
    for (let t = 100_000; t < 120_000; t++) ring.push(t, false);
    expect(ring.dropBefore(110_000)).toBe(5_000);
    expect(ring.size).toBe(10_000);
  });
});
