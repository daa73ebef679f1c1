// Account numbers, the purchasable inventory and purchase, over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from './test-support';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterAll(() => t.close());

async function walk(
  first: string,
): Promise<{ items: { id: string }[]; pages: number; lastLinks: { self?: string; next?: string } }> {
  const items: { id: string }[] = [];
  let url: string | undefined = first;
  let pages = 0;
  let lastLinks: { self?: string; next?: string } = {};
  while (url) {
    const res = await t.call('GET', url);
    expect(res.status).toBe(200);
    items.push(...res.json.data);
    lastLinks = res.json.links;
    url = res.json.links.next
      ? new URL(res.json.links.next).pathname + new URL(res.json.links.next).search
      : undefined;
    pages++;
    if (pages > 100) throw new Error('too many pages');
  }
  return { items, pages, lastLinks };
}

describe('GET /v2/numbers', () => {
  it('defaults to 10 items and links.next, ascending', async () => {
    const res = await t.call('GET', '/v2/numbers');
    expect(res.json.data).toHaveLength(10);
    expect(res.json.links.self).toBe(`${t.em.url}/v2/numbers?limit=10&offset=0`);
    expect(res.json.links.next).toBe(`${t.em.url}/v2/numbers?limit=10&offset=10`);
    const ids = res.json.data.map((d: { id: string }) => d.id);
    expect(ids).toEqual([...ids].sort());
    expect(res.json.data[0].relationships).toBeUndefined();
    expect(typeof res.json.data[0].attributes.value).toBe('string');
  });

  it('pages through the whole account with links.next only while more exist', async () => {
    const { items, pages, lastLinks } = await walk('/v2/numbers?limit=7');
    expect(items).toHaveLength(40);
    expect(new Set(items.map((i) => i.id)).size).toBe(40);
    expect(pages).toBe(6);
    expect(lastLinks.next).toBeUndefined();
  });

  it('no next when the page is exactly the rest', async () => {
    const res = await t.call('GET', '/v2/numbers?limit=10&offset=30');
    expect(res.json.data).toHaveLength(10);
    expect(res.json.links.next).toBeUndefined();
  });

  it('filters: starts_with gets the country code 1, contains, ends_with', async () => {
    const first = t.em.state.numberKeys[5]!;
    const area = first.slice(1, 4);
    const res = await t.call('GET', `/v2/numbers?starts_with=${area}&limit=200`);
    expect(res.json.data.length).toBeGreaterThan(0);
    for (const d of res.json.data) expect(d.id.startsWith(`1${area}`)).toBe(true);
    expect(res.json.links.self).toContain(`starts_with=1${area}`);
    const plus = await t.call('GET', `/v2/numbers?starts_with=%2B1${area}&limit=200`);
    expect(plus.json.data).toEqual(res.json.data);

    const tail = first.slice(-4);
    const ends = await t.call('GET', `/v2/numbers?ends_with=${tail}`);
    expect(ends.json.data.map((d: { id: string }) => d.id)).toContain(first);
    const mid = first.slice(4, 8);
    const contains = await t.call('GET', `/v2/numbers?contains=${mid}&limit=200`);
    for (const d of contains.json.data) expect(d.id).toContain(mid);
    expect(contains.json.links.self).toBe(`${t.em.url}/v2/numbers?contains=${mid}&limit=200&offset=0`);
  });

  it('rejects bad paging and filters with 400 in the error envelope', async () => {
    for (const q of ['limit=0', 'limit=201', 'limit=abc', 'offset=-1', 'starts_with=20a', 'contains=+1']) {
      const res = await t.call('GET', `/v2/numbers?${q}`);
      expect(res.status, q).toBe(400);
      expect(res.json.errors[0].title).toBe('Bad Request');
    }
  });

  it('detail has relationships and the routes in included', async () => {
    const n = t.em.state.numbers.get(t.em.state.numberKeys[0]!)!;
    const res = await t.call('GET', `/v2/numbers/${n.value}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.api+json');
    expect(res.json.data.relationships.primary_route.data).toEqual({ id: n.primaryRoute, type: 'route' });
    expect(res.json.data.relationships.failover_route.data).toEqual(
      n.failoverRoute ? { id: n.failoverRoute, type: 'route' } : null,
    );
    expect(res.json.included.map((r: { id: string }) => r.id)).toContain(n.primaryRoute);
    expect(res.json.links.self).toBe(`${t.em.url}/v2/numbers/${n.value}`);
  });

  it('unknown number → 404 with Flowroute detail', async () => {
    const res = await t.call('GET', '/v2/numbers/19995550100');
    expect(res.status).toBe(404);
    expect(res.json.errors[0].detail).toBe('Could not find that resource on your account.');
  });

  it('the seed has several states, aliases, CNAM on and off, and a toll-free number', () => {
    const all = [...t.em.state.numbers.values()];
    expect(all.length).toBe(40);
    expect(new Set(all.map((n) => n.state)).size).toBeGreaterThanOrEqual(4);
    expect(all.some((n) => n.alias)).toBe(true);
    expect(all.some((n) => n.alias === null)).toBe(true);
    expect(new Set(all.map((n) => n.cnamLookups)).size).toBe(2);
    expect(all.some((n) => n.numberType === 'toll-free')).toBe(true);
    expect(new Set(all.map((n) => n.primaryRoute)).size).toBeGreaterThan(3);
    expect(all.some((n) => n.failoverRoute === null)).toBe(true);
  });
});

describe('GET /v2/numbers/available and codes', () => {
  it('has at least 50,000 purchasable numbers', () => {
    expect(t.em.state.inventory.availableCount).toBeGreaterThanOrEqual(50_000);
  });

  it('combines starts_with, contains and ends_with and echoes filters in links', async () => {
    const res = await t.call('GET', '/v2/numbers/available?starts_with=206&contains=3&ends_with=7&limit=3');
    expect(res.status).toBe(200);
    for (const d of res.json.data) {
      expect(d.id).toMatch(/^1206/);
      expect(d.id.slice(1)).toContain('3');
      expect(d.id).toMatch(/7$/);
      expect(d.links.related).toBe(`${t.em.url}/v2/numbers/${d.id}`);
      expect(d.attributes.monthly_cost).toBe(1.25);
      expect(typeof d.attributes.setup_cost).toBe('number');
    }
    expect(res.json.links.self).toBe(
      `${t.em.url}/v2/numbers/available?contains=3&ends_with=7&starts_with=1206&limit=3&offset=0`,
    );
  });

  it('state and rate_center are case-insensitive and echoed as given', async () => {
    const upper = await t.call('GET', '/v2/numbers/available?state=WA&rate_center=SEATTLE&limit=50');
    const lower = await t.call('GET', '/v2/numbers/available?state=wa&rate_center=seattle&limit=50');
    expect(upper.json.data.length).toBeGreaterThan(0);
    expect(upper.json.data).toEqual(lower.json.data);
    for (const d of upper.json.data) {
      expect(d.attributes.state).toBe('wa');
      expect(d.attributes.rate_center).toBe('seattle');
    }
    expect(upper.json.links.self).toContain('state=WA');
    expect(upper.json.links.self).toContain('rate_center=SEATTLE');
    const rcOnly = await t.call('GET', '/v2/numbers/available?rate_center=seattle&limit=5');
    expect(rcOnly.json.data.length).toBe(5);
  });

  it('pages available numbers without overlap', async () => {
    const a = await t.call('GET', '/v2/numbers/available?state=ny&limit=200');
    const b = await t.call('GET', '/v2/numbers/available?state=ny&limit=200&offset=200');
    expect(a.json.links.next).toBeDefined();
    const ids = [...a.json.data, ...b.json.data].map((d: { id: string }) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort());
  });

  it('area codes: limit up to 400, max_setup_cost narrows, related links to exchanges', async () => {
    const all = await t.call('GET', '/v2/numbers/available/areacodes?limit=400');
    expect(all.json.data.length).toBeGreaterThan(80);
    expect(all.json.links.next).toBeUndefined();
    expect(all.json.data[0]).toEqual({
      type: 'areacode',
      id: all.json.data[0].id,
      links: { related: `${t.em.url}/v2/numbers/available/exchanges?areacode=${all.json.data[0].id}` },
    });
    const free = await t.call('GET', '/v2/numbers/available/areacodes?limit=400&max_setup_cost=0');
    expect(free.json.data.length).toBeGreaterThan(0);
    expect(free.json.data.length).toBeLessThan(all.json.data.length);
    expect(free.json.links.self).toContain('max_setup_cost=0');
    const first = await t.call('GET', '/v2/numbers/available/areacodes');
    expect(first.json.data).toHaveLength(10);
    expect(first.json.links.next).toContain('offset=10');
  });

  it('exchanges by area code link to a starts_with search that finds numbers', async () => {
    const res = await t.call('GET', '/v2/numbers/available/exchanges?areacode=206&limit=200');
    expect(res.json.data.length).toBeGreaterThan(0);
    const ex = res.json.data[0];
    expect(ex.type).toBe('exchange');
    expect(ex.id).toMatch(/^206\d{3}$/);
    expect(ex.links.related).toBe(`${t.em.url}/v2/numbers/available?starts_with=1${ex.id}`);
    const viaLink = await t.call(
      'GET',
      new URL(ex.links.related).pathname + new URL(ex.links.related).search,
    );
    const bare = await t.call('GET', `/v2/numbers/available?starts_with=${ex.id}`);
    expect(viaLink.json.data.length).toBeGreaterThan(0);
    expect(bare.json.data).toEqual(viaLink.json.data);
    for (const d of viaLink.json.data) expect(d.id.startsWith(`1${ex.id}`)).toBe(true);
  });
});

describe('POST /v2/numbers/{id} (purchase)', () => {
  it('moves a number from the inventory to the account with route 0 and no failover', async () => {
    const search = await t.call('GET', '/v2/numbers/available?state=or&limit=1');
    const number: string = search.json.data[0].id;
    const res = await t.call('POST', `/v2/numbers/${number}`);
    expect(res.status).toBe(201);
    expect(res.json.data.id).toBe(number);
    expect(res.json.data.attributes).toMatchObject({ value: number, alias: null, state: 'or' });
    expect(res.json.data.relationships.primary_route.data).toEqual({ id: '0', type: 'route' });
    expect(res.json.data.relationships.failover_route.data).toBeNull();
    expect(res.json.included).toEqual([
      {
        attributes: { route_type: 'sip-reg', alias: 'sip-reg', value: null },
        type: 'route',
        id: '0',
        links: { self: `${t.em.url}/v2/routes/0` },
      },
    ]);
    const gone = await t.call('GET', `/v2/numbers/available?starts_with=%2B${number}`);
    expect(gone.json.data).toEqual([]);
    const mine = await t.call('GET', `/v2/numbers?starts_with=%2B${number}`);
    expect(mine.json.data.map((d: { id: string }) => d.id)).toEqual([number]);
    const again = await t.call('POST', `/v2/numbers/${number}`);
    expect(again.status).toBe(404);
    const stats = await t.control('GET', '/stats');
    expect(stats.json.purchases.map((p: { number: string }) => p.number)).toContain(number);
    expect(stats.json.calls.purchaseNumber).toBe(2);
  });

  it('a number someone else bought (control API) cannot be bought', async () => {
    const search = await t.call('GET', '/v2/numbers/available?state=tx&limit=1');
    const number: string = search.json.data[0].id;
    const sell = await t.control('POST', '/inventory/sell', { number });
    expect(sell.status).toBe(200);
    const res = await t.call('POST', `/v2/numbers/${number}`);
    expect(res.status).toBe(404);
    expect(res.json.errors[0].detail).toBe('Could not find that resource on your account.');
    expect((await t.control('POST', '/inventory/sell', { number })).status).toBe(404);
  });

  it('numbers never offered and owned numbers are 404', async () => {
    expect((await t.call('POST', '/v2/numbers/12065550100')).status).toBe(404);
    expect((await t.call('POST', `/v2/numbers/${t.em.state.numberKeys[0]}`)).status).toBe(404);
  });
});

describe('large seed', () => {
  it('starts in seconds with 10,000 numbers and 100,000 messages and answers deep pages fast', async () => {
    const started = Date.now();
    const big = await startTestEmulator({ seed: 'large' });
    try {
      // Generous bound: CI runs many test files at once; alone it starts in about 1–2 s.
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(big.em.state.numbers.size).toBe(10_000);
      expect(big.em.state.mdrs.length).toBe(100_000);
      let t0 = Date.now();
      const deep = await big.call('GET', '/v2/numbers?limit=200&offset=9900');
      expect(deep.json.data.length).toBe(100);
      expect(deep.json.links.next).toBeUndefined();
      expect(Date.now() - t0).toBeLessThan(1000);
      t0 = Date.now();
      const mdrs = await big.call('GET', '/v2.1/messages?start_date=2026-01-01&limit=200&offset=50000');
      expect(mdrs.json.data).toHaveLength(200);
      expect(Date.now() - t0).toBeLessThan(1000);
    } finally {
      await big.close();
    }
  });
});
