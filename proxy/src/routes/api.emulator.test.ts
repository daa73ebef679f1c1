// All 13 operations through the proxy to the emulator over real HTTP (both on port 0), with upstream call counts.
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../emulator/index';
import { buildTestApp, CANARY_SECRET, TEST_ACCESS_KEY, testAuth, type TestApp } from '../../test/harness';
import { buildApp } from '../app';
import { makeConfig } from '../config';
import { rawRequest } from '../../test/raw-http';

let emulator: EmulatorHandle;
let t: TestApp;
let base: string;
let keyCounter = 0;
const seenBodies: string[] = [];

interface Stats {
  calls: Record<string, number>;
  purchases: { number: string }[];
  sends: { id: string }[];
  routeChanges: { number: string; relationship: string; route_id: string }[];
  routesCreated: { id: string }[];
}

async function stats(): Promise<Stats> {
  const res = await request(`${emulator.url}/__emulator/stats`);
  return (await res.body.json()) as Stats;
}
const totalCalls = (s: Stats) => Object.values(s.calls).reduce((a, b) => a + b, 0);

async function api(
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  opts: { role?: string; body?: unknown; key?: string | null } = {},
) {
  const headers: Record<string, string> = { 'x-test-role': opts.role ?? 'admin' };
  if (method !== 'GET') {
    headers['content-type'] = 'application/json';
    if (opts.key !== null) headers['idempotency-key'] = opts.key ?? `e2e-${++keyCounter}-${Date.now()}`;
  }
  const res = await request(`${base}${path}`, {
    method,
    headers,
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.body.text();
  seenBodies.push(text, JSON.stringify(res.headers));
  return {
    status: res.statusCode,
    headers: res.headers,
    text,
    json: (): unknown => JSON.parse(text),
  };
}

beforeAll(async () => {
  emulator = await startEmulator({ accessKey: TEST_ACCESS_KEY, secretKey: CANARY_SECRET, quiet: true });
  t = await buildTestApp(emulator.url);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
beforeEach(async () => {
  await request(`${emulator.url}/__emulator/faults`, { method: 'DELETE' }).then((r) => r.body.dump());
});
afterAll(async () => {
  await t.app.close();
  await emulator.close();
});

describe('the 13 operations through the proxy', () => {
  let ownNumber: string;
  let buyable: string;

  it('listNumbers: a page of account numbers with links.next', async () => {
    const res = await api('GET', '/api/v2/numbers?limit=5', { role: 'viewer' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/vnd\.api\+json/);
    expect(res.headers['cache-control']).toBe('no-store');
    const doc = res.json() as { data: { id: string; type: string }[]; links: { next?: string } };
    expect(doc.data).toHaveLength(5);
    expect(doc.data[0]!.type).toBe('number');
    expect(doc.links.next).toBeTruthy();
    ownNumber = doc.data[0]!.id;
  });

  it('getNumber: detail with relationships and included routes', async () => {
    const res = await api('GET', `/api/v2/numbers/${ownNumber}`, { role: 'viewer' });
    expect(res.status).toBe(200);
    const doc = res.json() as { data: { id: string; relationships: unknown }; included: unknown[] };
    expect(doc.data.id).toBe(ownNumber);
    expect(doc.data.relationships).toBeTruthy();
    expect(Array.isArray(doc.included)).toBe(true);
  });

  it('getNumber: a number not on the account is Flowroute’s 404, passed through', async () => {
    const res = await api('GET', '/api/v2/numbers/12025550199', { role: 'viewer' });
    expect(res.status).toBe(404);
    expect(res.headers['x-proxy-error']).toBeUndefined();
  });

  it('listAreaCodes, listExchanges, searchAvailableNumbers: browse the inventory', async () => {
    const areas = await api('GET', '/api/v2/numbers/available/areacodes?limit=400&max_setup_cost=5', {
      role: 'viewer',
    });
    expect(areas.status).toBe(200);
    const areaDoc = areas.json() as { data: { id: string; type: string }[] };
    expect(areaDoc.data.length).toBeGreaterThan(1);
    expect(areaDoc.data[0]!.type).toBe('areacode');
    const npa = areaDoc.data[0]!.id;
    const exchanges = await api('GET', `/api/v2/numbers/available/exchanges?areacode=${npa}&limit=3`, {
      role: 'viewer',
    });
    expect(exchanges.status).toBe(200);
    const exDoc = exchanges.json() as { data: { id: string; type: string }[] };
    expect(exDoc.data[0]!.type).toBe('exchange');
    const available = await api('GET', `/api/v2/numbers/available?starts_with=${exDoc.data[0]!.id}&limit=2`, {
      role: 'viewer',
    });
    expect(available.status).toBe(200);
    const avDoc = available.json() as {
      data: { id: string; attributes: { setup_cost: number; monthly_cost: number } }[];
    };
    expect(avDoc.data.length).toBeGreaterThan(0);
    expect(typeof avDoc.data[0]!.attributes.monthly_cost).toBe('number');
    buyable = avDoc.data[0]!.id;
  });

  it('purchaseNumber: 201, once, even when the key is sent twice', async () => {
    const before = await stats();
    const first = await api('POST', `/api/v2/numbers/${buyable}`, { key: 'buy-once-1', body: {} });
    const again = await api('POST', `/api/v2/numbers/${buyable}`, { key: 'buy-once-1', body: {} });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const after = await stats();
    expect(after.purchases.length - before.purchases.length).toBe(1);
    expect(after.purchases.at(-1)!.number).toBe(buyable);
    const detail = await api('GET', `/api/v2/numbers/${buyable}`, { role: 'viewer' });
    expect(detail.status).toBe(200);
  });

  it('purchaseNumber: 10 concurrent requests with one key buy exactly once', async () => {
    const list = await api('GET', '/api/v2/numbers/available?limit=3&offset=50', { role: 'viewer' });
    const target = (list.json() as { data: { id: string }[] }).data[0]!.id;
    await request(`${emulator.url}/__emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ method: 'POST', path: '^/v2/numbers/', fault: 'latency', ms: 300 }),
    }).then((r) => r.body.dump());
    const before = await stats();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        api('POST', `/api/v2/numbers/${target}`, { key: 'buy-concurrent-1', body: {} }),
      ),
    );
    const after = await stats();
    expect(after.purchases.length - before.purchases.length).toBe(1);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(9);
  });

  it('purchaseNumber without a key: 400 and 0 upstream calls', async () => {
    const before = await stats();
    const res = await api('POST', `/api/v2/numbers/${buyable}`, { key: null, body: {} });
    expect(res.status).toBe(400);
    expect(totalCalls(await stats())).toBe(totalCalls(before));
  });

  let newRouteId: string;
  it('createRoute: 201 with the route; an invalid value is refused before Flowroute', async () => {
    const before = await stats();
    const bad = await api('POST', '/api/v2/routes', {
      role: 'operator',
      body: { data: { type: 'route', attributes: { alias: 'bad', route_type: 'uri', value: 'sip:@' } } },
    });
    expect(bad.status).toBe(422);
    expect((bad.json() as { errors: { source: { pointer: string } }[] }).errors[0]!.source.pointer).toBe(
      '/data/attributes/value',
    );
    expect(totalCalls(await stats())).toBe(totalCalls(before));
    const res = await api('POST', '/api/v2/routes', {
      role: 'operator',
      body: {
        data: {
          type: 'route',
          attributes: {
            alias: `pbx-${Date.now()}`,
            route_type: 'host',
            value: `pbx${Date.now()}.example.com:5060`,
          },
        },
      },
    });
    expect(res.status).toBe(201);
    const doc = res.json() as { data: { id: string; attributes: { route_type: string } } };
    expect(doc.data.attributes.route_type).toBe('host');
    newRouteId = doc.data.id;
  });

  it('createRoute: Flowroute’s 403 for a duplicate passes through as a 403 (not upstream_auth)', async () => {
    const body = {
      data: { type: 'route', attributes: { alias: 'dup', route_type: 'number', value: '12065550142' } },
    };
    expect((await api('POST', '/api/v2/routes', { role: 'operator', body })).status).toBe(201);
    const dup = await api('POST', '/api/v2/routes', { role: 'operator', body });
    expect(dup.status).toBe(403);
    expect(dup.headers['x-proxy-error']).toBeUndefined();
  });

  it('listRoutes: route 0 first, filter by route_type', async () => {
    const all = await api('GET', '/api/v2/routes?limit=200', { role: 'viewer' });
    expect(all.status).toBe(200);
    const doc = all.json() as { data: { id: string }[] };
    expect(doc.data[0]!.id).toBe('0');
    expect(doc.data.some((r) => r.id === newRouteId)).toBe(true);
    const hosts = await api('GET', '/api/v2/routes?route_type=host&limit=200', { role: 'viewer' });
    expect(
      (hosts.json() as { data: { attributes: { route_type: string } }[] }).data.every(
        (r) => r.attributes.route_type === 'host',
      ),
    ).toBe(true);
  });

  it('updatePrimaryRoute and updateFailoverRoute: 204, visible in the number detail', async () => {
    const before = await stats();
    const p = await api('PATCH', `/api/v2/numbers/${ownNumber}/relationships/primary_route`, {
      role: 'operator',
      body: { data: { type: 'route', id: newRouteId } },
    });
    expect(p.status).toBe(204);
    expect(p.text).toBe('');
    const f = await api('PATCH', `/api/v2/numbers/${ownNumber}/relationships/failover_route`, {
      role: 'operator',
      body: { data: { type: 'route', id: '0' } },
    });
    expect(f.status).toBe(204);
    const after = await stats();
    expect(after.routeChanges.slice(before.routeChanges.length)).toEqual([
      expect.objectContaining({ number: ownNumber, relationship: 'primary_route', route_id: newRouteId }),
      expect.objectContaining({ number: ownNumber, relationship: 'failover_route', route_id: '0' }),
    ]);
    const detail = (await api('GET', `/api/v2/numbers/${ownNumber}`, { role: 'viewer' })).json() as {
      data: {
        relationships: { primary_route: { data: { id: string } }; failover_route: { data: { id: string } } };
      };
    };
    expect(detail.data.relationships.primary_route.data.id).toBe(newRouteId);
    expect(detail.data.relationships.failover_route.data.id).toBe('0');
  });

  let mdrId: string;
  it('sendMessage: 202 with an mdr2- id (JSON:API and compact bodies)', async () => {
    const jsonApi = await api('POST', '/api/v2.1/messages', {
      role: 'operator',
      body: {
        data: {
          type: 'message',
          attributes: { from: ownNumber, to: '12065550199', body: 'hello from the proxy test' },
        },
      },
    });
    expect(jsonApi.status).toBe(202);
    mdrId = (jsonApi.json() as { data: { id: string } }).data.id;
    expect(mdrId).toMatch(/^mdr2-[0-9a-f]{32}$/);
    await new Promise((r) => setTimeout(r, 250)); // Flowroute's 5 SMS/s limit
    const compact = await api('POST', '/api/v2.1/messages', {
      role: 'operator',
      body: { from: `+${ownNumber}`, to: '12065550198', body: 'compact' },
    });
    expect(compact.status).toBe(202);
  });

  it('getMessage and listMessages: the sent message is there', async () => {
    const one = await api('GET', `/api/v2.1/messages/${mdrId}`, { role: 'viewer' });
    expect(one.status).toBe(200);
    expect((one.json() as { data: { id: string } }).data.id).toBe(mdrId);
    const today = new Date().toISOString().slice(0, 10);
    const list = await api('GET', `/api/v2.1/messages?start_date=${today}&limit=5`, { role: 'viewer' });
    expect(list.status).toBe(200);
    expect((list.json() as { data: unknown[] }).data.length).toBeGreaterThan(0);
  });

  it('every operation was counted by the emulator', async () => {
    const s = await stats();
    for (const op of [
      'listNumbers',
      'getNumber',
      'purchaseNumber',
      'searchAvailableNumbers',
      'listAreaCodes',
      'listExchanges',
      'updatePrimaryRoute',
      'updateFailoverRoute',
      'listRoutes',
      'createRoute',
      'sendMessage',
      'listMessages',
      'getMessage',
    ]) {
      expect(s.calls[op], op).toBeGreaterThan(0);
    }
  });
});

describe('upstream faults from the emulator', () => {
  it('malformed JSON → 502 upstream_malformed', async () => {
    await request(`${emulator.url}/__emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ method: 'GET', path: '^/v2/routes$', fault: 'malformed', times: 1 }),
    }).then((r) => r.body.dump());
    const res = await api('GET', '/api/v2/routes', { role: 'viewer' });
    expect(res.status).toBe(502);
    expect(res.headers['x-proxy-error']).toBe('upstream_malformed');
  });

  it('503 from Flowroute on a read is retried once, then passed through as Flowroute’s answer', async () => {
    await request(`${emulator.url}/__emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ method: 'GET', path: '^/v2/routes$', fault: 'status', status: 503, times: 2 }),
    }).then((r) => r.body.dump());
    const before = (await stats()).calls.listRoutes ?? 0;
    const res = await api('GET', '/api/v2/routes', { role: 'viewer' });
    expect(res.status).toBe(503);
    expect(res.headers['x-proxy-error']).toBeUndefined();
    expect(((await stats()).calls.listRoutes ?? 0) - before).toBe(2);
  });

  it('a reset after a purchase was applied → outcome_unknown, never retried, settled as applied and replayed for the same key', async () => {
    const list = await api('GET', '/api/v2/numbers/available?limit=1&offset=90', { role: 'viewer' });
    const target = (list.json() as { data: { id: string }[] }).data[0]!.id;
    await request(`${emulator.url}/__emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ method: 'POST', path: '^/v2/numbers/', fault: 'reset_after', times: 1 }),
    }).then((r) => r.body.dump());
    const before = await stats();
    const res = await api('POST', `/api/v2/numbers/${target}`, { key: 'reset-after-1', body: {} });
    expect(res.status).toBe(502);
    expect(res.headers['x-proxy-error']).toBe('outcome_unknown');
    expect(res.headers['x-outcome-check']).toBe('pending');
    // While the proxy reads Flowroute back, the same key is "in flight" and says where to look.
    const during = await api('POST', `/api/v2/numbers/${target}`, { key: 'reset-after-1', body: {} });
    expect(during.status).toBe(409);
    expect(during.headers['x-outcome-url']).toBe('/api/outcomes/reset-after-1');
    await t.app.outcomes.idle();
    const again = await api('POST', `/api/v2/numbers/${target}`, { key: 'reset-after-1', body: {} });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.status).toBe(201);
    expect(again.headers['x-outcome']).toBe('applied');
    const after = await stats();
    expect(after.purchases.length - before.purchases.length).toBe(1);
  });

  it('wrong keys → 502 upstream_auth, never 401', async () => {
    // Same emulator, wrong key pair.
    const app = await buildApp(
      makeConfig({
        upstream: { baseUrl: emulator.url, accessKey: 'nope', secretKey: 'nope' },
        logLevel: 'silent',
      }),
      { auth: testAuth },
    );
    try {
      const res = await app.inject({
        method: 'GET',
        url: '/api/v2/numbers',
        headers: { 'x-test-role': 'viewer' },
      });
      expect(res.statusCode).toBe(502);
      expect(res.headers['x-proxy-error']).toBe('upstream_auth');
    } finally {
      await app.close();
    }
  });

  it('path tricks never reach the emulator', async () => {
    const before = totalCalls(await stats());
    for (const target of [
      '/api/v2/numbers/../routes',
      '/api/v2/numbers/%2e%2e/routes',
      '/api/v2//routes',
      '/api/v2/routes;x',
      '/api/v2/routes?route_type=host&route_type=uri',
      '/api/v2/numbers%2f12065550100',
    ]) {
      const res = await rawRequest(Number(new URL(base).port), 'GET', target, { 'x-test-role': 'admin' });
      expect([400, 404]).toContain(res.status);
    }
    expect(totalCalls(await stats())).toBe(before);
  });

  it('the canary secret appeared in no response and no log line', () => {
    const b64 = Buffer.from(`${TEST_ACCESS_KEY}:${CANARY_SECRET}`).toString('base64');
    for (const text of [...seenBodies, t.logs.text]) {
      expect(text).not.toContain(CANARY_SECRET);
      expect(text).not.toContain(b64);
    }
  });
});
