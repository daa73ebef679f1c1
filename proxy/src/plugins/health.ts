// Liveness (/livez: the process answers) and readiness (/readyz: this replica can serve) probes.
//
// /livez has no dependencies at all: no database, no Flowroute, no pressure figures; it only says the process answers.
//
// /readyz is not ready (503, with the reasons in the body) while:
//   - `starting`: not every plugin has loaded yet (configuration and secret read, database opened and migrated,
//     orphaned intents swept) — a configuration that cannot be loaded never gets this far: server.ts exits;
//   - `shutting_down`: shutdown has started (server.ts sets it first, so load balancers stop sending traffic);
//   - `event_loop_delay` / `heap`: the process is under pressure, as @fastify/under-pressure would say (mean
//     event-loop delay over the last sample above READYZ_MAX_EVENT_LOOP_DELAY_MS, or the V8 heap in use above
//     READYZ_MAX_HEAP_USED_BYTES / READYZ_MAX_HEAP_USED_RATIO of its limit); these answers carry `Retry-After: 10`
//     and clear by themselves at the first sample under the limits. Sampled on an unref'd timer, never per request;
//   - `database_unreachable`: its database does not answer `SELECT 1` within 2 s;
//   - whatever other plugins add to `checks` — by default (READYZ_BREAKER=fail, R-8) `circuit_open` while the
//     Flowroute circuit breaker is open (forwarder.ts). The breaker state comes from real traffic; no probe ever calls
//     Flowroute. READYZ_BREAKER=report keeps the breaker informational only (reported in the body, never a reason):
//     a Flowroute outage hits every replica at once, so a load balancer that drops not-ready replicas would drop all
//     of them, while the replicas still have work to do without Flowroute (the SPA, sign-in, the audit log and the
//     clear "Flowroute unavailable" answers the SPA shows). See docs/deployment.md §7.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { makeConfig, type Config } from '../config';

/** How long /readyz waits for the database's `SELECT 1` before it calls the database unreachable. */
export const DATABASE_PING_TIMEOUT_MS = 2_000;

/** Seconds in the Retry-After of a 503 caused by pressure (@fastify/under-pressure's default). */
export const PRESSURE_RETRY_AFTER_S = 10;

/** Resolution of the event-loop delay histogram, in ms (the one @fastify/under-pressure uses). */
const EVENT_LOOP_RESOLUTION_MS = 10;

export type PressureLimits = Config['readyzPressure'];

/** One look at the process. */
export interface PressureSample {
  /** Mean event-loop delay since the previous sample, ms (beyond the histogram's own 10 ms resolution). */
  eventLoopDelayMs: number;
  /** V8 heap in use, bytes. */
  heapUsedBytes: number;
  /** V8's heap limit (--max-old-space-size), bytes. */
  heapLimitBytes: number;
}

/**
 * Samples event-loop delay (node:perf_hooks monitorEventLoopDelay) and V8 heap use every `sampleIntervalMs` on an
 * unref'd timer; /readyz only reads the latest sample, so a probe costs nothing extra and a request nothing at all.
 * With every limit at 0 nothing runs.
 */
export class PressureMonitor {
  /** Latest sample; zeros until the first one (a replica is not held back before anything was measured). */
  latest: PressureSample = { eventLoopDelayMs: 0, heapUsedBytes: 0, heapLimitBytes: 0 };
  /** Where samples come from; tests may replace it to simulate pressure. */
  sampler: () => PressureSample = () => this.measure();
  private histogram: IntervalHistogram | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastSampleAt = 0;

  constructor(readonly limits: PressureLimits) {}

  get enabled(): boolean {
    const { maxEventLoopDelayMs, maxHeapUsedBytes, maxHeapUsedRatio } = this.limits;
    return maxEventLoopDelayMs > 0 || maxHeapUsedBytes > 0 || maxHeapUsedRatio > 0;
  }

  /** Starts sampling (after start-up, so loading the app is not counted as delay). Idempotent. */
  start(): void {
    if (!this.enabled || this.timer) return;
    if (this.limits.maxEventLoopDelayMs > 0) {
      this.histogram = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
      this.histogram.enable();
    }
    this.lastSampleAt = performance.now();
    const timer = setTimeout(() => {
      this.sample();
      timer.refresh();
    }, this.limits.sampleIntervalMs);
    timer.unref();
    this.timer = timer;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.histogram?.disable();
    this.histogram = null;
  }

  /** Takes one sample now (the timer calls this). */
  sample(): PressureSample {
    this.latest = this.sampler();
    return this.latest;
  }

  /** Why the latest sample is over a limit: `event_loop_delay`, `heap`, both or none. */
  reasons(): string[] {
    const { maxEventLoopDelayMs, maxHeapUsedBytes, maxHeapUsedRatio } = this.limits;
    const { eventLoopDelayMs, heapUsedBytes, heapLimitBytes } = this.latest;
    const reasons: string[] = [];
    if (maxEventLoopDelayMs > 0 && eventLoopDelayMs > maxEventLoopDelayMs) reasons.push('event_loop_delay');
    if (
      (maxHeapUsedBytes > 0 && heapUsedBytes > maxHeapUsedBytes) ||
      (maxHeapUsedRatio > 0 && heapLimitBytes > 0 && heapUsedBytes > maxHeapUsedRatio * heapLimitBytes)
    ) {
      reasons.push('heap');
    }
    return reasons;
  }

  private measure(): PressureSample {
    const now = performance.now();
    let eventLoopDelayMs = 0;
    if (this.histogram) {
      // As @fastify/under-pressure: the histogram's mean tick since the last sample, less its resolution. After a
      // reset the histogram records nothing until its timer has ticked twice, so a window in which the loop was
      // blocked nearly all along has no value (under-pressure then says Infinity): count the whole window as one
      // tick instead.
      const mean = this.histogram.mean / 1e6;
      eventLoopDelayMs = Math.max(
        0,
        (Number.isNaN(mean) ? now - this.lastSampleAt : mean) - EVENT_LOOP_RESOLUTION_MS,
      );
      this.histogram.reset();
    }
    this.lastSampleAt = now;
    const heap = getHeapStatistics();
    return {
      eventLoopDelayMs,
      heapUsedBytes: heap.used_heap_size,
      heapLimitBytes: heap.heap_size_limit,
    };
  }
}

export interface Readiness {
  /** Set by server.ts when shutdown starts, so load balancers stop sending traffic first. */
  shuttingDown: boolean;
  /** Set once the app is ready (all plugins loaded); false while starting. */
  started: boolean;
  /** Wait this long for the database ping (tests shorten it). */
  databaseTimeoutMs: number;
  /** Event-loop delay and heap, sampled on a timer (R-8 "under pressure"). */
  pressure: PressureMonitor;
  /**
   * Extra requirements of this replica: return a reason when it cannot serve (e.g. `circuit_open` from
   * forwarder.ts unless READYZ_BREAKER=report). Never call Flowroute from a check: use what real traffic showed.
   */
  checks: (() => string | null | Promise<string | null>)[];
  /** Information shown in the /readyz body under its name (e.g. `upstream`: the circuit breaker); never fails it. */
  reports: Map<string, () => unknown>;
}

declare module 'fastify' {
  interface FastifyInstance {
    readiness: Readiness;
  }
}

type DatabaseState = 'ok' | 'unreachable' | 'none';

export default fp(
  async function health(app: FastifyInstance) {
    const config = (app as { config?: Config }).config ?? makeConfig();
    const readiness: Readiness = {
      shuttingDown: false,
      started: false,
      databaseTimeoutMs: DATABASE_PING_TIMEOUT_MS,
      pressure: new PressureMonitor(config.readyzPressure),
      checks: [],
      reports: new Map(),
    };
    app.decorate('readiness', readiness);
    app.addHook('onReady', async () => {
      readiness.started = true;
      readiness.pressure.start();
    });
    app.addHook('onClose', async () => {
      readiness.pressure.stop();
    });
    // While draining, answers close their connection so kept-alive clients cannot hold the shutdown open.
    // Callback style, like the other per-request hooks: no promise and microtask per response.
    app.addHook('onSend', (_request, reply, payload, done) => {
      if (readiness.shuttingDown) reply.header('connection', 'close');
      done(null, payload);
    });

    // One database query at a time, shared by every probe until it settles — also after a probe has given up on it
    // at its timeout: a hanging database must not pile up `SELECT 1`s (each would hold a pool connection) just
    // because load balancers keep asking. Each probe waits at most `databaseTimeoutMs` for the shared query. (A
    // query stuck on a silently dead PostgreSQL connection fails at DATABASE_QUERY_TIMEOUT_MS, 30 s by default, and
    // its connection is dropped; until then the replica stays `database_unreachable`, which is what it is.)
    let query: Promise<boolean> | null = null;
    const database = (): Promise<DatabaseState> => {
      const db = app.store?.db;
      if (!db) return Promise.resolve('none');
      query ??= db
        .query('SELECT 1 AS ok')
        .then(
          () => true,
          () => false,
        )
        .finally(() => {
          query = null;
        });
      const running = query;
      return new Promise<DatabaseState>((resolve) => {
        const timer = setTimeout(() => resolve('unreachable'), readiness.databaseTimeoutMs);
        timer.unref(); // a probe waiting on a hanging database must not hold a closing process open
        void running.then((ok) => {
          clearTimeout(timer);
          resolve(ok ? 'ok' : 'unreachable');
        });
      });
    };

    // Fixed paths with no parameters: they are never a way around auth to anything else, and never call Flowroute.
    app.get('/livez', { exposeHeadRoute: false, logLevel: 'warn' }, async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return { status: 'ok' };
    });
    app.get('/readyz', { exposeHeadRoute: false, logLevel: 'warn' }, async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      const reasons: string[] = [];
      if (!readiness.started) reasons.push('starting');
      if (readiness.shuttingDown) reasons.push('shutting_down');
      const pressure = readiness.pressure.reasons();
      reasons.push(...pressure);
      const db = await database();
      if (db === 'unreachable') reasons.push('database_unreachable');
      for (const check of readiness.checks) {
        const reason = await check();
        if (reason) reasons.push(reason);
      }
      const info: Record<string, unknown> = {};
      for (const [name, report] of readiness.reports) info[name] = report();
      if (pressure.length > 0) {
        const { eventLoopDelayMs, heapUsedBytes, heapLimitBytes } = readiness.pressure.latest;
        info.pressure = { eventLoopDelayMs: Math.round(eventLoopDelayMs), heapUsedBytes, heapLimitBytes };
        reply.header('retry-after', String(PRESSURE_RETRY_AFTER_S));
      }
      if (reasons.length > 0) {
        return reply.code(503).send({ status: 'not_ready', reasons, database: db, ...info });
      }
      return { status: 'ready', database: db, ...info };
    });
  },
  { name: 'health' },
);
