// Conformance with the official Flowroute SDKs.
//
// The official SDKs cannot be installed here: none is published on the npm registry (checked with
// `npm view`: flowroute-sdk-v3-nodejs, flowroutenumbersandmessaginglib — the Node SDK's package.json name —
// flowroute-sdk-v3, flowroute-sdk, flowroute, flowroute-numbers-and-messaging all 404; the Node SDK is only
// distributed as the GitHub repository flowroute/flowroute-sdk-v3-nodejs, and the Python/PHP/Ruby/.NET ones
// live in other registries). So this test replays, byte for byte in the parts that matter, the requests
// those SDKs send (paths, query encoding, content types, body shapes, booleans as strings) and applies
// each SDK's success rule (2xx, JSON body parsed when present) to the emulator's answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFailingDestination } from './index';
import { AUTH, T0, startTestEmulator, type TestEmulator } from './test-support';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(() => t.close());

/** The Node SDK builds query strings with encodeURIComponent and skips null/undefined parameters. */
function nodeQuery(params: Record<string, string | number | null | undefined>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** moment().format() as the Node SDK's rfc3339 stringifier produces it: no fraction, numeric offset. */
function momentFormat(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

interface SdkCall {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** What every SDK does with an answer: 200–206 is success; the body is JSON when there is one. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- SDKs hand back untyped JSON
async function sdk(call: SdkCall): Promise<{ status: number; body: any }> {
  const res = await fetch(`${t.em.url}${call.path}`, {
    method: call.method,
    headers: { authorization: AUTH, 'user-agent': 'Flowroute SDK v3.0', ...call.headers },
    body: call.body === undefined ? undefined : new TextEncoder().encode(call.body),
  });
  const text = await res.text();
  expect(res.status, `${call.method} ${call.path}: ${text}`).toBeGreaterThanOrEqual(200);
  expect(res.status, `${call.method} ${call.path}: ${text}`).toBeLessThanOrEqual(206);
  return { status: res.status, body: text ? JSON.parse(text) : '' };
}

const JSON_UTF8 = { 'content-type': 'application/json; charset=utf-8' };
const ACCEPT_JSON = { accept: 'application/json' };

describe('Node SDK request shapes (NumbersController, RoutesController, MessagesController)', () => {
  it('getAccountPhoneNumbers(startsWith, endsWith, contains, limit, offset)', async () => {
    const r = await sdk({
      method: 'GET',
      path: `/v2/numbers${nodeQuery({ starts_with: 206, ends_with: null, contains: null, limit: 3, offset: 0 })}`,
      headers: ACCEPT_JSON,
    });
    expect(r.body.links.self).toContain('starts_with=1206');
  });

  it('searchForPurchasablePhoneNumbers + listAvailableAreaCodes + listAvailableExchangeCodes + createPurchaseAPhoneNumber + getPhoneNumberDetails', async () => {
    const search = await sdk({
      method: 'GET',
      path: `/v2/numbers/available${nodeQuery({ starts_with: 206, contains: null, ends_with: null, limit: 3, offset: null, rate_center: null, state: null })}`,
      headers: ACCEPT_JSON,
    });
    expect(search.body.data).toHaveLength(3);
    const areas = await sdk({
      method: 'GET',
      path: `/v2/numbers/available/areacodes${nodeQuery({ limit: 3, offset: null, max_setup_cost: 3.25 })}`,
      headers: ACCEPT_JSON,
    });
    expect(areas.body.data).toHaveLength(3);
    const ex = await sdk({
      method: 'GET',
      path: `/v2/numbers/available/exchanges${nodeQuery({ limit: 3, offset: null, max_setup_cost: null, areacode: 206 })}`,
      headers: ACCEPT_JSON,
    });
    expect(ex.body.data[0].type).toBe('exchange');
    const id = search.body.data[0].id;
    const bought = await sdk({
      method: 'POST',
      path: `/v2/numbers/${encodeURIComponent(id)}`,
      headers: ACCEPT_JSON,
    });
    expect(bought.status).toBe(201);
    const detail = await sdk({ method: 'GET', path: `/v2/numbers/${id}`, headers: ACCEPT_JSON });
    expect(detail.body.data.relationships.primary_route.data.id).toBe('0');
  });

  it('listInboundRoutes + createAnInboundRoute + updatePrimary/FailoverVoiceRouteForAPhoneNumber (application/json)', async () => {
    const routes = await sdk({
      method: 'GET',
      path: `/v2/routes${nodeQuery({ limit: 2, offset: null })}`,
      headers: ACCEPT_JSON,
    });
    expect(routes.body.data[0].id).toBe('0');
    const created = await sdk({
      method: 'POST',
      path: '/v2/routes',
      headers: { ...ACCEPT_JSON, ...JSON_UTF8 },
      body: JSON.stringify({
        data: {
          type: 'route',
          attributes: { route_type: 'host', value: 'il775u.example.com', alias: 'sdk route' },
        },
      }),
    });
    expect(created.status).toBe(201);
    const number = t.em.state.numberKeys[0]!;
    for (const rel of ['primary_route', 'failover_route']) {
      const r = await sdk({
        method: 'PATCH',
        path: `/v2/numbers/${number}/relationships/${rel}`,
        headers: JSON_UTF8,
        body: JSON.stringify({ data: { type: 'route', id: created.body.data.id } }),
      });
      expect(r.status).toBe(204);
      expect(r.body).toBe('');
    }
  });

  it('createSendAMessage (JSON:API, is_mms as a string) + lookUpAMessageDetailRecord', async () => {
    const from = t.em.state.numberKeys[1]!;
    const sent = await sdk({
      method: 'POST',
      path: '/v2.1/messages',
      headers: JSON_UTF8,
      body: JSON.stringify({
        data: {
          type: 'message',
          attributes: {
            to: '12065550111',
            from,
            body: 'hello there',
            is_mms: 'true',
            media_urls: ['http://s3.example.com/assets/37.gif'],
          },
        },
      }),
    });
    expect(sent.status).toBe(202);
    const mdr = await sdk({
      method: 'GET',
      path: `/v2.1/messages/${encodeURIComponent(sent.body.data.id)}`,
      headers: ACCEPT_JSON,
    });
    expect(mdr.body.data.attributes.is_mms).toBe(true);
  });

  it('getLookUpASetOfMessages(startDate, endDate, limit, offset) with moment RFC 3339 dates and offsets', async () => {
    const start = momentFormat(T0 - 30 * 86_400_000, -8 * 60);
    const end = momentFormat(T0, -8 * 60);
    const r = await sdk({
      method: 'GET',
      path: `/v2.1/messages${nodeQuery({ start_date: start, end_date: end, limit: 2, offset: null })}`,
    });
    expect(r.body.data).toHaveLength(2);
    expect(r.body.links.next).toContain('offset=2');
    const open = await sdk({
      method: 'GET',
      path: `/v2.1/messages${nodeQuery({ start_date: start, end_date: null, limit: 1, offset: 1 })}`,
    });
    expect(open.body.data).toHaveLength(1);
  });
});

describe('Python SDK request shapes', () => {
  it('route PATCH with no Content-Type, message with is_mms "false" and dlr_callback, date-only MDR query', async () => {
    const number = t.em.state.numberKeys[2]!;
    const r = await sdk({
      method: 'PATCH',
      path: `/v2/numbers/${number}/relationships/primary_route`,
      body: JSON.stringify({ data: { type: 'route', id: '98383' } }),
    });
    expect(r.status).toBe(204);
    t.clock.advance(2_000);
    const sent = await sdk({
      method: 'POST',
      path: '/v2.1/messages',
      headers: { 'content-type': 'application/vnd.api+json', accept: 'application/vnd.api+json' },
      body: JSON.stringify({
        data: {
          type: 'message',
          attributes: {
            to: '12065550112',
            from: number,
            body: 'hello',
            is_mms: 'false',
            dlr_callback: 'http://httpbin.example/status/200',
          },
        },
      }),
    });
    expect(sent.body.data.id).toMatch(/^mdr2-/);
    const set = await sdk({
      method: 'GET',
      path: '/v2.1/messages?start_date=2026-02-01&end_date=2026-03-01&limit=2',
    });
    expect(set.body.links.next).toMatch(/start_date=2026-02-01T00%3A00%3A00%2B00%3A00/);
  });
});

describe('PHP / .NET request shapes (compact bodies)', () => {
  it('SMS with dlr_callback and MMS without is_mms, sent as application/vnd.api+json', async () => {
    t.clock.advance(2_000);
    const from = t.em.state.numberKeys[3]!;
    let to = '12065550113';
    if (isFailingDestination(to)) to = '12065550114';
    const sms = await sdk({
      method: 'POST',
      path: '/v2.1/messages',
      headers: { 'content-type': 'application/vnd.api+json' },
      body: JSON.stringify({ from, to, body: 'compact sms', dlr_callback: 'https://example.com/dlr' }),
    });
    expect(sms.status).toBe(202);
    const mms = await sdk({
      method: 'POST',
      path: '/v2.1/messages',
      headers: { 'content-type': 'application/vnd.api+json' },
      body: JSON.stringify({ from, to, body: 'compact mms', media_urls: ['https://example.com/a.png'] }),
    });
    expect(mms.status).toBe(202);
    const detail = await sdk({ method: 'GET', path: `/v2.1/messages/${mms.body.data.id}` });
    expect(detail.body.data.attributes.is_mms).toBe(true);
  });
});

describe('SDK error handling paths', () => {
  it('401/404/422 come back with the errors envelope the SDKs map into ErrorException', async () => {
    for (const [path, init, status] of [
      ['/v2/numbers', { headers: {} }, 401],
      ['/v2/numbers/12065550100', { headers: { authorization: AUTH } }, 404],
      [
        '/v2.1/messages',
        {
          method: 'POST',
          headers: { authorization: AUTH, ...JSON_UTF8 },
          body: '{"to":"1","from":"2","body":"x"}',
        },
        422,
      ],
    ] as const) {
      const res = await fetch(`${t.em.url}${path}`, init);
      expect(res.status).toBe(status);
      const body = await res.json();
      expect(body.errors[0]).toMatchObject({ status, detail: expect.anything(), id: expect.any(String) });
    }
  });
});
