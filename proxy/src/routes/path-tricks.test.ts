// Path and query tricks sent over real HTTP with exact request-targets: none may reach the upstream.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/harness';
import { rawRequest } from '../../test/raw-http';
import { startStub, type Stub } from '../../test/stub-upstream';

let stub: Stub;
let t: TestApp;
let port: number;

beforeAll(async () => {
  stub = await startStub();
  t = await buildTestApp(stub.url);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await t.app.close();
  await stub.close();
});

const GET_TRICKS = [
  '/api/v2/numbers/../routes',
  '/api/v2/numbers/./12065550100',
  '/api/./v2/numbers',
  '/api/v2/numbers/%2e%2e/routes',
  '/api/v2/numbers/%2E%2E%2Froutes',
  '/api/v2/numbers/.%2e/routes',
  '/api/v2/numbers%2f12065550100',
  '/api/v2/numbers%2F12065550100',
  '/api/v2/numbers/12065550100%2f..%2f..%2fv2%2froutes',
  '/api/v2/numbers/%252e%252e/routes',
  '/api/v2//numbers',
  '//api/v2/numbers',
  '/api/v2/numbers/',
  '/api/v2/numbers//',
  '/api/v2/numbers#/../routes',
  '/api/v2/numbers#',
  '/api/v2/numbers;jsessionid=1',
  '/api/v2/numbers/12065550100;x=1',
  '/api/v2/numbers/12065550100%3bx=1',
  '/api/v2/numbers?limit=10&limit=20',
  '/api/v2/numbers?limit=10%26offset%3D5',
  '/api/v2/numbers?lim%69t=10',
  '/api/v2/numbers?limit=10;offset=5',
  '/api/v2/numbers?foo=bar',
  '/api/v2/numbers?limit=201',
  '/api/v2/numbers?limit=0',
  '/api/v2/numbers?offset=-1',
  '/api/v2/numbers?limit=1e2',
  '/api/v2/numbers?limit=%31%30%30%30',
  '/api/v2/numbers?starts_with=206%0d%0aX-Injected:1',
  '/api/v2/numbers?starts_with=206?x=1',
  '/api/v2/numbers?starts_with=206%23',
  '/api/v2/numbers?%5F%5Fproto%5F%5F=1',
  '/api/v2/numbers?__proto__=1',
  '/api/v2/numbers?constructor=1',
  '/api/v2/numbers?limit[]=10',
  '/api/v2/numbers?limit=10%00',
  '/api/v2/numbers/available/areacodes?limit=401',
  '/api/v2/numbers/available/exchanges?areacode=206&areacode=425',
  '/api/v2/numbers/available/exchanges?areacode=106',
  '/api/v2/numbers/1206555010',
  '/api/v2/numbers/12065550100abc',
  '/api/v2/numbers/%31%32%30%36%35%35%35%30%31%30%30',
  '/api/v2/numbers/02065550100',
  '/api/v2/numbers/120655501001',
  '/api/v2/numbers/12065550100/relationships/primary_route',
  '/api/v2/routes?route_type=HOST',
  '/api/v2/routes?route_type=host%20',
  '/api/v2.1/messages',
  '/api/v2.1/messages?start_date=2024-02-30',
  '/api/v2.1/messages?start_date=yesterday',
  '/api/v2.1/messages?start_date=2024-01-01&limit=1001',
  '/api/v2.1/messages/mdr1-39cadeace66e11e7aff806cd7f24ba2d',
  '/api/v2.1/messages/MDR2-39CADEACE66E11E7AFF806CD7F24BA2D',
  '/api/v2.1/messages/mdr2-39cadeace66e11e7aff806cd7f24ba2',
  '/api/v2.1/messages/..%2f..%2fv2%2fnumbers',
  '/api/v2%2e1/messages?start_date=2024-01-01',
  '/api/v2.1/messages%3fstart_date=2024-01-01',
  '/api/v2/numbers/available\\..\\..\\routes',
  '/api/v2/numbers\\12065550100',
  '/api/%2e%2e/v2/numbers',
  '/api/%2e%2e/%2e%2e/v2/numbers',
  '/API/v2/numbers',
  '/Api/v2/numbers',
  '/%61pi/v2/numbers',
  '/api%2fv2%2fnumbers',
  '/api/v2/numbers?' + 'a'.repeat(3000),
  '/api/' + 'x'.repeat(3000),
  '/api/http://evil.example/v2/numbers',
  '/api/@evil.example/v2/numbers',
  '/api/v3/numbers',
  '/api/v2.2/messages?start_date=2024-01-01',
  '/api/v2/e911s',
  '/api/v2/numbers/12065550100/relationships/e911s',
  '/api',
  '/api/',
  '/api/v2',
  'http://evil.example/api/v2/numbers',
  '*',
];

describe('path tricks over raw HTTP never escape the table', () => {
  it.each(GET_TRICKS)('GET %s', async (target) => {
    const res = await rawRequest(port, 'GET', target, { 'x-test-role': 'admin' });
    expect(stub.requests, `forwarded: ${target}`).toHaveLength(0);
    expect([400, 404, 405, 414, 431]).toContain(res.status);
    // Anything Fastify handled is JSON with X-Proxy-Error; Node's own parser may refuse garbage before that.
    if (res.headers['x-request-id']) {
      expect(res.headers['content-type']).toMatch(/json/);
      expect(res.headers['x-proxy-error']).toBeTruthy();
    }
  });

  it.each([
    ['DELETE', '/api/v2/numbers/12065550100'],
    ['PUT', '/api/v2/routes'],
    ['OPTIONS', '/api/v2/numbers'],
    ['HEAD', '/api/v2/numbers'],
    ['TRACE', '/api/v2/numbers'],
    ['CONNECT', 'api.flowroute.com:443'],
    ['POST', '/api/v2/numbers'],
    ['PATCH', '/api/v2/routes'],
    ['POST', '/api/v2/numbers/../numbers/12065550100'],
    ['POST', '/api/v2/numbers/12065550100/'],
    ['PATCH', '/api/v2/numbers/12065550100/relationships/primary_route/..'],
    ['PATCH', '/api/v2/numbers/12065550100/relationships/%70rimary_route'],
  ])('%s %s', async (method, target) => {
    const res = await rawRequest(
      port,
      method,
      target,
      { 'x-test-role': 'admin', 'content-type': 'application/json', 'idempotency-key': 'trick-1' },
      method === 'HEAD' || method === 'OPTIONS' || method === 'TRACE' || method === 'CONNECT' ? '' : '{}',
    );
    expect(stub.requests).toHaveLength(0);
    // CONNECT has no handler in Node's server: the connection is simply closed (status 0 here).
    expect(method === 'CONNECT' ? [0, 400, 404, 405] : [400, 404, 405]).toContain(res.status);
  });

  it('a valid request over raw HTTP is forwarded (the test can see a forward)', async () => {
    const res = await rawRequest(port, 'GET', '/api/v2/numbers?limit=5', { 'x-test-role': 'admin' });
    expect(res.status).toBe(200);
    expect(stub.requests).toHaveLength(1);
    stub.requests.length = 0;
  });
});
