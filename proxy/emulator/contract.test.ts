// Every operation's happy and error responses, checked against proxy/flowroute/openapi.yaml (strict: no
// properties the contract does not list).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, isoDate, T0, type CallOptions, type TestEmulator } from './test-support';

let t: TestEmulator;
let owned: string;
let forSale: string;
let seededMdr: string;
let seededMms: string;

beforeAll(async () => {
  t = await startTestEmulator();
  owned = t.em.state.numberKeys[0]!;
  const search = await t.call('GET', '/v2/numbers/available?starts_with=206&limit=1');
  forSale = search.json.data[0].id;
  seededMdr = t.em.state.mdrs.find((m) => m.direction === 'outbound' && !m.isMms)!.id;
  seededMms = t.em.state.mdrs.find((m) => m.isMms && m.media)!.id;
});
afterAll(() => t.close());

interface Case {
  op: string;
  method: string;
  path: () => string;
  status: number;
  options?: () => CallOptions;
}

const route = (id: string) => ({ body: { data: { type: 'route', id } } });
const sms =
  (from: () => string, to = '12065550123') =>
  () => ({
    body: { data: { type: 'message', attributes: { from: from(), to, body: 'contract test' } } },
  });

const cases: Case[] = [
  { op: 'listNumbers', method: 'GET', path: () => '/v2/numbers?limit=5', status: 200 },
  {
    op: 'listNumbers',
    method: 'GET',
    path: () => '/v2/numbers?starts_with=206&contains=2&limit=200',
    status: 200,
  },
  { op: 'listNumbers', method: 'GET', path: () => '/v2/numbers?limit=201', status: 400 },
  {
    op: 'listNumbers',
    method: 'GET',
    path: () => '/v2/numbers',
    status: 401,
    options: () => ({ auth: null }),
  },
  { op: 'getNumber', method: 'GET', path: () => `/v2/numbers/${owned}`, status: 200 },
  { op: 'getNumber', method: 'GET', path: () => '/v2/numbers/12065550100', status: 404 },
  { op: 'purchaseNumber', method: 'POST', path: () => `/v2/numbers/${forSale}`, status: 201 },
  { op: 'purchaseNumber', method: 'POST', path: () => `/v2/numbers/${forSale}`, status: 404 },
  { op: 'getNumber', method: 'GET', path: () => `/v2/numbers/${forSale}`, status: 200 },
  {
    op: 'searchAvailableNumbers',
    method: 'GET',
    path: () => '/v2/numbers/available?state=WA&limit=20',
    status: 200,
  },
  {
    op: 'searchAvailableNumbers',
    method: 'GET',
    path: () => '/v2/numbers/available?state=Washington',
    status: 400,
  },
  {
    op: 'listAreaCodes',
    method: 'GET',
    path: () => '/v2/numbers/available/areacodes?limit=400',
    status: 200,
  },
  {
    op: 'listAreaCodes',
    method: 'GET',
    path: () => '/v2/numbers/available/areacodes?limit=401',
    status: 400,
  },
  {
    op: 'listExchanges',
    method: 'GET',
    path: () => '/v2/numbers/available/exchanges?areacode=206',
    status: 200,
  },
  {
    op: 'listExchanges',
    method: 'GET',
    path: () => '/v2/numbers/available/exchanges?areacode=12',
    status: 400,
  },
  {
    op: 'updatePrimaryRoute',
    method: 'PATCH',
    path: () => `/v2/numbers/${owned}/relationships/primary_route`,
    status: 204,
    options: () => route('98381'),
  },
  {
    op: 'updatePrimaryRoute',
    method: 'PATCH',
    path: () => `/v2/numbers/${owned}/relationships/primary_route`,
    status: 404,
    options: () => route('424242'),
  },
  {
    op: 'updatePrimaryRoute',
    method: 'PATCH',
    path: () => '/v2/numbers/12065550100/relationships/primary_route',
    status: 404,
    options: () => route('0'),
  },
  {
    op: 'updatePrimaryRoute',
    method: 'PATCH',
    path: () => `/v2/numbers/${owned}/relationships/primary_route`,
    status: 415,
    options: () => ({ ...route('0'), contentType: 'text/plain' }),
  },
  {
    op: 'updateFailoverRoute',
    method: 'PATCH',
    path: () => `/v2/numbers/${owned}/relationships/failover_route`,
    status: 204,
    options: () => route('98383'),
  },
  {
    op: 'updateFailoverRoute',
    method: 'PATCH',
    path: () => `/v2/numbers/${owned}/relationships/failover_route`,
    status: 422,
    options: () => ({ body: { data: { type: 'route' } } }),
  },
  {
    op: 'createRoute',
    method: 'POST',
    path: () => '/v2/routes',
    status: 201,
    options: () => ({
      body: {
        data: {
          type: 'route',
          attributes: { alias: 'New', route_type: 'host', value: 'sbc.example.com:5080' },
        },
      },
    }),
  },
  {
    op: 'createRoute',
    method: 'POST',
    path: () => '/v2/routes',
    status: 403,
    options: () => ({
      body: {
        data: {
          type: 'route',
          attributes: { alias: 'New', route_type: 'host', value: 'sbc.example.com:5080' },
        },
      },
    }),
  },
  {
    op: 'createRoute',
    method: 'POST',
    path: () => '/v2/routes',
    status: 422,
    options: () => ({
      body: { data: { type: 'route', attributes: { alias: 'Bad', route_type: 'number', value: '555' } } },
    }),
  },
  { op: 'listRoutes', method: 'GET', path: () => '/v2/routes?limit=200', status: 200 },
  { op: 'listRoutes', method: 'GET', path: () => '/v2/routes?route_type=HOST', status: 400 },
  { op: 'sendMessage', method: 'POST', path: () => '/v2.1/messages', status: 202, options: sms(() => owned) },
  {
    op: 'sendMessage',
    method: 'POST',
    path: () => '/v2.1/messages',
    status: 202,
    options: () => ({
      body: { from: `+${owned}`, to: '+12065550124', body: 'compact' },
      contentType: 'application/json',
    }),
  },
  {
    op: 'sendMessage',
    method: 'POST',
    path: () => '/v2.1/messages',
    status: 403,
    options: sms(() => '12065550100'),
  },
  {
    op: 'sendMessage',
    method: 'POST',
    path: () => '/v2.1/messages',
    status: 422,
    options: sms(() => owned, '555'),
  },
  {
    op: 'sendMessage',
    method: 'POST',
    path: () => '/v2.1/messages',
    status: 415,
    options: () => ({ raw: 'from=1&to=2', contentType: 'application/x-www-form-urlencoded' }),
  },
  {
    op: 'listMessages',
    method: 'GET',
    path: () => `/v2.1/messages?start_date=${isoDate(T0 - 86_400_000 * 30)}&limit=50`,
    status: 200,
  },
  {
    op: 'listMessages',
    method: 'GET',
    path: () => '/v2.1/messages?start_date=2026-01-01&limit=3',
    status: 200,
  },
  { op: 'listMessages', method: 'GET', path: () => '/v2.1/messages', status: 400 },
  { op: 'listMessages', method: 'GET', path: () => '/v2.1/messages?start_date=yesterday', status: 400 },
  { op: 'getMessage', method: 'GET', path: () => `/v2.1/messages/${seededMdr}`, status: 200 },
  { op: 'getMessage', method: 'GET', path: () => `/v2.1/messages/${seededMms}`, status: 200 },
  {
    op: 'getMessage',
    method: 'GET',
    path: () => '/v2.1/messages/mdr2-00000000000000000000000000000000',
    status: 404,
  },
];

describe('responses conform to openapi.yaml', () => {
  it('covers all 13 operations', () => {
    expect(new Set(cases.map((c) => c.op))).toEqual(new Set(t.contract.operations.keys()));
  });

  it.each(cases.map((c, i) => [i, c.op, c.method, c.status, c] as const))(
    '#%i %s (%s) → %i',
    async (_i, op, method, status, c) => {
      const res = await t.call(method, c.path(), c.options?.());
      expect(res.status, res.text).toBe(status);
      expect(t.problems(op, res)).toEqual([]);
      if (status >= 400) {
        expect(res.json.errors[0].status).toBe(status);
        expect(res.json.errors[0].id).toMatch(/^[0-9a-f-]{36}$/);
      }
    },
  );

  it('the 429 rate-limit answer conforms', async () => {
    let last = await t.call('POST', '/v2.1/messages', sms(() => owned)());
    for (let i = 0; i < 6 && last.status !== 429; i++)
      last = await t.call('POST', '/v2.1/messages', sms(() => owned)());
    expect(last.status).toBe(429);
    expect(t.problems('sendMessage', last)).toEqual([]);
  });

  it('fault-injected 5xx answers conform to the default response', async () => {
    await t.control('POST', '/faults', { path: '^/v2/routes$', fault: 'status', status: 503, times: 1 });
    const res = await t.call('GET', '/v2/routes');
    expect(res.status).toBe(503);
    expect(t.problems('listRoutes', res)).toEqual([]);
  });
});
