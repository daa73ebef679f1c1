// R-8 "under pressure": /readyz answers 503 `event_loop_delay` / `heap` with Retry-After: 10 while the last sample of
// the process is over a limit, and is ready again by itself once a sample is under it; /livez stays dependency-free.
// The event loop of this test process is really blocked, and the heap limit really read from the environment.
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { loadConfig, makeConfig, type Config } from '../src/config';
import { PressureMonitor, type PressureLimits, type PressureSample } from '../src/plugins/health';
import { CANARY_SECRET, TEST_ACCESS_KEY, testAuth } from './harness';

// Nothing is ever sent there: these tests only call /readyz and /livez.
const UPSTREAM = { baseUrl: 'http://127.0.0.1:9650', accessKey: TEST_ACCESS_KEY, secretKey: CANARY_SECRET };

const apps: FastifyInstance[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

async function start(config: Config): Promise<FastifyInstance> {
  const app = await buildApp(config, { auth: testAuth });
  apps.push(app);
  await app.ready();
  return app;
}

const readyz = (app: FastifyInstance) => app.inject({ method: 'GET', url: '/readyz' });

/** Keeps the event loop busy for `ms` without yielding (what a CPU-bound request handler does). */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin
  }
}

const yieldOnce = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('/readyz under pressure', () => {
  it('event loop blocked in 300 ms stretches (default limit 200 ms): 503 event_loop_delay with Retry-After: 10, then ready again by itself', async () => {
    const app = await start(
      makeConfig({
        upstream: UPSTREAM,
        mode: 'live',
        logLevel: 'silent',
        // Only the event-loop limit (the default 200 ms), sampled often so the test is short.
        readyzPressure: {
          maxEventLoopDelayMs: 200,
          maxHeapUsedBytes: 0,
          maxHeapUsedRatio: 0,
          sampleIntervalMs: 100,
        },
      }),
    );
    const before = await readyz(app);
    expect(before.statusCode).toBe(200);
    expect(before.headers['retry-after']).toBeUndefined();

    // A saturated process: 300 ms of synchronous work, a moment to breathe, again. Probe in between.
    const seen: { statusCode: number; retryAfter: unknown; body: Record<string, unknown> }[] = [];
    for (let i = 0; i < 5; i++) {
      busy(300);
      await yieldOnce();
      const r = await readyz(app);
      seen.push({ statusCode: r.statusCode, retryAfter: r.headers['retry-after'], body: r.json() });
    }
    const pressured = seen.filter((s) => s.statusCode === 503);
    expect(pressured.length).toBeGreaterThanOrEqual(3);
    for (const s of pressured) {
      expect(s.retryAfter).toBe('10');
      expect(s.body).toMatchObject({ status: 'not_ready', reasons: ['event_loop_delay'], database: 'none' });
      const pressure = s.body.pressure as PressureSample;
      expect(pressure.eventLoopDelayMs).toBeGreaterThan(200);
      expect(pressure.eventLoopDelayMs).toBeLessThan(1_000);
    }

    // The work stops: the next sample is under the limit and the replica is ready again, with no one resetting it.
    await expect.poll(async () => (await readyz(app)).statusCode, { timeout: 3_000, interval: 50 }).toBe(200);
    const after = await readyz(app);
    expect(after.headers['retry-after']).toBeUndefined();
    expect(after.json()).toEqual({ status: 'ready', database: 'none', upstream: { circuit: 'closed' } });
  });

  it('a heap limit from READYZ_MAX_HEAP_USED_BYTES smaller than any process (1 MiB): 503 heap with Retry-After: 10', async () => {
    const config = loadConfig({
      FLOWROUTE_ACCESS_KEY: TEST_ACCESS_KEY,
      FLOWROUTE_SECRET_KEY: CANARY_SECRET,
      FLOWROUTE_BASE_URL: UPSTREAM.baseUrl,
      LOG_LEVEL: 'silent',
      READYZ_MAX_HEAP_USED_BYTES: '1048576',
      READYZ_PRESSURE_SAMPLE_MS: '20',
    });
    const app = await start(config);
    // Before the first sample nothing is known, so nothing holds the replica back.
    await expect.poll(async () => (await readyz(app)).statusCode, { timeout: 3_000, interval: 20 }).toBe(503);
    const res = await readyz(app);
    expect(res.headers['retry-after']).toBe('10');
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body).toMatchObject({ status: 'not_ready', reasons: ['heap'], database: 'none' });
    expect(body.pressure.heapUsedBytes).toBeGreaterThan(1_048_576);
    expect(body.pressure.heapLimitBytes).toBeGreaterThan(body.pressure.heapUsedBytes);
    // Liveness does not care: restarting would not make the heap smaller than the limit.
    expect((await app.inject({ method: 'GET', url: '/livez' })).statusCode).toBe(200);
  });

  it('heap over the default ratio (0.9 of the V8 limit) and back under it: not ready, then ready again at the next sample', async () => {
    const app = await start(
      makeConfig({
        upstream: UPSTREAM,
        mode: 'live',
        logLevel: 'silent',
        readyzPressure: { sampleIntervalMs: 20 },
      }),
    );
    expect(app.readiness.pressure.limits).toEqual({
      maxEventLoopDelayMs: 200,
      maxHeapUsedBytes: 0,
      maxHeapUsedRatio: 0.9,
      sampleIntervalMs: 20,
    });
    // The heap itself cannot be made to shrink on demand, so the monitor's source is replaced; the timer still does
    // the sampling and the limits are the configured ones.
    let heapUsedBytes = 950;
    app.readiness.pressure.sampler = () => ({ eventLoopDelayMs: 0, heapUsedBytes, heapLimitBytes: 1_000 });
    await expect.poll(async () => (await readyz(app)).statusCode, { timeout: 2_000, interval: 20 }).toBe(503);
    const during = await readyz(app);
    expect(during.headers['retry-after']).toBe('10');
    expect(during.json()).toEqual({
      status: 'not_ready',
      reasons: ['heap'],
      database: 'none',
      upstream: { circuit: 'closed' },
      pressure: { eventLoopDelayMs: 0, heapUsedBytes: 950, heapLimitBytes: 1_000 },
    });
    heapUsedBytes = 850;
    await expect.poll(async () => (await readyz(app)).statusCode, { timeout: 2_000, interval: 20 }).toBe(200);
    expect((await readyz(app)).headers['retry-after']).toBeUndefined();
  });

  it('pressure adds to the other reasons (draining and under pressure: both said)', async () => {
    const app = await start(
      makeConfig({
        upstream: UPSTREAM,
        mode: 'live',
        logLevel: 'silent',
        readyzPressure: { sampleIntervalMs: 20 },
      }),
    );
    app.readiness.pressure.sampler = () => ({
      eventLoopDelayMs: 450,
      heapUsedBytes: 1,
      heapLimitBytes: 1_000,
    });
    app.readiness.pressure.sample();
    app.readiness.shuttingDown = true;
    const res = await readyz(app);
    app.readiness.shuttingDown = false;
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('10');
    expect(res.json()).toMatchObject({ reasons: ['shutting_down', 'event_loop_delay'] });
  });

  it('/livez answers in under 10 ms and ignores pressure', async () => {
    const app = await start(
      makeConfig({
        upstream: UPSTREAM,
        mode: 'live',
        logLevel: 'silent',
        readyzPressure: { sampleIntervalMs: 20 },
      }),
    );
    app.readiness.pressure.sampler = () => ({
      eventLoopDelayMs: 5_000,
      heapUsedBytes: 999,
      heapLimitBytes: 1_000,
    });
    app.readiness.pressure.sample();
    expect((await readyz(app)).json()).toMatchObject({ reasons: ['event_loop_delay', 'heap'] });
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      const res = await app.inject({ method: 'GET', url: '/livez' });
      times.push(performance.now() - started);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ok' });
      expect(res.headers['retry-after']).toBeUndefined();
    }
    times.sort((a, b) => a - b);
    expect(times[Math.floor(times.length / 2)]).toBeLessThan(10);
  });
});

describe('PressureMonitor', () => {
  const limits = (l: Partial<PressureLimits> = {}): PressureLimits => ({
    maxEventLoopDelayMs: 200,
    maxHeapUsedBytes: 0,
    maxHeapUsedRatio: 0.9,
    sampleIntervalMs: 1_000,
    ...l,
  });
  const withSample = (m: PressureMonitor, s: PressureSample) => {
    m.sampler = () => s;
    m.sample();
    return m.reasons();
  };

  it('says which limit is exceeded (strictly over: at the limit is fine)', () => {
    const m = new PressureMonitor(limits({ maxHeapUsedBytes: 500 }));
    expect(withSample(m, { eventLoopDelayMs: 200, heapUsedBytes: 500, heapLimitBytes: 1_000 })).toEqual([]);
    expect(withSample(m, { eventLoopDelayMs: 201, heapUsedBytes: 10, heapLimitBytes: 1_000 })).toEqual([
      'event_loop_delay',
    ]);
    expect(withSample(m, { eventLoopDelayMs: 0, heapUsedBytes: 501, heapLimitBytes: 1_000 })).toEqual([
      'heap',
    ]);
    // The ratio applies as well as the absolute limit.
    const ratioOnly = new PressureMonitor(limits());
    expect(withSample(ratioOnly, { eventLoopDelayMs: 0, heapUsedBytes: 900, heapLimitBytes: 1_000 })).toEqual(
      [],
    );
    expect(withSample(ratioOnly, { eventLoopDelayMs: 0, heapUsedBytes: 901, heapLimitBytes: 1_000 })).toEqual(
      ['heap'],
    );
    expect(
      withSample(ratioOnly, { eventLoopDelayMs: 900, heapUsedBytes: 999, heapLimitBytes: 1_000 }),
    ).toEqual(['event_loop_delay', 'heap']);
  });

  it('0 turns a limit off; with every limit off nothing is sampled at all', async () => {
    const off = new PressureMonitor(
      limits({ maxEventLoopDelayMs: 0, maxHeapUsedBytes: 0, maxHeapUsedRatio: 0, sampleIntervalMs: 20 }),
    );
    expect(off.enabled).toBe(false);
    expect(withSample(off, { eventLoopDelayMs: 1e6, heapUsedBytes: 1e12, heapLimitBytes: 1 })).toEqual([]);
    let samples = 0;
    off.sampler = () => {
      samples++;
      return { eventLoopDelayMs: 0, heapUsedBytes: 0, heapLimitBytes: 0 };
    };
    off.start();
    await new Promise((r) => setTimeout(r, 100));
    off.stop();
    expect(samples).toBe(0);

    const on = new PressureMonitor(limits({ sampleIntervalMs: 20 }));
    on.sampler = () => {
      samples++;
      return { eventLoopDelayMs: 0, heapUsedBytes: 0, heapLimitBytes: 0 };
    };
    on.start();
    await new Promise((r) => setTimeout(r, 150));
    on.stop();
    const taken = samples;
    expect(taken).toBeGreaterThanOrEqual(2);
    await new Promise((r) => setTimeout(r, 60));
    expect(samples).toBe(taken); // stopped means stopped
  });

  it('measures the mean delay over a sample window: 250 ms stretches of work in 600 ms windows read as ~240 ms', async () => {
    // Every 600 ms window holds at least two 250 ms stretches, so the histogram has values (its mean is used, not
    // the whole-window fallback) and the mean tick is ~250 ms, less the 10 ms resolution.
    const m = new PressureMonitor(limits({ sampleIntervalMs: 600, maxHeapUsedRatio: 0 }));
    const seen: PressureSample[] = [];
    const measure = m.sampler;
    m.sampler = () => {
      const s = measure();
      seen.push(s);
      return s;
    };
    m.start();
    try {
      const until = performance.now() + 1_500;
      while (performance.now() < until) {
        busy(250);
        await yieldOnce();
      }
      const delays = seen.map((s) => s.eventLoopDelayMs);
      expect(delays.length).toBeGreaterThanOrEqual(2);
      const highest = Math.max(...delays);
      expect(highest).toBeGreaterThan(200);
      expect(highest).toBeLessThan(400); // the whole-window fallback would read ~500+
      // Idle again: the next full window is back to (almost) nothing, so the replica recovers by itself.
      await expect.poll(() => m.latest.eventLoopDelayMs, { timeout: 2_000, interval: 50 }).toBeLessThan(50);
      expect(m.reasons()).toEqual([]);
    } finally {
      m.stop();
    }
  });

  it('measures this process: a real sample has the V8 heap and its limit, and little delay when idle', async () => {
    const m = new PressureMonitor(limits({ sampleIntervalMs: 50 }));
    m.start();
    try {
      await new Promise((r) => setTimeout(r, 120));
      const s = m.sample();
      expect(s.heapUsedBytes).toBeGreaterThan(1_048_576);
      expect(s.heapLimitBytes).toBeGreaterThan(s.heapUsedBytes);
      expect(s.eventLoopDelayMs).toBeGreaterThanOrEqual(0);
      expect(s.eventLoopDelayMs).toBeLessThan(200);
    } finally {
      m.stop();
    }
  });
});
