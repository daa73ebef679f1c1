// Messages: send (JSON:API and compact, v2.1 and v2.2), pricing/encoding, delivery receipts over (fake)
// time, 429 send limits, MDR lists by date range with links.next, MDR detail.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAILED_STATUSES, isFailingDestination } from './index';
import { startTestEmulator, isoDate, T0, type TestEmulator } from './test-support';

let t: TestEmulator;
let from: string;
beforeAll(async () => {
  t = await startTestEmulator();
  from = t.em.state.numberKeys.find((n) => t.em.state.numbers.get(n)!.numberType === 'longcode')!;
});
afterAll(() => t.close());
// Each test starts a fresh second so earlier sends do not count against the rate limit.
beforeEach(() => t.clock.advance(5_000));

const good = (n: number) => {
  for (let i = n; ; i++) {
    const to = `1206555${String(i).padStart(4, '0')}`;
    if (!isFailingDestination(to)) return to;
  }
};
const bad = () => {
  for (let i = 0; ; i++) {
    const to = `1425555${String(i).padStart(4, '0')}`;
    if (isFailingDestination(to)) return to;
  }
};
const jsonApi = (attributes: Record<string, unknown>) => ({
  body: { data: { type: 'message', attributes } },
});

async function send(attributes: Record<string, unknown>, path = '/v2.1/messages') {
  return t.call('POST', path, jsonApi(attributes));
}
async function detail(id: string) {
  const res = await t.call('GET', `/v2.1/messages/${id}`);
  expect(res.status).toBe(200);
  return res.json;
}

describe('POST /v2.1/messages', () => {
  it('JSON:API body → 202 with an mdr2- id and links.self', async () => {
    const res = await send({ from, to: good(1), body: 'hello' });
    expect(res.status).toBe(202);
    expect(res.headers.get('content-type')).toBe('application/vnd.api+json');
    expect(res.json.data.id).toMatch(/^mdr2-[0-9a-f]{32}$/);
    expect(res.json.data).toEqual({
      links: { self: `${t.em.url}/v2.1/messages/${res.json.data.id}` },
      type: 'message',
      id: res.json.data.id,
    });
  });

  it('compact body with + numbers, and /v2.2 links to v2.2', async () => {
    const res = await t.call('POST', '/v2.2/messages', {
      body: { from: `+${from}`, to: `+${good(2)}`, body: 'compact' },
      contentType: 'application/json; charset=utf-8',
    });
    expect(res.status).toBe(202);
    expect(res.json.data.links.self).toBe(`${t.em.url}/v2.2/messages/${res.json.data.id}`);
    const mdr = await detail(res.json.data.id);
    expect(mdr.data.attributes.from).toBe(from);
    expect(mdr.data.attributes.to).toBe(good(2));
    expect(mdr.data.attributes.direction).toBe('outbound');
  });

  it.each<[Record<string, unknown>, number, string]>([
    [{ from: undefined, to: '12065550101', body: 'x' }, 422, 'missing from'],
    [{ from: '12065550100', to: '12065550101', body: 'x' }, 403, 'from not on the account'],
    [{ to: '2065550101', body: 'x' }, 422, '10-digit to'],
    [{ to: '12065550101' }, 422, 'no body and no media'],
    [{ to: '12065550101', body: 'x', is_mms: 'maybe' }, 422, 'bad is_mms'],
    [{ to: '12065550101', media_urls: ['ftp://example.com/a.png'] }, 422, 'non-http media'],
    [{ to: '12065550101', body: 'x', dlr_callback: 'nope' }, 422, 'bad dlr_callback'],
  ])('%j → %i (%s)', async (attrs, status) => {
    const res = await send({ from, ...attrs });
    expect(res.status).toBe(status);
    expect(res.json.errors[0].status).toBe(status);
  });

  it('415 for other media types, 400 for broken JSON', async () => {
    expect(
      (await t.call('POST', '/v2.1/messages', { raw: 'from=1', contentType: 'text/plain' })).status,
    ).toBe(415);
    expect(
      (await t.call('POST', '/v2.1/messages', { raw: '{"from":', contentType: 'application/json' })).status,
    ).toBe(400);
  });
});

describe('pricing and encoding (Flowroute rule)', () => {
  it.each([
    ['a'.repeat(160), 0, 4_000_000, '$0.0040'],
    ['a'.repeat(161), 0, 8_000_000, '$0.0080'],
    ['a'.repeat(281), 0, 12_000_000, '$0.0120'],
    ['Café', 8, 4_000_000, '$0.0040'],
    ['é'.repeat(71), 8, 8_000_000, '$0.0080'],
  ])('%s → encoding %i, %i nanodollars', async (body, encoding, amount, display) => {
    const res = await send({ from, to: good(3), body });
    const mdr = await detail(res.json.data.id);
    expect(mdr.data.attributes).toMatchObject({
      message_encoding: encoding,
      amount_nanodollars: amount,
      amount_display: display,
      is_mms: false,
      message_type: 'longcode',
    });
  });

  it('MMS: media_urls or is_mms "true" → 9,500,000 nanodollars, media relationships, no receipts', async () => {
    const res = await send({
      from,
      to: good(4),
      body: 'pic',
      media_urls: ['https://cdn.example.com/a/cat.jpg'],
    });
    expect(res.status).toBe(202);
    t.clock.advance(10_000);
    const mdr = await detail(res.json.data.id);
    expect(mdr.data.attributes).toMatchObject({
      is_mms: true,
      amount_nanodollars: 9_500_000,
      delivery_receipts: [],
    });
    expect(mdr.data.relationships.media.data[0].type).toBe('media');
    expect(mdr.included[0].attributes).toMatchObject({
      url: 'https://cdn.example.com/a/cat.jpg',
      file_name: 'cat.jpg',
      mime_type: 'image/jpeg',
    });
    t.clock.advance(2_000);
    const textOnly = await send({ from, to: good(5), body: 'text mms', is_mms: 'true' });
    expect((await detail(textOnly.json.data.id)).data.attributes.is_mms).toBe(true);
    t.clock.advance(2_000);
    const notMms = await send({ from, to: good(5), body: 'plain', is_mms: 'false' });
    expect((await detail(notMms.json.data.id)).data.attributes.is_mms).toBe(false);
  });
});

describe('delivery receipts progress with time', () => {
  it('buffered → level 1 smsc submit → level 2 (newest first)', async () => {
    const res = await send({ from, to: good(6), body: 'dlr' });
    const id = res.json.data.id;
    let a = (await detail(id)).data.attributes;
    expect(a.status).toBe('message buffered');
    expect(a.delivery_receipts).toEqual([]);
    t.clock.advance(1_000);
    a = (await detail(id)).data.attributes;
    expect(a.status).toBe('smsc submit');
    expect(a.delivery_receipts).toEqual([
      expect.objectContaining({
        level: 1,
        status: 'smsc submit',
        status_code: null,
        status_code_description: 'Message has been sent',
      }),
    ]);
    t.clock.advance(4_000);
    a = (await detail(id)).data.attributes;
    expect(a.delivery_receipts.map((r: { level: number }) => r.level)).toEqual([2, 1]);
    expect(['delivered', 'message buffered']).toContain(a.status);
    expect(a.delivery_receipts[0].status).toBe(a.status);
    expect(a.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d\dZ$/);
  });

  it('a failing destination ends failed with a carrier code', async () => {
    const res = await send({ from, to: bad(), body: 'will fail' });
    t.clock.advance(5_000);
    const a = (await detail(res.json.data.id)).data.attributes;
    expect(FAILED_STATUSES).toContain(a.status);
    expect(a.delivery_receipts[0]).toMatchObject({
      level: 2,
      status: a.status,
      status_code: expect.any(Number),
    });
  });

  it('most seeded outbound messages are delivered, some failed', () => {
    const now = t.clock.now;
    const outbound = t.em.state.mdrs.filter((m) => m.direction === 'outbound' && !m.isMms);
    const failed = outbound.filter((m) => m.outcome >= 2).length / outbound.length;
    expect(failed).toBeGreaterThan(0.03);
    expect(failed).toBeLessThan(0.2);
    expect(t.em.state.mdrs.every((m) => m.ts < now)).toBe(true);
  });
});

describe('send limits', () => {
  it('5 SMS per second, then 429 with Retry-After; the next second is free again', async () => {
    for (let i = 0; i < 5; i++) expect((await send({ from, to: good(7), body: `n${i}` })).status).toBe(202);
    const limited = await send({ from, to: good(7), body: 'n5' });
    expect(limited.status).toBe(429);
    expect(limited.json.errors[0]).toMatchObject({ status: 429, title: 'Too Many Requests' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    t.clock.advance(1_000);
    expect((await send({ from, to: good(7), body: 'n6' })).status).toBe(202);
  });

  it('1 MMS per second, counted apart from SMS', async () => {
    const mms = { from, to: good(8), body: 'm', is_mms: true };
    expect((await send(mms)).status).toBe(202);
    expect((await send(mms)).status).toBe(429);
    expect((await send({ from, to: good(8), body: 'sms still fine' })).status).toBe(202);
    t.clock.advance(1_000);
    expect((await send(mms)).status).toBe(202);
  });
});

describe('GET /v2.1/messages', () => {
  it('needs a valid start_date (400 otherwise)', async () => {
    for (const q of [
      '',
      '?start_date=',
      '?start_date=2026-13-01',
      '?start_date=01/02/2026',
      '?start_date=2026-02-30',
    ]) {
      const res = await t.call('GET', `/v2.1/messages${q}`);
      expect(res.status, q).toBe(400);
    }
    const backwards = await t.call('GET', '/v2.1/messages?start_date=2026-03-10&end_date=2026-03-01');
    expect(backwards.status).toBe(400);
  });

  it('accepts YYYY-MM-DD and full ISO (Z, ±hh:mm) and restricts to the UTC range, newest first', async () => {
    const start = T0 - 10 * 86_400_000;
    const end = T0 - 5 * 86_400_000;
    const res = await t.call(
      'GET',
      `/v2.1/messages?start_date=${encodeURIComponent(isoDate(start))}&end_date=${encodeURIComponent(isoDate(end))}&limit=1000`,
    );
    expect(res.status).toBe(200);
    const times = res.json.data.map((m: { attributes: { timestamp: string } }) =>
      Date.parse(m.attributes.timestamp),
    );
    expect(times.length).toBeGreaterThan(50);
    for (const x of times) {
      expect(x).toBeGreaterThanOrEqual(start - 10);
      expect(x).toBeLessThanOrEqual(end + 10);
    }
    expect(times).toEqual([...times].sort((a: number, b: number) => b - a));
    expect(res.json.links).toEqual({});
    const offsetForm = await t.call(
      'GET',
      `/v2.1/messages?start_date=${encodeURIComponent(new Date(start).toISOString().replace('Z', '+00:00'))}&end_date=${encodeURIComponent(isoDate(end))}&limit=1000`,
    );
    expect(offsetForm.json.data).toEqual(res.json.data);
    const day = await t.call('GET', '/v2.1/messages?start_date=2026-03-01&end_date=2026-03-02&limit=1000');
    for (const m of day.json.data) expect(m.attributes.timestamp.startsWith('2026-03-01')).toBe(true);
  });

  it('pages with links.next only (no self), dates re-serialized as +00:00', async () => {
    const first = await t.call('GET', '/v2.1/messages?start_date=2026-02-01&end_date=2026-02-15&limit=25');
    expect(first.json.data).toHaveLength(25);
    expect(first.json.links.self).toBeUndefined();
    const next = new URL(first.json.links.next);
    expect(next.pathname).toBe('/v2.1/messages');
    expect(first.json.links.next).toContain('start_date=2026-02-01T00%3A00%3A00%2B00%3A00');
    expect(next.searchParams.get('offset')).toBe('25');
    const second = await t.call('GET', next.pathname + next.search);
    const ids = [...first.json.data, ...second.json.data].map((m: { id: string }) => m.id);
    expect(new Set(ids).size).toBe(50);
    const total = t.em.state.mdrs.filter(
      (m) => m.ts >= Date.UTC(2026, 1, 1) && m.ts <= Date.UTC(2026, 1, 15),
    ).length;
    const last = await t.call(
      'GET',
      `/v2.1/messages?start_date=2026-02-01&end_date=2026-02-15&limit=25&offset=${total - 5}`,
    );
    expect(last.json.data).toHaveLength(5);
    expect(last.json.links.next).toBeUndefined();
  });

  it('the seed spans 60 days with both directions, failures, MMS and UCS-2', async () => {
    const res = await t.call('GET', `/v2.1/messages?start_date=${isoDate(T0 - 61 * 86_400_000)}&limit=5000`);
    const data = res.json.data as { attributes: Record<string, unknown> }[];
    expect(data.length).toBeGreaterThanOrEqual(2_000);
    const attrs = data.map((d) => d.attributes);
    expect(attrs.some((a) => a.direction === 'inbound')).toBe(true);
    expect(attrs.some((a) => a.direction === 'outbound')).toBe(true);
    expect(attrs.some((a) => (FAILED_STATUSES as readonly unknown[]).includes(a.status))).toBe(true);
    expect(attrs.some((a) => a.is_mms === true)).toBe(true);
    expect(attrs.some((a) => a.message_encoding === 8)).toBe(true);
    expect(attrs.some((a) => a.message_type === 'toll-free')).toBe(true);
    const v22 = await t.call('GET', `/v2.2/messages?start_date=${isoDate(T0 - 86_400_000)}&limit=3`);
    expect(v22.status).toBe(200);
    if (v22.json.links.next) expect(v22.json.links.next).toContain('/v2.2/messages');
  });

  it('MDR detail: 404 for unknown ids', async () => {
    expect((await t.call('GET', '/v2.1/messages/mdr2-ffffffffffffffffffffffffffffffff')).status).toBe(404);
    expect((await t.call('GET', '/v2.1/messages/not-an-id')).status).toBe(404);
  });
});
