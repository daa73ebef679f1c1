import {
  buildSendBody,
  detailPollInterval,
  isFinalStatus,
  isSettled,
  nextOffset,
  mdrPageStrictSchema,
  parseMdrPage,
  toFlowrouteDate,
  type Mdr,
  type MdrPage,
} from './messages';

const one = { id: 'mdr2-' + 'a'.repeat(32) } as Mdr;

function page(n: number, next?: string | null): MdrPage {
  return { data: Array.from({ length: n }, () => one), links: next === undefined ? undefined : { next } };
}

describe('nextOffset', () => {
  it('reads offset from Flowroute’s absolute links.next', () => {
    const next =
      'https://api.flowroute.com/v2.1/messages?limit=2&start_date=2017-12-01T00%3A00%3A00%2B00%3A00&end_date=2018-01-08T00%3A00%3A00%2B00%3A00&offset=2';
    expect(nextOffset(page(2, next), 0)).toBe(2);
  });

  it('stops without next, with an empty page, or on null', () => {
    expect(nextOffset(page(2), 0)).toBeUndefined();
    expect(nextOffset(page(2, null), 0)).toBeUndefined();
    expect(nextOffset(page(0, 'https://x/v2.1/messages?offset=10'), 0)).toBeUndefined();
  });

  it('never pages backwards or in place', () => {
    expect(nextOffset(page(1000, 'https://x/v2.1/messages?offset=0'), 1000)).toBe(2000);
    expect(nextOffset(page(1000, 'https://x/v2.1/messages?limit=1000'), 3000)).toBe(4000);
  });
});

describe('status', () => {
  const mdr = (status: string, direction = 'outbound', timestamp = new Date().toISOString()) =>
    ({ id: one.id, attributes: { status, direction, timestamp } }) as Mdr;

  it('knows final statuses', () => {
    expect(isFinalStatus('delivered')).toBe(true);
    expect(isFinalStatus('Undelivered')).toBe(true);
    expect(isFinalStatus('message buffered')).toBe(false);
    expect(isFinalStatus('smsc submit')).toBe(false);
  });

  it('treats inbound and day-old records as settled', () => {
    expect(isSettled(mdr('message buffered'))).toBe(false);
    expect(isSettled(mdr('', 'inbound'))).toBe(true);
    expect(isSettled(mdr('message buffered', 'outbound', '2020-01-01T00:00:00Z'))).toBe(true);
  });
});

describe('buildSendBody', () => {
  it('sends SMS as JSON:API without MMS fields', () => {
    expect(buildSendBody({ from: '12065550199', to: '13125550111', body: 'hi' })).toEqual({
      data: { type: 'message', attributes: { to: '13125550111', from: '12065550199', body: 'hi' } },
    });
  });

  it('marks media and text-only MMS, and passes a DLR callback', () => {
    const withMedia = buildSendBody({
      from: '12065550199',
      to: '13125550111',
      body: '',
      media_urls: ['https://example.com/a.png'],
      dlr_callback: 'https://hooks.example.com/dlr',
    });
    expect(withMedia.data.attributes).toMatchObject({
      is_mms: true,
      media_urls: ['https://example.com/a.png'],
      dlr_callback: 'https://hooks.example.com/dlr',
    });
    expect(buildSendBody({ from: '1', to: '2', body: 'x', is_mms: true }).data.attributes.is_mms).toBe(true);
  });
});

it('formats dates as UTC ISO', () => {
  expect(toFlowrouteDate(new Date(Date.UTC(2026, 10, 28, 1, 2, 3)))).toBe('2026-11-28T01:02:03.000Z');
});

it('polls fast while fresh, slowly later, and stops when settled', () => {
  const now = Date.parse('2026-11-28T12:00:00Z');
  const at = (status: string, ago: number) =>
    ({
      id: one.id,
      attributes: { status, direction: 'outbound', timestamp: new Date(now - ago).toISOString() },
    }) as Mdr;
  expect(detailPollInterval(undefined, now)).toBe(2000);
  expect(detailPollInterval(at('smsc submit', 5_000), now)).toBe(2000);
  expect(detailPollInterval(at('message buffered', 600_000), now)).toBe(30_000);
  expect(detailPollInterval(at('delivered', 5_000), now)).toBe(false);
});

describe('parseMdrPage', () => {
  const page = {
    data: [
      {
        attributes: {
          body: 'test sms on v2',
          status: 'message buffered',
          direction: 'outbound',
          amount_nanodollars: '4000000',
          to: 12061232634,
          message_encoding: 0,
          timestamp: '2017-12-21T16:44:34.93Z',
          delivery_receipts: [
            {
              status: 'message buffered',
              status_code: 1003,
              status_code_description: 'Message accepted by Carrier',
              timestamp: '2017-12-21T16:44:35.00Z',
              level: 2,
            },
          ],
          amount_display: '$0.0040',
          from: '12012673227',
          is_mms: 'false',
          message_type: 'longcode',
        },
        type: 'message',
        id: 'mdr2-39cadeace66e11e7aff806cd7f24ba2d',
      },
    ],
    links: { next: 'https://api.flowroute.com/v2.1/messages?limit=1&offset=1' },
  };

  it('normalizes like the strict schema (numbers as strings, is_mms as a string)', () => {
    const parsed = parseMdrPage(page);
    expect(parsed.data[0]?.attributes).toMatchObject({
      amount_nanodollars: 4_000_000,
      to: '12061232634',
      is_mms: false,
      status: 'message buffered',
    });
    expect(parsed.data[0]?.attributes.delivery_receipts[0]?.status_code).toBe(1003);
    expect(parsed.links?.next).toContain('offset=1');
  });

  it('gives the same records as the strict schema', () => {
    const fast = parseMdrPage(page).data[0]!;
    const strict = mdrPageStrictSchema.parse(page).data[0]!;
    expect(fast.attributes).toEqual({ ...strict.attributes, message_callback_url: null });
    expect(fast.id).toBe(strict.id);
  });

  it('refuses what is not an MDR set', () => {
    expect(() => parseMdrPage({ errors: [] })).toThrow();
    expect(() => parseMdrPage({ data: [{ id: 5 }] })).toThrow();
  });
});
