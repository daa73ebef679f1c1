// Routes: list, create with validation, primary/failover assignment visible in number detail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from './test-support';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(() => t.close());

const newRoute = (attributes: Record<string, unknown>) => ({ body: { data: { type: 'route', attributes } } });

describe('GET /v2/routes', () => {
  it('lists route 0 (sip-reg) first, then routes of every type', async () => {
    const res = await t.call('GET', '/v2/routes?limit=200');
    expect(res.json.data[0]).toEqual({
      attributes: { route_type: 'sip-reg', alias: 'sip-reg', value: null },
      type: 'route',
      id: '0',
      links: { self: `${t.em.url}/v2/routes/0` },
    });
    const types = new Set(
      res.json.data.map((r: { attributes: { route_type: string } }) => r.attributes.route_type),
    );
    expect(types).toEqual(new Set(['sip-reg', 'host', 'uri', 'number']));
    expect(res.json.links.next).toBeUndefined();
  });

  it('filters by route_type and pages with links.next', async () => {
    for (const type of ['host', 'uri', 'number', 'sip-reg']) {
      const res = await t.call('GET', `/v2/routes?route_type=${type}&limit=200`);
      expect(res.json.data.length).toBeGreaterThan(0);
      for (const r of res.json.data) expect(r.attributes.route_type).toBe(type);
      expect(res.json.links.self).toBe(`${t.em.url}/v2/routes?route_type=${type}&limit=200&offset=0`);
    }
    const page = await t.call('GET', '/v2/routes?limit=2');
    expect(page.json.data).toHaveLength(2);
    expect(page.json.links.next).toBe(`${t.em.url}/v2/routes?limit=2&offset=2`);
  });
});

describe('POST /v2/routes', () => {
  it.each([
    ['host', 'sbc.example.net'],
    ['host', '198.51.100.7:5061'],
    ['host', '[2001:db8::1]:5060'],
    ['uri', 'sip:alice@atlanta.example.com;transport=tcp'],
    ['number', '12065550177'],
  ])('creates a %s route %s → 201 with body and links.self', async (route_type, value) => {
    const res = await t.call('POST', '/v2/routes', newRoute({ alias: `r ${value}`, route_type, value }));
    expect(res.status).toBe(201);
    expect(res.json.data.attributes).toEqual({ route_type, alias: `r ${value}`, value });
    // Flowroute's create response links to /routes/<id> without /v2.
    expect(res.json.links.self).toBe(`${t.em.url}/routes/${res.json.data.id}`);
    const list = await t.call('GET', '/v2/routes?limit=200');
    expect(list.json.data.at(-1).id).toBe(res.json.data.id);
  });

  it.each([
    [{ alias: 'x', route_type: 'host', value: 'not a host' }, 'value'],
    [{ alias: 'x', route_type: 'uri', value: 'alice@example.com' }, 'value'],
    [{ alias: 'x', route_type: 'number', value: '2065550100' }, 'value'],
    [{ alias: 'x', route_type: 'pstn', value: '12065550100' }, 'route_type'],
    [{ route_type: 'host', value: 'ok.example.com' }, 'alias'],
  ])('refuses %j with 422 naming %s', async (attributes, field) => {
    const res = await t.call('POST', '/v2/routes', newRoute(attributes));
    expect(res.status).toBe(422);
    expect(res.json.errors[0].detail.data.attributes[field][0]).toEqual(expect.any(String));
  });

  it('refuses an identical route with 403, bad JSON with 400, text/plain with 415', async () => {
    const body = newRoute({ alias: 'dup', route_type: 'host', value: 'dup.example.com' });
    expect((await t.call('POST', '/v2/routes', body)).status).toBe(201);
    expect((await t.call('POST', '/v2/routes', body)).status).toBe(403);
    expect(
      (await t.call('POST', '/v2/routes', { raw: '{"data":', contentType: 'application/json' })).status,
    ).toBe(400);
    expect((await t.call('POST', '/v2/routes', { ...body, contentType: 'text/plain' })).status).toBe(415);
    const stats = await t.control('GET', '/stats');
    expect(stats.json.routesCreated.some((r: { value: string }) => r.value === 'dup.example.com')).toBe(true);
  });
});

describe('PATCH primary_route / failover_route', () => {
  it('assigns routes (204) and the number detail shows them in relationships and included', async () => {
    const number = t.em.state.numberKeys[3]!;
    const created = await t.call(
      'POST',
      '/v2/routes',
      newRoute({ alias: 'Primary X', route_type: 'uri', value: 'sip:x@pbx.example.com' }),
    );
    const routeId: string = created.json.data.id;
    const p = await t.call('PATCH', `/v2/numbers/${number}/relationships/primary_route`, {
      body: { data: { type: 'route', id: routeId } },
    });
    expect(p.status).toBe(204);
    expect(p.text).toBe('');
    // The Node SDK sends application/json, the Python SDK no content type; a numeric id is tolerated.
    const f = await t.call('PATCH', `/v2/numbers/${number}/relationships/failover_route`, {
      raw: JSON.stringify({ data: { type: 'route', id: 98385 } }),
      contentType: null,
    });
    expect(f.status).toBe(204);
    const detail = await t.call('GET', `/v2/numbers/${number}`);
    expect(detail.json.data.relationships.primary_route.data).toEqual({ id: routeId, type: 'route' });
    expect(detail.json.data.relationships.failover_route.data).toEqual({ id: '98385', type: 'route' });
    expect(detail.json.included.map((r: { id: string }) => r.id).sort()).toEqual([routeId, '98385'].sort());
    const stats = await t.control('GET', '/stats');
    expect(stats.json.routeChanges).toEqual([
      expect.objectContaining({ number, relationship: 'primary_route', route_id: routeId }),
      expect.objectContaining({ number, relationship: 'failover_route', route_id: '98385' }),
    ]);
  });

  it('same route as primary and failover appears once in included', async () => {
    const number = t.em.state.numberKeys[4]!;
    for (const rel of ['primary_route', 'failover_route']) {
      await t.call('PATCH', `/v2/numbers/${number}/relationships/${rel}`, {
        body: { data: { type: 'route', id: '98380' } },
      });
    }
    const detail = await t.call('GET', `/v2/numbers/${number}`);
    expect(detail.json.included).toHaveLength(1);
  });

  it('unknown route or number → 404; bad bodies → 422/400/415', async () => {
    const number = t.em.state.numberKeys[5]!;
    const path = `/v2/numbers/${number}/relationships/primary_route`;
    expect((await t.call('PATCH', path, { body: { data: { type: 'route', id: '1' } } })).status).toBe(404);
    expect(
      (
        await t.call('PATCH', '/v2/numbers/12065550100/relationships/primary_route', {
          body: { data: { type: 'route', id: '0' } },
        })
      ).status,
    ).toBe(404);
    expect((await t.call('PATCH', path, { body: { data: { type: 'number', id: '0' } } })).status).toBe(422);
    expect((await t.call('PATCH', path, { body: {} })).status).toBe(422);
    expect((await t.call('PATCH', path, {})).status).toBe(422);
    expect((await t.call('PATCH', path, { raw: 'nope', contentType: 'application/json' })).status).toBe(400);
    expect(
      (await t.call('PATCH', path, { raw: '{"data":{"type":"route","id":"0"}}', contentType: 'text/plain' }))
        .status,
    ).toBe(415);
    expect((await t.call('GET', path)).status).toBe(405);
  });
});
