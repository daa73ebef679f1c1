// R-8 readiness: /readyz is not ready while starting, shutting down, when its database does not answer and (default,
// READYZ_BREAKER=fail) while the circuit breaker is open; with READYZ_BREAKER=report a Flowroute outage is only
// reported in the body and the replica stays ready, so a load balancer does not drop every replica at once. Runs on
// PGlite and (TEST_DATABASE_URL) on PostgreSQL, where the database is also made to hang behind a TCP relay we can
// freeze; a hung `SELECT 1` is shared by every probe until it settles (pings counted). Pressure (event-loop delay,
// heap): health-pressure.test.ts.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app';
import { makeConfig } from '../src/config';
import {
  announcePostgresVariants,
  DB_VARIANTS,
  openTestStore,
  TEST_DATABASE_URL,
} from '../src/store/testing';
import { as, buildTestApp, CANARY_SECRET, TEST_ACCESS_KEY, testAuth } from './harness';
import { json, startStub, type Stub } from './stub-upstream';

announcePostgresVariants('health.test.ts');

let stub: Stub;
let flowrouteDown = false;
beforeAll(async () => {
  stub = await startStub((_req, res) =>
    flowrouteDown ? json(res, 500, { errors: [{ detail: 'down' }] }) : json(res, 200, { data: [] }),
  );
});
afterAll(async () => {
  await stub.close();
});

const BREAKER = {
  consecutiveFailures: 3,
  failureRatio: 1,
  windowMs: 10_000,
  minVolume: 1_000,
  openMs: 60_000,
};
const NO_RETRY = { budgetRatio: 0, minPerWindow: 0, backoffMinMs: 0, backoffMaxMs: 0 };

describe.each(DB_VARIANTS.filter((v) => v.enabled))('/readyz on $name', ({ name }) => {
  it('default (READYZ_BREAKER=fail, R-8): not ready while the breaker is open, without calling Flowroute; ready again once it closes', async () => {
    const store = await openTestStore(name);
    const t = await buildTestApp(
      stub.url,
      { breaker: { ...BREAKER, openMs: 300 }, retry: NO_RETRY, logLevel: 'silent' },
      store,
    );
    try {
      flowrouteDown = true;
      for (let i = 0; i < BREAKER.consecutiveFailures; i++) {
        await t.app.inject({ method: 'GET', url: '/api/v2/numbers', headers: as('viewer') });
      }
      const sent = stub.requests.length;
      const during = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(during.statusCode).toBe(503);
      expect(during.json()).toMatchObject({
        status: 'not_ready',
        reasons: ['circuit_open'],
        upstream: { circuit: 'open' },
      });
      expect(stub.requests).toHaveLength(sent); // the probe never calls Flowroute
      flowrouteDown = false;
      await new Promise((r) => setTimeout(r, 350));
      // Half-open until real traffic succeeds: only an open breaker makes the replica not ready.
      const probe = await t.app.inject({ method: 'GET', url: '/api/v2/numbers', headers: as('viewer') });
      expect(probe.statusCode).toBe(200);
      const after = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(after.statusCode).toBe(200);
      expect(after.json()).toMatchObject({ status: 'ready', upstream: { circuit: 'closed' } });
    } finally {
      flowrouteDown = false;
      await t.app.close();
      await store.cleanup();
    }
  });

  it('READYZ_BREAKER=report: a Flowroute outage is reported, not a reason to leave the pool; a dead database is', async () => {
    const store = await openTestStore(name);
    const t = await buildTestApp(
      stub.url,
      { breaker: BREAKER, retry: NO_RETRY, logLevel: 'silent', readyzBreaker: 'report' },
      store,
    );
    try {
      const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(200);
      expect(ready.headers['cache-control']).toBe('no-store');
      expect(ready.json()).toEqual({ status: 'ready', database: 'ok', upstream: { circuit: 'closed' } });

      // Flowroute fails until the breaker opens: the proxy answers fast 503s, and stays ready.
      flowrouteDown = true;
      for (let i = 0; i < BREAKER.consecutiveFailures; i++) {
        const r = await t.app.inject({ method: 'GET', url: '/api/v2/numbers', headers: as('viewer') });
        expect(r.statusCode).toBe(500);
      }
      const fast = await t.app.inject({ method: 'GET', url: '/api/v2/numbers', headers: as('viewer') });
      expect(fast.statusCode).toBe(503);
      expect(fast.headers['x-proxy-error']).toBe('upstream_unavailable');
      const sent = stub.requests.length;
      const during = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(during.statusCode).toBe(200);
      expect(during.json()).toEqual({ status: 'ready', database: 'ok', upstream: { circuit: 'open' } });
      expect(stub.requests).toHaveLength(sent); // the probe never calls Flowroute
      flowrouteDown = false;

      // Draining: not ready, whatever else is true.
      t.app.readiness.shuttingDown = true;
      const draining = await t.app.inject({ method: 'GET', url: '/readyz' });
      t.app.readiness.shuttingDown = false;
      expect(draining.statusCode).toBe(503);
      expect(draining.json()).toMatchObject({ status: 'not_ready', reasons: ['shutting_down'] });

      // The database goes away (its connections closed): not ready, and it says why.
      await store.db.close();
      const noDb = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(noDb.statusCode).toBe(503);
      expect(noDb.json()).toEqual({
        status: 'not_ready',
        reasons: ['database_unreachable'],
        database: 'unreachable',
        upstream: { circuit: 'open' },
      });
      // Liveness is unaffected (restarting the process would not bring the database back).
      expect((await t.app.inject({ method: 'GET', url: '/livez' })).statusCode).toBe(200);
    } finally {
      flowrouteDown = false;
      await t.app.close();
      await store.cleanup().catch(() => undefined); // PGlite: already closed above
    }
  });
});

describe('/readyz before start and without a database', () => {
  it('is "starting" until every plugin has loaded, then ready (no database: nothing to check)', async () => {
    const config = makeConfig({
      upstream: { baseUrl: stub.url, accessKey: TEST_ACCESS_KEY, secretKey: CANARY_SECRET },
      mode: 'live',
      logLevel: 'silent',
    });
    const app = await buildApp(config, { auth: testAuth });
    try {
      expect(app.readiness.started).toBe(false);
      await app.ready();
      expect(app.readiness.started).toBe(true);
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ready', database: 'none', upstream: { circuit: 'closed' } });
      app.readiness.started = false;
      const starting = await app.inject({ method: 'GET', url: '/readyz' });
      expect(starting.statusCode).toBe(503);
      expect(starting.json()).toMatchObject({ reasons: ['starting'] });
    } finally {
      await app.close();
    }
  });
});

describe('/readyz with a database whose query hangs (PGlite, the ping held back)', () => {
  it('one SELECT 1 until it settles, however many probes and timeouts pass; then a fresh one; /livez unaffected', async () => {
    const store = await openTestStore('pglite');
    const t = await buildTestApp(stub.url, { logLevel: 'silent' }, store);
    // Count the pings and, while `hanging`, hold them back (a database that takes the query and never answers).
    const db = store.db;
    const query = db.query.bind(db);
    let pings = 0;
    let hanging = false;
    const held: { resolve: () => void; reject: (err: Error) => void }[] = [];
    db.query = (<T>(sql: string, params?: unknown[]): Promise<T[]> => {
      if (sql !== 'SELECT 1 AS ok') return query<T>(sql, params);
      pings++;
      if (!hanging) return query<T>(sql, params);
      return new Promise<T[]>((resolve, reject) => {
        held.push({ resolve: () => resolve([{ ok: 1 } as T]), reject });
      });
    }) as typeof db.query;
    const readyz = () => t.app.inject({ method: 'GET', url: '/readyz' });
    try {
      t.app.readiness.databaseTimeoutMs = 150;
      expect((await readyz()).json()).toMatchObject({ status: 'ready', database: 'ok' });
      expect(pings).toBe(1);

      hanging = true;
      // Concurrent probes share the ping…
      const first = await Promise.all([readyz(), readyz(), readyz()]);
      for (const r of first) {
        expect(r.statusCode).toBe(503);
        expect(r.json()).toMatchObject({ reasons: ['database_unreachable'], database: 'unreachable' });
      }
      expect(pings).toBe(2);
      // …and so do later probes, after each has given up at its timeout: the hung query is not sent again.
      for (let i = 0; i < 4; i++) {
        const started = performance.now();
        const r = await readyz();
        expect(r.statusCode).toBe(503);
        expect(performance.now() - started).toBeGreaterThanOrEqual(140);
        expect(performance.now() - started).toBeLessThan(1_000);
      }
      expect(pings).toBe(2);
      expect(held).toHaveLength(1);

      // Liveness answers at once meanwhile (it never touches the database).
      const started = performance.now();
      expect((await t.app.inject({ method: 'GET', url: '/livez' })).statusCode).toBe(200);
      expect(performance.now() - started).toBeLessThan(10);

      // The hung query finally fails: the next probe sends a fresh one (still hanging here), again only one.
      held.shift()!.reject(new Error('connection reset'));
      await Promise.all([readyz(), readyz()]);
      expect(pings).toBe(3);
      // It answers: ready again, and the probe after that pings anew (a settled ping is never reused).
      hanging = false;
      held.shift()!.resolve();
      await expect.poll(async () => (await readyz()).statusCode, { timeout: 2_000 }).toBe(200);
      const before = pings;
      expect((await readyz()).json()).toMatchObject({ status: 'ready', database: 'ok' });
      expect(pings).toBe(before + 1);
    } finally {
      for (const h of held.splice(0)) h.reject(new Error('test over'));
      await t.app.close();
      await store.cleanup();
    }
  });
});

/** A TCP relay to PostgreSQL that can be frozen: bytes are held back both ways (a hung database host) until thawed. */
interface Relay {
  port: number;
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

async function startRelay(target: URL): Promise<Relay> {
  const sockets = new Set<Socket>();
  let frozen = false;
  const held: (() => void)[] = [];
  const server: Server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    const relay = (from: Socket, to: Socket) =>
      from.on('data', (chunk: Buffer) => {
        if (frozen) held.push(() => to.write(chunk));
        else to.write(chunk);
      });
    relay(client, upstream);
    relay(upstream, client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    freeze: () => {
      frozen = true;
    },
    thaw: () => {
      frozen = false;
      for (const write of held.splice(0)) write();
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe.runIf(Boolean(TEST_DATABASE_URL))('/readyz with a PostgreSQL that hangs', () => {
  it('answers 503 database_unreachable within its timeout, one ping for many probes and timeouts, and recovers', async () => {
    const target = new URL(TEST_DATABASE_URL!);
    const relay = await startRelay(target);
    const viaRelay = new URL(TEST_DATABASE_URL!);
    viaRelay.hostname = '127.0.0.1';
    viaRelay.port = String(relay.port);
    const store = await openTestStore('postgres', { databaseUrl: viaRelay.toString() });
    const t = await buildTestApp(stub.url, { logLevel: 'silent' }, store);
    const db = store.db;
    const query = db.query.bind(db);
    let pings = 0;
    db.query = (<T>(sql: string, params?: unknown[]): Promise<T[]> => {
      if (sql === 'SELECT 1 AS ok') pings++;
      return query<T>(sql, params);
    }) as typeof db.query;
    try {
      t.app.readiness.databaseTimeoutMs = 400;
      expect((await t.app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({
        status: 'ready',
        database: 'ok',
      });

      relay.freeze();
      const started = performance.now();
      const probes = await Promise.all(
        Array.from({ length: 5 }, () => t.app.inject({ method: 'GET', url: '/readyz' })),
      );
      const took = performance.now() - started;
      for (const p of probes) {
        expect(p.statusCode).toBe(503);
        expect(p.json()).toMatchObject({ reasons: ['database_unreachable'], database: 'unreachable' });
      }
      expect(took).toBeGreaterThanOrEqual(350);
      expect(took).toBeLessThan(2_000);
      // Probes after those timed out still wait on the same stuck query instead of sending (and holding a pool
      // connection for) another one.
      const pingsWhileFrozen = pings;
      for (let i = 0; i < 3; i++) {
        expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
      }
      expect(pings).toBe(pingsWhileFrozen);

      // The host answers again: the stuck ping completes and the next probe is ready.
      relay.thaw();
      await expect
        .poll(async () => (await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode, {
          timeout: 15_000,
        })
        .toBe(200);
    } finally {
      relay.thaw();
      await t.app.close();
      await store.cleanup();
      await relay.close();
    }
  });
});
