// S-5: client-sent X-Forwarded-* (and look-alike) headers never change what the proxy believes about the client —
// source IP (audit log, access log, login throttle), transport security (sign-in over plain http) and the request's
// own origin (CSRF) — unless the TCP peer is a configured TRUST_PROXY address. Real staff access + database store;
// `inject({ remoteAddress })` stands in for the TCP peer.
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../emulator/index';
import { CANARY_SECRET, LogCapture, TEST_ACCESS_KEY } from '../test/harness';
import { buildApp } from './app';
import { ConfigError, loadConfig, makeConfig } from './config';
import { createStaffAccess } from './plugins/auth';
import { openTestStore, type TestStore } from './store/testing';

const PASSWORD = 'forwarded-headers-test-password';
const CLIENT = '198.51.100.7'; // the real TCP peer in the "no TRUST_PROXY" cases
const LB = '10.0.0.1'; // the one trusted reverse proxy in the TRUST_PROXY cases
const STRANGER = '10.0.0.99'; // same network as the LB, but not configured

interface Instance {
  app: FastifyInstance;
  store: TestStore;
  logs: LogCapture;
}

let emulator: EmulatorHandle;
let open: Instance; // TRUST_PROXY unset
let behindLb: Instance; // TRUST_PROXY=10.0.0.1

async function instance(trustProxy: string[]): Promise<Instance> {
  const store = await openTestStore('pglite');
  const logs = new LogCapture();
  const config = makeConfig({
    mode: 'demo',
    demoPassword: PASSWORD,
    upstream: { baseUrl: emulator.url, accessKey: TEST_ACCESS_KEY, secretKey: CANARY_SECRET },
    staticDir: '/nonexistent',
    trustProxy,
  });
  const app = await buildApp(config, {
    store,
    auth: createStaffAccess(store, { print: () => undefined }),
    logStream: logs,
  });
  await app.ready();
  return { app, store, logs };
}

beforeAll(async () => {
  emulator = await startEmulator({ accessKey: TEST_ACCESS_KEY, secretKey: CANARY_SECRET, quiet: true });
  open = await instance([]);
  behindLb = await instance([LB]);
}, 60_000);

afterAll(async () => {
  for (const i of [open, behindLb]) {
    await i?.app.close();
    await i?.store.cleanup();
  }
  await emulator?.close();
});

function login(
  target: Instance,
  remoteAddress: string,
  headers: Record<string, string | string[]>,
  password = PASSWORD,
) {
  const opts: InjectOptions = {
    method: 'POST',
    url: '/auth/login',
    remoteAddress,
    headers: {
      host: 'localhost',
      origin: 'http://localhost',
      'content-type': 'application/json',
      ...headers,
    },
    payload: { username: 'demo', password },
  };
  return target.app.inject(opts);
}

async function auditCount(target: Instance, ip: string): Promise<number> {
  return (await target.store.audit.list({ ip, limit: 10_000 })).items.length;
}

function accessLogIps(target: Instance): string[] {
  return target.logs.lines
    .map((l) => JSON.parse(l) as { msg?: string; remote_ip?: string })
    .filter((l) => l.msg === 'request')
    .map((l) => l.remote_ip ?? '');
}

/** Signs in cleanly and returns the session cookie. */
async function session(target: Instance, remoteAddress: string, headers: Record<string, string> = {}) {
  const res = await login(target, remoteAddress, headers);
  expect(res.statusCode, res.body).toBe(200);
  return String(res.headers['set-cookie']).split(';')[0]!;
}

// ---------------------------------------------------------------------------------------------------------------
// TRUST_PROXY unset: the TCP peer is the client, whatever the headers say.
// ---------------------------------------------------------------------------------------------------------------

const IP_SPOOFS: { name: string; headers: Record<string, string | string[]>; fake: string }[] = [
  { name: 'X-Forwarded-For', headers: { 'x-forwarded-for': '203.0.113.1' }, fake: '203.0.113.1' },
  {
    name: 'X-Forwarded-For with a chain',
    headers: { 'x-forwarded-for': '203.0.113.2, 10.0.0.1' },
    fake: '203.0.113.2',
  },
  {
    name: 'two X-Forwarded-For headers',
    headers: { 'x-forwarded-for': ['203.0.113.3', '203.0.113.4'] },
    fake: '203.0.113.3',
  },
  { name: 'X-Real-IP', headers: { 'x-real-ip': '203.0.113.5' }, fake: '203.0.113.5' },
  {
    name: 'Forwarded (RFC 7239)',
    headers: { forwarded: 'for=203.0.113.6;proto=https;host=evil.example' },
    fake: '203.0.113.6',
  },
  {
    name: 'True-Client-IP / CF-Connecting-IP / X-Client-IP',
    headers: {
      'true-client-ip': '203.0.113.7',
      'cf-connecting-ip': '203.0.113.7',
      'x-client-ip': '203.0.113.7',
    },
    fake: '203.0.113.7',
  },
  {
    name: 'X_Forwarded_For (underscore variant)',
    headers: { x_forwarded_for: '203.0.113.8' },
    fake: '203.0.113.8',
  },
  {
    name: 'X-Forwarded-For named in Connection',
    headers: { connection: 'x-forwarded-for', 'x-forwarded-for': '203.0.113.9' },
    fake: '203.0.113.9',
  },
];

describe('TRUST_PROXY unset: forwarded headers are ignored', () => {
  it.each(IP_SPOOFS)('$name does not change the audited or logged source IP', async ({ headers, fake }) => {
    const before = await auditCount(open, CLIENT);
    const res = await login(open, CLIENT, headers);
    expect(res.statusCode, res.body).toBe(200);
    expect(await auditCount(open, CLIENT)).toBe(before + 1); // auth.login recorded with the TCP peer
    expect(await auditCount(open, fake)).toBe(0);
    expect(accessLogIps(open)).not.toContain(fake);
    expect(accessLogIps(open).at(-1)).toBe(CLIENT);
  });

  it('an API mutation is audited with the TCP peer, not X-Forwarded-For', async () => {
    const cookie = await session(open, CLIENT);
    const res = await open.app.inject({
      method: 'POST',
      url: '/api/v2/routes',
      remoteAddress: CLIENT,
      headers: {
        host: 'localhost',
        origin: 'http://localhost',
        cookie,
        'x-csrf': '1',
        'content-type': 'application/json',
        'idempotency-key': 'fwd-route-1',
        'x-forwarded-for': '203.0.113.30',
      },
      payload: {
        data: {
          type: 'route',
          attributes: { alias: 'fwd', route_type: 'host', value: 'pbx.example.com:5060' },
        },
      },
    });
    // The intent is written before the upstream call, so it is there whatever Flowroute (the emulator) answers.
    expect(res.headers['x-proxy-error'], res.body).not.toBe('csrf');
    const intents = (await open.store.audit.list({ ip: CLIENT, limit: 10_000 })).items.filter(
      (e) => e.kind === 'intent',
    );
    expect(intents.length).toBe(1);
    expect(await auditCount(open, '203.0.113.30')).toBe(0);
  });

  it('a new X-Forwarded-For per attempt does not escape the login throttle', async () => {
    const peer = '198.51.100.50';
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await login(open, peer, { 'x-forwarded-for': `203.0.113.${100 + i}` }, 'wrong-password');
      codes.push(res.statusCode);
    }
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(codes.slice(5)).toEqual([429, 429]);
  });

  it('X-Forwarded-Proto: https does not make plain http to a public host acceptable for sign-in', async () => {
    const res = await login(open, CLIENT, {
      host: 'ops.example.com',
      origin: 'https://ops.example.com',
      'x-forwarded-proto': 'https',
    });
    expect(res.statusCode).toBe(403);
    expect(res.headers['x-proxy-error']).toBe('csrf'); // its Origin (https) is not this http request's origin
    const same = await login(open, CLIENT, {
      host: 'ops.example.com',
      origin: 'http://ops.example.com',
      'x-forwarded-proto': 'https',
    });
    expect(same.statusCode).toBe(403);
    expect(same.headers['x-proxy-error']).toBe('insecure_transport');
    expect(same.headers['set-cookie']).toBeUndefined();
  });

  it('X-Forwarded-Host: localhost does not borrow the loopback exemption', async () => {
    const res = await login(open, CLIENT, {
      host: 'ops.example.com',
      origin: 'http://ops.example.com',
      'x-forwarded-host': 'localhost',
    });
    expect(res.statusCode).toBe(403);
    expect(res.headers['x-proxy-error']).toBe('insecure_transport');
  });

  it('X-Forwarded-Host / Forwarded host= cannot make a foreign Origin look like our own (CSRF)', async () => {
    const cookie = await session(open, CLIENT);
    for (const headers of [
      { 'x-forwarded-host': 'evil.example', origin: 'http://evil.example' },
      { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https', origin: 'https://evil.example' },
      { forwarded: 'host=evil.example;proto=https', origin: 'https://evil.example' },
    ]) {
      const res = await open.app.inject({
        method: 'POST',
        url: '/api/v2/routes',
        remoteAddress: CLIENT,
        headers: {
          host: 'localhost',
          cookie,
          'x-csrf': '1',
          'content-type': 'application/json',
          'idempotency-key': `fwd-csrf-${Math.random()}`,
          ...headers,
        },
        payload: { data: { type: 'route', attributes: { alias: 'x', route_type: 'sip-reg' } } },
      });
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(res.headers['x-proxy-error']).toBe('csrf');
    }
  });

  it.each([
    ['X-Forwarded-User', { 'x-forwarded-user': 'demo' }],
    [
      'X-Forwarded-Email / X-Forwarded-Preferred-Username',
      { 'x-forwarded-email': 'demo@example.com', 'x-forwarded-preferred-username': 'demo' },
    ],
    ['X_Forwarded_User (underscore)', { x_forwarded_user: 'demo' }],
    [
      'X-Auth-Request-User / Remote-User / X-Remote-User',
      { 'x-auth-request-user': 'demo', 'remote-user': 'demo', 'x-remote-user': 'demo' },
    ],
    [
      'X-Original-URL / X-Rewrite-URL pointing at /livez',
      { 'x-original-url': '/livez', 'x-rewrite-url': '/livez' },
    ],
    [
      'X-Forwarded-Uri / X-Forwarded-Prefix',
      { 'x-forwarded-uri': '/auth/config', 'x-forwarded-prefix': '/auth' },
    ],
  ])('%s grants no identity and no other route: /api stays 401', async (_name, headers) => {
    const res = await open.app.inject({
      method: 'GET',
      url: '/api/v2/numbers?limit=1',
      remoteAddress: CLIENT,
      headers: { host: 'localhost', ...headers },
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers['x-proxy-error']).toBe('unauthenticated');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// TRUST_PROXY=10.0.0.1: believed only from 10.0.0.1, and only the hop it added.
// ---------------------------------------------------------------------------------------------------------------

describe('TRUST_PROXY=10.0.0.1', () => {
  it('records the client address the trusted proxy reports', async () => {
    const res = await login(behindLb, LB, { 'x-forwarded-for': '203.0.113.40' });
    expect(res.statusCode, res.body).toBe(200);
    expect(await auditCount(behindLb, '203.0.113.40')).toBe(1);
    expect(accessLogIps(behindLb).at(-1)).toBe('203.0.113.40');
  });

  it('a fake address the client prepended is not believed (rightmost untrusted hop wins)', async () => {
    const res = await login(behindLb, LB, { 'x-forwarded-for': '6.6.6.6, 203.0.113.41' });
    expect(res.statusCode, res.body).toBe(200);
    expect(await auditCount(behindLb, '203.0.113.41')).toBe(1);
    expect(await auditCount(behindLb, '6.6.6.6')).toBe(0);
  });

  it('a direct connection from a non-configured address is taken at face value', async () => {
    const res = await login(behindLb, STRANGER, { 'x-forwarded-for': '203.0.113.42' });
    expect(res.statusCode, res.body).toBe(200);
    expect(await auditCount(behindLb, STRANGER)).toBe(1);
    expect(await auditCount(behindLb, '203.0.113.42')).toBe(0);
  });

  it('X-Forwarded-Proto / -Host from a non-configured address are ignored', async () => {
    const proto = await login(behindLb, STRANGER, {
      host: 'ops.example.com',
      origin: 'http://ops.example.com',
      'x-forwarded-proto': 'https',
    });
    expect(proto.headers['x-proxy-error']).toBe('insecure_transport');
    const host = await login(behindLb, STRANGER, {
      host: 'ops.example.com',
      origin: 'http://ops.example.com',
      'x-forwarded-host': 'localhost',
    });
    expect(host.headers['x-proxy-error']).toBe('insecure_transport');
  });

  it('the trusted proxy reporting https + its public host lets sign-in through with that origin', async () => {
    const res = await login(behindLb, LB, {
      host: 'proxy.internal:8080',
      origin: 'https://ops.example.com',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'ops.example.com',
      'x-forwarded-for': '203.0.113.43',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(String(res.headers['set-cookie'])).toMatch(/^__Host-session=[^;]+;.*\bSecure\b/);
    expect(await auditCount(behindLb, '203.0.113.43')).toBe(1);
  });
});

describe('TRUST_PROXY configuration', () => {
  it.each(['true', '*', 'loopback', 'uniquelocal', 'nginx.internal', '10.0.0.0/33'])(
    'refuses "%s" (only explicit addresses or CIDRs)',
    (value) => {
      expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(ConfigError);
    },
  );

  it('accepts a list of addresses and CIDRs', () => {
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1' }).trustProxy).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
    ]);
  });
});
