// Proxy core against a recording stub upstream: table, headers both ways, errors, static SPA, health, secrets.
import { rmSync } from 'node:fs';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app';
import { makeConfig } from './config';
import {
  as,
  buildTestApp,
  CANARY_SECRET,
  LogCapture,
  makeDist,
  TEST_ACCESS_KEY,
  testAuth,
  type TestApp,
} from '../test/harness';
import { defaultHandler, json, startStub, type Stub } from '../test/stub-upstream';

let stub: Stub;
let t: TestApp;
let app: FastifyInstance;
const bodies: string[] = [];
const headerDumps: string[] = [];

async function call(opts: InjectOptions) {
  const res = await app.inject(opts);
  bodies.push(res.body);
  headerDumps.push(JSON.stringify(res.headers));
  return res;
}

beforeAll(async () => {
  stub = await startStub();
  t = await buildTestApp(stub.url);
  app = t.app;
});
afterEach(async () => {
  // Tests here share one app: no settling read-backs or open breaker carried from one test into the next.
  await app.outcomes.cancelAll();
  app.flowroute.breaker.reset();
  stub.setHandler(defaultHandler);
  stub.requests.length = 0;
});
afterAll(async () => {
  await app.close();
  await stub.close();
});

describe('forwarding and header hygiene', () => {
  it('forwards a read with exactly one Authorization (ours) and no client credentials or Connection-named headers', async () => {
    const res = await call({
      method: 'GET',
      url: '/api/v2/numbers?limit=20&starts_with=206',
      headers: {
        ...as('viewer'),
        authorization: 'Basic ZXZpbDpldmls',
        cookie: 'sid=victim',
        connection: 'keep-alive, authorization, x-secret-hop',
        'x-secret-hop': 'hop',
        'x-forwarded-for': '1.2.3.4',
        'x-forwarded-host': 'evil.example',
        x_forwarded_user: 'admin',
        'proxy-authorization': 'Basic Zm9vOmJhcg==',
        te: 'trailers',
        'accept-encoding': 'gzip',
      },
    });
    expect(res.statusCode).toBe(200);
    expect(stub.requests).toHaveLength(1);
    const got = stub.requests[0]!;
    expect(got.method).toBe('GET');
    expect(got.url).toBe('/v2/numbers?limit=20&starts_with=206');
    const authHeaders = got.rawHeaders.filter(
      (_, i) => i % 2 === 0 && got.rawHeaders[i]!.toLowerCase() === 'authorization',
    );
    expect(authHeaders).toHaveLength(1);
    expect(got.headers.authorization).toBe(
      `Basic ${Buffer.from(`${TEST_ACCESS_KEY}:${CANARY_SECRET}`).toString('base64')}`,
    );
    for (const h of [
      'cookie',
      'x-secret-hop',
      'x-forwarded-for',
      'x-forwarded-host',
      'x_forwarded_user',
      'proxy-authorization',
      'te',
      'x-test-role',
    ]) {
      expect(got.headers[h], h).toBeUndefined();
    }
    const names = Object.keys(got.headers).sort();
    expect(names).toEqual(['accept', 'authorization', 'connection', 'host', 'user-agent'].sort());
    expect(got.headers['user-agent']).toMatch(/^flowroute-ops-dashboard-proxy/);
  });

  it('keeps only allow-listed response headers and marks API answers no-store', async () => {
    stub.setHandler((_req, res) =>
      json(
        res,
        429,
        { errors: [{ status: 429, detail: 'slow down' }] },
        { 'retry-after': '3', 'set-cookie': 'a=b', server: 'x' },
      ),
    );
    const res = await call({ method: 'GET', url: '/api/v2/routes', headers: as('viewer') });
    expect(res.statusCode).toBe(429);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['server']).toBeUndefined();
    expect(res.headers['retry-after']).toBe('3');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-type']).toMatch(/^application\/vnd\.api\+json/);
    expect(res.headers['x-proxy-error']).toBeUndefined();
  });

  it('never passes set-cookie, server or www-authenticate from upstream', async () => {
    const res = await call({ method: 'GET', url: '/api/v2/numbers', headers: as('viewer') });
    expect(res.statusCode).toBe(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(res.headers['x-upstream-internal']).toBeUndefined();
  });

  it('sends security headers on API and page answers', async () => {
    const res = await call({ method: 'GET', url: '/api/v2/numbers', headers: as('viewer') });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("object-src 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
    // Loopback host (the default): no HSTS over plain http.
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('closed route table', () => {
  it('answers 404 JSON for unknown API paths and 405 with Allow for known paths with the wrong method', async () => {
    const unknown = await call({ method: 'GET', url: '/api/v2/e911s', headers: as('admin') });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['x-proxy-error']).toBe('not_found');
    expect(unknown.json()).toMatchObject({ errors: [{ status: 404, code: 'not_found' }] });
    const wrong = await call({ method: 'DELETE', url: '/api/v2/numbers/12065550100', headers: as('admin') });
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers.allow).toBe('GET, POST');
    expect(wrong.headers['x-proxy-error']).toBe('method_not_allowed');
    const head = await call({ method: 'HEAD', url: '/api/v2/numbers', headers: as('admin') });
    expect(head.statusCode).toBe(405);
    const put = await call({ method: 'PUT', url: '/api/v2/routes', headers: as('admin'), payload: {} });
    expect(put.statusCode).toBe(405);
    expect(stub.requests).toHaveLength(0);
  });

  it.each([
    '/api/v2/numbers?limit=10&limit=20',
    '/api/v2/numbers?foo=bar',
    '/api/v2/numbers?limit=201',
    '/api/v2/numbers/1206555010',
    '/api/v2.1/messages',
  ])('never forwards %s (full list over raw HTTP in routes/path-tricks.test.ts)', async (url) => {
    const res = await call({ method: 'GET', url, headers: as('admin') });
    expect(stub.requests).toHaveLength(0);
    expect([400, 404, 405]).toContain(res.statusCode);
    expect(res.headers['x-proxy-error']).toBeTruthy();
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('builds the upstream URL only from validated values', async () => {
    const res = await call({
      method: 'GET',
      url: '/api/v2.1/messages?start_date=2024-05-01T00%3A00%3A00.000Z&end_date=2024-05-02&limit=50&offset=0',
      headers: as('viewer'),
    });
    expect(res.statusCode).toBe(200);
    expect(stub.requests[0]!.url).toBe(
      '/v2.1/messages?start_date=2024-05-01T00%3A00%3A00.000Z&end_date=2024-05-02&limit=50&offset=0',
    );
  });

  it('treats empty optional filters as absent', async () => {
    await call({ method: 'GET', url: '/api/v2/numbers?starts_with=&limit=10', headers: as('viewer') });
    expect(stub.requests[0]!.url).toBe('/v2/numbers?limit=10');
  });

  it('names the bad parameter in a 400', async () => {
    const res = await call({ method: 'GET', url: '/api/v2/numbers?limit=500', headers: as('viewer') });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ code: 'invalid_parameter', source: { parameter: 'limit' } });
  });
});

describe('sign-in and roles (seam for the auth plugin)', () => {
  it('refuses /api without a user with 401 unauthenticated', async () => {
    const res = await call({ method: 'GET', url: '/api/v2/numbers' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['x-proxy-error']).toBe('unauthenticated');
    expect(stub.requests).toHaveLength(0);
  });

  it.each([
    ['viewer', 'POST', '/api/v2/routes'],
    ['viewer', 'PATCH', '/api/v2/numbers/12065550100/relationships/primary_route'],
    ['viewer', 'POST', '/api/v2.1/messages'],
    ['operator', 'POST', '/api/v2/numbers/12065550100'],
  ] as const)('%s may not %s %s (403 forbidden_role, 0 upstream calls)', async (role, method, url) => {
    const res = await call({ method, url, headers: { ...as(role), 'idempotency-key': 'k-1' }, payload: {} });
    expect(res.statusCode).toBe(403);
    expect(res.headers['x-proxy-error']).toBe('forbidden_role');
    expect(stub.requests).toHaveLength(0);
  });
});

describe('bodies', () => {
  it('rejects an invalid route with a field-level 422 and 0 upstream calls', async () => {
    const res = await call({
      method: 'POST',
      url: '/api/v2/routes',
      headers: { ...as('operator'), 'idempotency-key': 'route-1' },
      payload: {
        data: { type: 'route', attributes: { alias: 'pbx', route_type: 'host', value: 'pbx.example.com.' } },
      },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0]).toMatchObject({
      code: 'invalid_body',
      source: { pointer: '/data/attributes/value' },
    });
    expect(stub.requests).toHaveLength(0);
  });

  it('forwards a valid route re-serialized, as application/json', async () => {
    stub.setHandler((_req, res) =>
      json(res, 201, { data: { id: '77', type: 'route', attributes: {} }, links: { self: 'x' } }),
    );
    const res = await call({
      method: 'POST',
      url: '/api/v2/routes',
      headers: {
        ...as('operator'),
        'idempotency-key': 'route-2',
        'content-type': 'application/vnd.api+json',
      },
      payload: JSON.stringify({
        data: {
          type: 'route',
          attributes: { alias: 'pbx', route_type: 'host', value: 'pbx.example.com:5060' },
        },
      }),
    });
    expect(res.statusCode).toBe(201);
    expect(stub.requests[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(stub.requests[0]!.body)).toEqual({
      data: {
        type: 'route',
        attributes: { alias: 'pbx', route_type: 'host', value: 'pbx.example.com:5060' },
      },
    });
  });

  it.each([
    [{ from: '12065550100', to: '206555', body: 'hi' }, '/to'],
    [{ from: 'abc', to: '12065550199', body: 'hi' }, '/from'],
    [
      { from: '12065550100', to: '12065550199', body: 'hi', media_urls: ['http://example.com/a.png'] },
      '/media_urls/0',
    ],
    [{ from: '12065550100', to: '12065550199', body: 'hi', is_mms: 'yes' }, '/is_mms'],
    [{ from: '12065550100', to: '12065550199', body: 'hi', extra: 1 }, '/extra'],
    [{ from: '12065550100', to: '12065550199' }, '/body'],
    [
      { data: { type: 'message', attributes: { from: '12065550100', to: '1', body: 'x' } } },
      '/data/attributes/to',
    ],
  ])('rejects a bad message %j at %s', async (payload, pointer) => {
    const res = await call({
      method: 'POST',
      url: '/api/v2.1/messages',
      headers: { ...as('operator'), 'idempotency-key': `m-${pointer}` },
      payload,
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors.map((e: { source?: { pointer?: string } }) => e.source?.pointer)).toContain(
      pointer,
    );
    expect(stub.requests).toHaveLength(0);
  });

  it('accepts a compact MMS with +1 numbers and forwards it compact', async () => {
    stub.setHandler((_req, res) =>
      json(res, 202, {
        data: { id: 'mdr2-39cadeace66e11e7aff806cd7f24ba2d', type: 'message', links: { self: 'x' } },
      }),
    );
    const payload = {
      from: '+12065550100',
      to: '12065550199',
      body: 'hello',
      media_urls: ['https://example.com/a.png'],
      is_mms: 'true',
    };
    const res = await call({
      method: 'POST',
      url: '/api/v2.1/messages',
      headers: { ...as('operator'), 'idempotency-key': 'mms-1' },
      payload,
    });
    expect(res.statusCode).toBe(202);
    expect(JSON.parse(stub.requests[0]!.body)).toEqual(payload);
  });

  it('refuses oversize bodies with 413 and non-JSON bodies with 415, never forwarding', async () => {
    const big = await call({
      method: 'POST',
      url: '/api/v2.1/messages',
      headers: { ...as('operator'), 'idempotency-key': 'big-1', 'content-type': 'application/json' },
      payload: JSON.stringify({ from: '12065550100', to: '12065550199', body: 'x'.repeat(70_000) }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.headers['x-proxy-error']).toBe('body_too_large');
    const form = await call({
      method: 'POST',
      url: '/api/v2/routes',
      headers: {
        ...as('operator'),
        'idempotency-key': 'form-1',
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: 'a=b',
    });
    expect(form.statusCode).toBe(415);
    const bad = await call({
      method: 'POST',
      url: '/api/v2/routes',
      headers: { ...as('operator'), 'idempotency-key': 'bad-1', 'content-type': 'application/json' },
      payload: '{"data":',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['x-proxy-error']).toBe('invalid_json');
    const proto = await call({
      method: 'POST',
      url: '/api/v2/routes',
      headers: { ...as('operator'), 'idempotency-key': 'proto-1', 'content-type': 'application/json' },
      payload: '{"__proto__":{"admin":true},"data":{}}',
    });
    expect(proto.statusCode).toBe(400);
    expect(stub.requests).toHaveLength(0);
  });

  it('sends a route assignment as {data:{type,id}} and passes the 204 through', async () => {
    stub.setHandler((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    const res = await call({
      method: 'PATCH',
      url: '/api/v2/numbers/12065550100/relationships/failover_route',
      headers: { ...as('operator'), 'idempotency-key': 'fo-1' },
      payload: { data: { type: 'route', id: '83834' } },
    });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(stub.requests[0]).toMatchObject({
      method: 'PATCH',
      url: '/v2/numbers/12065550100/relationships/failover_route',
    });
    expect(JSON.parse(stub.requests[0]!.body)).toEqual({ data: { type: 'route', id: '83834' } });
  });
});

describe('upstream failures', () => {
  it('maps Flowroute 401 to 502 upstream_auth (never a 401 the SPA would read as session expiry)', async () => {
    stub.setHandler((_req, res) =>
      json(res, 401, { errors: [{ status: 401, detail: 'Authentication failed.' }] }),
    );
    const res = await call({ method: 'GET', url: '/api/v2/numbers', headers: as('viewer') });
    expect(res.statusCode).toBe(502);
    expect(res.headers['x-proxy-error']).toBe('upstream_auth');
    expect(t.logs.text).toMatch(/rejected the proxy.s API credentials/);
  });

  it('maps malformed JSON and HTML pages to 502 upstream_malformed', async () => {
    stub.setHandler((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.api+json' });
      res.end('{"data": [');
    });
    const a = await call({ method: 'GET', url: '/api/v2/numbers', headers: as('viewer') });
    expect(a.statusCode).toBe(502);
    expect(a.headers['x-proxy-error']).toBe('upstream_malformed');
    stub.setHandler((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>maintenance</html>');
    });
    const b = await call({ method: 'GET', url: '/api/v2/numbers', headers: as('viewer') });
    expect(b.statusCode).toBe(502);
    expect(b.headers['x-proxy-error']).toBe('upstream_malformed');
  });

  it('maps a reset connection on a read to 502 upstream_reset and on a mutation to outcome_unknown', async () => {
    stub.setHandler((_req, res) => void res.destroy());
    const read = await call({ method: 'GET', url: '/api/v2/numbers', headers: as('viewer') });
    expect(read.statusCode).toBe(502);
    expect(read.headers['x-proxy-error']).toBe('upstream_reset');
    stub.requests.length = 0;
    const write = await call({
      method: 'POST',
      url: '/api/v2/numbers/12065550100',
      headers: { ...as('admin'), 'idempotency-key': 'reset-1' },
      payload: {},
    });
    expect(write.statusCode).toBe(502);
    expect(write.headers['x-proxy-error']).toBe('outcome_unknown');
    expect(stub.requests).toHaveLength(1); // never retried
  });

  it('passes Flowroute 4xx errors through unchanged (no X-Proxy-Error)', async () => {
    stub.setHandler((_req, res) =>
      json(res, 404, { errors: [{ status: 404, detail: 'Could not find that resource on your account.' }] }),
    );
    const res = await call({ method: 'GET', url: '/api/v2/numbers/12065550100', headers: as('viewer') });
    expect(res.statusCode).toBe(404);
    expect(res.headers['x-proxy-error']).toBeUndefined();
    expect(res.json().errors[0].detail).toMatch(/Could not find/);
  });
});

describe('timeouts and unreachable upstream', () => {
  it('answers 504 upstream_timeout when Flowroute stalls past the read deadline', async () => {
    const slow = await startStub(() => undefined); // never answers
    const s = await buildTestApp(slow.url, { timeouts: { connectMs: 1000, readMs: 300, mutationMs: 600 } });
    try {
      const started = Date.now();
      const res = await s.app.inject({ method: 'GET', url: '/api/v2/numbers', headers: as('viewer') });
      expect(res.statusCode).toBe(504);
      expect(res.headers['x-proxy-error']).toBe('upstream_timeout');
      expect(Date.now() - started).toBeLessThan(2000);
      const m = await s.app.inject({
        method: 'POST',
        url: '/api/v2/numbers/12065550100',
        headers: { ...as('admin'), 'idempotency-key': 'slow-1' },
        payload: {},
      });
      expect(m.statusCode).toBe(504);
      expect(m.headers['x-proxy-error']).toBe('outcome_unknown');
      expect(slow.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    } finally {
      await s.app.close();
      await slow.close();
    }
  });

  it('answers 502 upstream_unreachable when nothing listens', async () => {
    const gone = await startStub();
    const url = gone.url;
    await gone.close();
    const s = await buildTestApp(url);
    try {
      const res = await s.app.inject({ method: 'GET', url: '/api/v2/numbers', headers: as('viewer') });
      expect(res.statusCode).toBe(502);
      expect(res.headers['x-proxy-error']).toBe('upstream_unreachable');
    } finally {
      await s.app.close();
    }
  });
});

describe('health', () => {
  it('answers /livez and /readyz, and /readyz turns 503 when shutting down', async () => {
    expect((await call({ method: 'GET', url: '/livez' })).json()).toEqual({ status: 'ok' });
    expect((await call({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    app.readiness.shuttingDown = true;
    const res = await call({ method: 'GET', url: '/readyz' });
    app.readiness.shuttingDown = false;
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'not_ready', reasons: ['shutting_down'] });
  });

  it('health paths are not a way into anything else', async () => {
    for (const url of ['/livez/../api/v2/numbers', '/readyz?x=/api/v2/numbers', '/livez/x']) {
      await call({ method: 'GET', url });
    }
    expect(stub.requests).toHaveLength(0);
  });
});

describe('static SPA', () => {
  let dist: string;
  let s: TestApp;
  beforeAll(async () => {
    dist = makeDist();
    s = await buildTestApp(stub.url, { staticDir: dist });
  });
  afterAll(async () => {
    await s.app.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves index.html with no-cache for / and for client-side routes', async () => {
    for (const url of ['/', '/numbers', '/numbers/12065550100?tab=routes', '/messages/mdr2-abc']) {
      const res = await s.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toContain('<div id="root">');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
  });

  it('serves hashed assets with a long immutable cache and 404s missing files', async () => {
    const asset = await s.app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const missing = await s.app.inject({ method: 'GET', url: '/assets/index-old999.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/text\/plain/);
  });

  it('answers JSON 404 (not the SPA) under /api, /auth and /admin, and for non-GET page requests', async () => {
    for (const url of [
      '/api/nope',
      '/auth/nope',
      '/admin/nope',
      '/API/v2/numbers',
      '/%61pi/x',
      '/api%2fv2%2fnumbers',
    ]) {
      const res = await s.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toMatch(/json/);
    }
    const post = await s.app.inject({ method: 'POST', url: '/numbers', payload: {} });
    expect(post.statusCode).toBe(404);
    expect(post.headers['content-type']).toMatch(/json/);
  });

  it('does not serve files outside the dist folder', async () => {
    for (const url of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/assets/..%2f..%2fpackage.json',
      '/..%5c..%5cpackage.json',
    ]) {
      const res = await s.app.inject({ method: 'GET', url });
      expect(res.body, url).not.toContain('"dependencies"');
    }
  });
});

describe('secrets', () => {
  it('the canary secret appears in no response body, header or log line', async () => {
    // Make the proxy log a variety of things first (errors included).
    stub.setHandler((_req, res) => void res.destroy());
    await call({ method: 'GET', url: '/api/v2/numbers', headers: as('viewer') });
    stub.setHandler((_req, res) => json(res, 401, { errors: [] }));
    await call({ method: 'GET', url: '/api/v2/numbers', headers: as('viewer') });
    const b64 = Buffer.from(`${TEST_ACCESS_KEY}:${CANARY_SECRET}`).toString('base64');
    for (const text of [...bodies, ...headerDumps, t.logs.text]) {
      expect(text).not.toContain(CANARY_SECRET);
      expect(text).not.toContain(b64);
    }
    expect(t.logs.lines.length).toBeGreaterThan(10);
    for (const line of t.logs.lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('writes exactly one access-log line per request, without headers', async () => {
    const before = t.logs.lines.length;
    await call({
      method: 'GET',
      url: '/api/v2/numbers?limit=5',
      headers: { ...as('viewer'), cookie: 'sid=SESSION-SECRET' },
    });
    const lines = t.logs.lines.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>);
    const access = lines.filter((l) => l.msg === 'request');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({
      method: 'GET',
      route: 'listNumbers',
      status: 200,
      upstream_status: 200,
      user_id: 'u-viewer',
    });
    expect(JSON.stringify(lines)).not.toContain('SESSION-SECRET');
    // pino's line format, written by hand in access-log.ts: the same keys in the same order.
    expect(Object.keys(access[0]!)).toEqual([
      'level',
      'time',
      'pid',
      'hostname',
      'req_id',
      'user_id',
      'method',
      'route',
      'status',
      'duration_ms',
      'remote_ip',
      'upstream_status',
      'upstream_ms',
      'msg',
    ]);
    expect(access[0]).toMatchObject({ level: 30, pid: process.pid, req_id: expect.any(String) });
    expect(Math.abs((access[0]!.time as number) - Date.now())).toBeLessThan(60_000);
  });

  it('logs the client address read as the request began, also when the socket has lost it by the answer', async () => {
    // What a client hanging up as its answer is written looks like: the socket no longer has a peer address.
    const logs = new LogCapture();
    const own = await buildApp(
      makeConfig({
        upstream: { baseUrl: stub.url, accessKey: TEST_ACCESS_KEY, secretKey: CANARY_SECRET },
        mode: 'live',
        logLevel: 'info',
        staticDir: '/nonexistent',
      }),
      { logStream: logs, auth: testAuth },
    );
    own.addHook('onSend', (request, _reply, payload, done) => {
      Object.defineProperty(request.raw.socket, 'remoteAddress', { value: undefined });
      done(null, payload);
    });
    try {
      const res = await own.inject({
        method: 'GET',
        url: '/api/v2/numbers?limit=3',
        headers: as('viewer'),
        remoteAddress: '192.0.2.44',
      });
      expect(res.statusCode).toBe(200);
      const access = logs.lines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.msg === 'request');
      expect(access).toHaveLength(1);
      expect(access[0]).toMatchObject({ route: 'listNumbers', status: 200, remote_ip: '192.0.2.44' });
    } finally {
      await own.close();
    }
  });

  it('escapes what a caller put in the path, and logs a 5xx at level error', async () => {
    const before = t.logs.lines.length;
    await call({ method: 'GET', url: '/api/v9/%22x%5C%0A"y\\', headers: as('viewer') });
    stub.setHandler((_req, res) => void res.destroy());
    await call({ method: 'GET', url: '/api/v2/numbers', headers: as('viewer') });
    const access = t.logs.lines
      .slice(before)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'request');
    expect(access).toHaveLength(2);
    expect(access[0]).toMatchObject({ level: 30, status: 404, route: null });
    expect(access[0]!.path).toMatch(/^\/api\/v9\/%22x%5C%0A/);
    expect(access[1]).toMatchObject({
      level: 50,
      status: 502,
      route: 'listNumbers',
      proxy_flag: expect.any(String),
    });
  });
});

describe('CORS (CORS_ORIGINS)', () => {
  it('is off by default: no CORS headers, preflight is a 404/405', async () => {
    const res = await call({
      method: 'OPTIONS',
      url: '/api/v2/numbers',
      headers: { origin: 'https://ops.example.com', 'access-control-request-method': 'GET' },
    });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect([404, 405]).toContain(res.statusCode);
  });

  it('allows exactly the configured origins, with credentials', async () => {
    const s = await buildTestApp(stub.url, { corsOrigins: ['https://ops.example.com'] });
    try {
      const pre = await s.app.inject({
        method: 'OPTIONS',
        url: '/api/v2/numbers/12065550100',
        headers: {
          origin: 'https://ops.example.com',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, idempotency-key, x-csrf',
        },
      });
      expect(pre.statusCode).toBe(204);
      expect(pre.headers['access-control-allow-origin']).toBe('https://ops.example.com');
      expect(pre.headers['access-control-allow-credentials']).toBe('true');
      expect(pre.headers['access-control-allow-headers']).toContain('idempotency-key');
      const get = await s.app.inject({
        method: 'GET',
        url: '/api/v2/numbers',
        headers: { ...as('viewer'), origin: 'https://ops.example.com' },
      });
      expect(get.headers['access-control-allow-origin']).toBe('https://ops.example.com');
      expect(get.headers['access-control-expose-headers']).toContain('x-proxy-error');
      const evil = await s.app.inject({
        method: 'GET',
        url: '/api/v2/numbers',
        headers: { ...as('viewer'), origin: 'https://evil.example' },
      });
      expect(evil.headers['access-control-allow-origin']).toBeUndefined();
      expect(evil.headers.vary).toContain('Origin');
    } finally {
      await s.app.close();
    }
  });
});
