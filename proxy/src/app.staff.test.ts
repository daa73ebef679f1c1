// buildApp with the real staff access (sessions, CSRF, audit) and database store, against the emulator.
import { request } from 'undici';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../emulator/index';
import { CANARY_SECRET, LogCapture, TEST_ACCESS_KEY } from '../test/harness';
import { buildApp } from './app';
import { makeConfig } from './config';
import { createStaffAccess } from './plugins/auth';
import { openTestStore, type TestStore } from './store/testing';

let emulator: EmulatorHandle;
let store: TestStore;
let app: FastifyInstance;
let cookie = '';
const logs = new LogCapture();
const DEMO_PASSWORD = 'demo-password-for-tests-1';
const ORIGIN = 'http://localhost';

async function purchases(): Promise<number> {
  const res = await request(`${emulator.url}/__emulator/stats`);
  return ((await res.body.json()) as { purchases: unknown[] }).purchases.length;
}

beforeAll(async () => {
  emulator = await startEmulator({ accessKey: TEST_ACCESS_KEY, secretKey: CANARY_SECRET, quiet: true });
  store = await openTestStore('pglite');
  const config = makeConfig({
    mode: 'demo',
    demoPassword: DEMO_PASSWORD,
    upstream: { baseUrl: emulator.url, accessKey: TEST_ACCESS_KEY, secretKey: CANARY_SECRET },
    staticDir: '/nonexistent',
  });
  app = await buildApp(config, {
    store,
    auth: createStaffAccess(store, { print: () => undefined }),
    logStream: logs,
  });
  await app.ready();
}, 60_000);
afterAll(async () => {
  await app?.close();
  await store?.cleanup();
  await emulator?.close();
});

describe('with staff access', () => {
  it('refuses /api before sign-in with 401 unauthenticated', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v2/numbers' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['x-proxy-error']).toBe('unauthenticated');
  });

  it('signs in and reads through the proxy', async () => {
    const login = await app.inject({
      method: 'POST',
      url: '/auth/login',
      headers: { origin: ORIGIN, 'content-type': 'application/json' },
      payload: { username: 'demo', password: DEMO_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const setCookie = String(login.headers['set-cookie']);
    cookie = setCookie.split(';')[0]!;
    expect(login.headers['cache-control']).toBe('no-store');
    const res = await app.inject({ method: 'GET', url: '/api/v2/numbers?limit=2', headers: { cookie } });
    expect(res.statusCode).toBe(200);
  });

  it('refuses a mutation without the CSRF header before anything else (0 upstream calls)', async () => {
    const before = await purchases();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v2/numbers/12065550100',
      headers: {
        cookie,
        origin: ORIGIN,
        'content-type': 'application/json',
        'idempotency-key': 'staff-csrf-1',
      },
      payload: {},
    });
    expect(res.statusCode).toBe(403);
    expect(res.headers['x-proxy-error']).toBe('csrf');
    expect(await purchases()).toBe(before);
  });

  it('buys once per key with the database idempotency store and writes intent + outcome to the audit log', async () => {
    const list = await app.inject({
      method: 'GET',
      url: '/api/v2/numbers/available?limit=1&offset=7',
      headers: { cookie },
    });
    const number = (list.json() as { data: { id: string }[] }).data[0]!.id;
    const before = await purchases();
    const headers = {
      cookie,
      origin: ORIGIN,
      'x-csrf': '1',
      'content-type': 'application/json',
      'idempotency-key': 'staff-buy-1',
    };
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        app.inject({ method: 'POST', url: `/api/v2/numbers/${number}`, headers, payload: {} }),
      ),
    );
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    const again = await app.inject({
      method: 'POST',
      url: `/api/v2/numbers/${number}`,
      headers,
      payload: {},
    });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await purchases()).toBe(before + 1);
    const audit = await store.audit.list({ number, what: 'purchaseNumber' });
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({
      kind: 'intent',
      actor: 'demo',
      target: number,
      idempotencyKey: 'staff-buy-1',
    });
    expect(audit.items[0]!.outcome).toMatchObject({ status: 201, result: 'ok' });
  });

  it('logs no secret, cookie or session token', () => {
    expect(logs.text).not.toContain(CANARY_SECRET);
    expect(logs.text).not.toContain(cookie.split('=')[1]!);
    expect(logs.text).not.toContain(DEMO_PASSWORD);
  });
});
