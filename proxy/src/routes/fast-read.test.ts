// The read path in front of Fastify (fast-read.ts) against Fastify's own, over real HTTP: two proxies on one store
// and one emulator, FAST_READS on and off, get the same requests; status, headers, body and access line must match,
// and Fastify must not have answered the reads the fast path took (nor missed the ones it left).
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { tmpdir } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../emulator/index';
import { BREAKER_OFF, emulatorControl, RETRY_OFF } from '../../test/emulator-control';
import { CANARY_SECRET, LogCapture, TEST_ACCESS_KEY, TEST_LIMITS } from '../../test/harness';
import { buildApp } from '../app';
import { makeConfig } from '../config';
import { createStaffAccess } from '../plugins/auth';
import { openTestStore, type TestStore } from '../store/testing';

const ALLOWED_ORIGIN = 'https://ops.example';

interface Side {
  app: FastifyInstance;
  base: string;
  logs: LogCapture;
  /** Requests Fastify answered (its onResponse hooks ran). */
  seenByFastify: string[];
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  access: Record<string, unknown> | null;
}

let emulator: EmulatorHandle;
let store: TestStore;
let fast: Side;
let slow: Side;
let viewer: string;
const control = emulatorControl(() => emulator.url);

async function side(fastReads: boolean, readsPerMinute = TEST_LIMITS.readsPerMinute): Promise<Side> {
  const logs = new LogCapture();
  const config = makeConfig({
    upstream: { baseUrl: emulator.url, accessKey: TEST_ACCESS_KEY, secretKey: CANARY_SECRET },
    mode: 'live',
    staticDir: path.join(tmpdir(), 'no-such-dist-dir'),
    limits: { ...TEST_LIMITS, readsPerMinute },
    corsOrigins: [ALLOWED_ORIGIN],
    trustProxy: ['127.0.0.1'],
    retry: RETRY_OFF,
    breaker: BREAKER_OFF,
    fastReads,
  });
  const app = await buildApp(config, {
    store,
    logStream: logs,
    auth: createStaffAccess(store, { print: () => {} }),
  });
  const seenByFastify: string[] = [];
  app.addHook('onResponse', (request, _reply, done) => {
    seenByFastify.push(request.raw.url ?? '');
    done();
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, logs, seenByFastify };
}

async function ask(s: Side, url: string, headers: Record<string, string>, method = 'GET'): Promise<Answer> {
  const res = await request(`${s.base}${url}`, { method: method as 'GET', headers });
  const body = await res.body.text();
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    out[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  const id = out['x-request-id'];
  // The access line is written as the answer goes out; wait for it briefly.
  let access: Record<string, unknown> | null = null;
  for (let i = 0; i < 50 && access === null; i++) {
    const line = s.logs.lines.find(
      (l) => l.includes('"msg":"request"') && id !== undefined && l.includes(id),
    );
    if (line) access = JSON.parse(line) as Record<string, unknown>;
    else await new Promise((r) => setTimeout(r, 10));
  }
  return { status: res.statusCode, headers: out, body, access };
}

/** What must be equal both ways: everything but the request id, the clock and the timings. */
function comparable(a: Answer) {
  const headers = { ...a.headers };
  for (const name of ['date', 'x-request-id', 'keep-alive', 'connection']) delete headers[name];
  const access = a.access ? { ...a.access } : null;
  if (access) for (const name of ['time', 'req_id', 'duration_ms', 'upstream_ms', 'pid']) delete access[name];
  // Flowroute's own error bodies carry a fresh id each time.
  const body = a.body.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>');
  return { status: a.status, headers, body, access };
}

/** Sends `url` to both proxies; returns the fast side's answer and whether Fastify saw it there. */
async function both(url: string, headers: Record<string, string>, method = 'GET') {
  const before = fast.seenByFastify.length;
  const a = await ask(fast, url, headers, method);
  const tookFast = fast.seenByFastify.length === before;
  const b = await ask(slow, url, headers, method);
  expect(comparable(a), `${method} ${url}`).toEqual(comparable(b));
  // Fastify answers a path parameter longer than 100 characters 414 by itself, before any hook: no access line and
  // no request id, either way (a known gap, docs/architecture.md).
  if (a.status !== 414) {
    expect(a.access, `${method} ${url}: one access line`).not.toBeNull();
    expect(a.headers['x-request-id']).toBe(a.access?.req_id);
  }
  return { answer: a, tookFast };
}

beforeAll(async () => {
  emulator = await startEmulator({ accessKey: TEST_ACCESS_KEY, secretKey: CANARY_SECRET, quiet: true });
  // Sessions are touched (a write) at most once an hour here, so a signed-in read stays answerable from the cache.
  store = await openTestStore('pglite', {
    session: { idleMs: 3_600_000, absoluteMs: 8 * 3_600_000, touchEveryMs: 3_600_000 },
  });
  await store.users.create({ username: 'viewer', role: 'viewer', password: 'viewer password 1' });
  await store.users.create({ username: 'limited', role: 'viewer', password: 'limited password 1' });
  fast = await side(true);
  slow = await side(false);
  viewer = await signIn('viewer', 'viewer password 1');
});

/** Signs in through the fast proxy; returns the Cookie header value. */
async function signIn(username: string, password: string): Promise<string> {
  const res = await request(`${fast.base}/auth/login`, {
    method: 'POST',
    headers: { origin: fast.base, 'content-type': 'application/json', 'x-csrf': '1' },
    body: JSON.stringify({ username, password }),
  });
  await res.body.dump();
  expect(res.statusCode).toBe(200);
  const setCookie = res.headers['set-cookie'];
  const cookie = String(Array.isArray(setCookie) ? setCookie[0] : setCookie).split(';')[0]!;
  // The sign-in wrote to the database; the first look-up after it reads the session row into the cache.
  await ask(slow, '/api/v2/numbers?limit=1', { cookie });
  return cookie;
}
beforeEach(() => control.clearFaults());
afterAll(async () => {
  await fast?.app.close();
  await slow?.app.close();
  await store?.cleanup();
  await emulator?.close();
});

describe('fast reads answer exactly like Fastify', () => {
  it('every read of the table, taken in front of Fastify', async () => {
    const list = await both('/api/v2/numbers?limit=5', { cookie: viewer });
    expect(list.answer.status).toBe(200);
    expect(list.tookFast).toBe(true);
    const id = (JSON.parse(list.answer.body) as { data: { id: string }[] }).data[0]!.id;
    const reads = [
      `/api/v2/numbers/${id}`,
      '/api/v2/numbers/available?starts_with=1206&limit=3',
      '/api/v2/numbers/available/areacodes?limit=3',
      '/api/v2/numbers/available/exchanges?limit=3',
      '/api/v2/routes?limit=3',
      '/api/v2.1/messages?start_date=2020-01-01&limit=3',
    ];
    for (const url of reads) {
      const r = await both(url, { cookie: viewer });
      expect(r.answer.status, url).toBe(200);
      expect(r.tookFast, url).toBe(true);
      expect(r.answer.headers['cache-control']).toBe('no-store');
      expect(r.answer.headers['content-security-policy']).toContain("default-src 'self'");
      expect(r.answer.access).toMatchObject({ status: 200, upstream_status: 200, remote_ip: '127.0.0.1' });
    }
    const messages = JSON.parse(
      (await ask(fast, '/api/v2.1/messages?start_date=2020-01-01&limit=1', { cookie: viewer })).body,
    ) as { data: { id: string }[] };
    const message = await both(`/api/v2.1/messages/${messages.data[0]!.id}`, { cookie: viewer });
    expect(message.answer.status).toBe(200);
    expect(message.tookFast).toBe(true);
  });

  it('CORS headers for an allowed origin and Vary for any other; the client address behind a trusted proxy', async () => {
    const allowed = await both('/api/v2/routes?limit=2', { cookie: viewer, origin: ALLOWED_ORIGIN });
    expect(allowed.tookFast).toBe(true);
    expect(allowed.answer.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect(allowed.answer.headers['access-control-allow-credentials']).toBe('true');
    const other = await both('/api/v2/routes?limit=2', { cookie: viewer, origin: 'https://evil.example' });
    expect(other.tookFast).toBe(true);
    expect(other.answer.headers.vary).toBe('Origin');
    expect(other.answer.headers['access-control-allow-origin']).toBeUndefined();
    const forwarded = await both('/api/v2/routes?limit=2', {
      cookie: viewer,
      'x-forwarded-for': '203.0.113.9',
    });
    expect(forwarded.tookFast).toBe(true);
    expect(forwarded.answer.access?.remote_ip).toBe('203.0.113.9');
  });

  it('Flowroute failing: the same proxy-made answers (status, malformed body)', async () => {
    await control.fault({ path: '^/v2/routes$', fault: 'status', status: 503 });
    const down = await both('/api/v2/routes?limit=2', { cookie: viewer });
    expect(down.tookFast).toBe(true);
    expect(down.answer.status).toBe(503);
    expect(down.answer.access).toMatchObject({ upstream_status: 503 });
    await control.clearFaults();
    await control.fault({ path: '^/v2/routes$', fault: 'malformed' });
    const garbled = await both('/api/v2/routes?limit=2', { cookie: viewer });
    expect(garbled.tookFast).toBe(true);
    expect(garbled.answer.status).toBe(502);
    expect(garbled.answer.headers['x-proxy-error']).toBe('upstream_malformed');
    expect(garbled.answer.access).toMatchObject({ proxy_flag: 'upstream_malformed', status: 502 });
  });

  it('anything it does not take is left to Fastify, untouched', async () => {
    const cases: [string, Record<string, string>, string?][] = [
      ['/api/v2/numbers?limit=5', {}], // nobody signed in
      ['/api/v2/numbers?limit=5', { cookie: '__Host-session=not-a-session' }],
      ['/api/v2/numbers?limit=5&limit=6', { cookie: viewer }], // repeated parameter
      ['/api/v2/numbers?bogus=1', { cookie: viewer }], // not in the allow-list
      ['/api/v2/numbers?limit=0', { cookie: viewer }], // out of range
      ['/api/v2.1/messages?limit=3', { cookie: viewer }], // start_date is required
      ['/api/v2/numbers/%31206', { cookie: viewer }], // percent-escape
      ['/api/v2/numbers/12065550100;x', { cookie: viewer }],
      ['/api/v2/numbers/', { cookie: viewer }],
      ['/api/v2/numbers/12065550100/x', { cookie: viewer }],
      [`/api/v2/numbers/${'1'.repeat(101)}`, { cookie: viewer }],
      ['/api/v2/nothing', { cookie: viewer }],
      ['/api/v2/numbers?limit=5', { cookie: viewer }, 'HEAD'],
      ['/api/v2/numbers?limit=5', { cookie: viewer }, 'DELETE'],
    ];
    for (const [url, headers, method] of cases) {
      const r = await both(url, headers, method);
      // (Fastify's own 414 runs no hook, so Fastify's hook cannot show it saw that one; the fast path never says 414.)
      if (r.answer.status !== 414) expect(r.tookFast, `${method ?? 'GET'} ${url}`).toBe(false);
      expect(r.answer.status, `${method ?? 'GET'} ${url}`).toBeGreaterThanOrEqual(400);
    }
  });
});

describe('the server in front of Fastify', () => {
  it("keeps Fastify's timeouts (keep-alive 72 s, request 30 s)", () => {
    for (const s of [fast, slow]) {
      expect(s.app.server.keepAliveTimeout).toBe(72_000);
      expect(s.app.server.requestTimeout).toBe(30_000);
    }
  });
});

describe('fast reads and the rate limit (R-5)', () => {
  let limited: Side;
  let cookie: string;
  beforeAll(async () => {
    limited = await side(true, 3);
    cookie = await signIn('limited', 'limited password 1'); // its first read is counted by the other proxy
  });
  afterAll(async () => {
    await limited?.app.close();
  });

  it('counts each read once; the read over the limit is refused by Fastify with 429, and nothing is sent', async () => {
    const statuses: number[] = [];
    const tookFast: boolean[] = [];
    // 3 a minute, shared by both proxies (one database): the sign-in's first read was the first of them.
    for (let i = 0; i < 3; i++) {
      const before = limited.seenByFastify.length;
      const r = await ask(limited, '/api/v2/routes?limit=1', { cookie });
      statuses.push(r.status);
      tookFast.push(limited.seenByFastify.length === before);
      if (r.status === 429) {
        expect(r.headers['retry-after']).toMatch(/^[0-9]+$/);
        expect(r.access).toMatchObject({ status: 429, proxy_flag: 'rate_limited' });
        expect(r.access?.upstream_status).toBeUndefined();
      }
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(tookFast).toEqual([true, true, false]);
  });
});
