import { aggregateDaily, foldIntoWeeks, summarize } from './daily';
import { row } from './fixtures.test-util';

const start = Date.parse('2026-11-20T00:00:00Z');
const end = Date.parse('2026-11-22T23:59:59Z');

describe('aggregateDaily', () => {
  it('buckets by UTC day, zero-fills, and computes the outbound delivery rate', () => {
    const rows = [
      row({ timestamp: '2026-11-20T23:59:59.00Z', direction: 'inbound' }),
      row({ timestamp: '2026-11-20T01:00:00.00Z', direction: 'outbound', status: 'delivered' }),
      row({ timestamp: '2026-11-20T02:00:00.00Z', direction: 'outbound', status: 'failed' }),
      row({ timestamp: '2026-11-20T03:00:00.00Z', direction: 'outbound', status: 'message buffered' }),
      row({ timestamp: '2026-11-22T00:00:00.00Z', direction: 'outbound', status: 'delivered' }),
    ];
    expect(aggregateDaily(rows, start, end)).toEqual([
      { day: '2026-11-20', inbound: 1, outbound: 3, delivered: 1, failed: 1, deliveryRate: 50 },
      { day: '2026-11-21', inbound: 0, outbound: 0, delivered: 0, failed: 0, deliveryRate: null },
      { day: '2026-11-22', inbound: 0, outbound: 1, delivered: 1, failed: 0, deliveryRate: 100 },
    ]);
  });

  it('uses UTC, not the local zone, at day edges', () => {
    const b = aggregateDaily([row({ timestamp: '2026-11-21T00:30:00+02:00' })], start, end);
    expect(b.find((x) => x.outbound === 1)?.day).toBe('2026-11-20');
  });

  it('keeps records outside the range in their own day', () => {
    const b = aggregateDaily([row({ timestamp: '2026-11-25T00:00:00Z' })], start, end);
    expect(b.map((x) => x.day)).toEqual(['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-25']);
  });

  it('has no days for an empty or inverted range and no rows', () => {
    expect(aggregateDaily([], end, start)).toEqual([]);
  });
});

it('summarizes totals', () => {
  const s = summarize([
    row({ direction: 'inbound' }),
    row({ status: 'delivered' }),
    row({ status: 'delivered' }),
    row({ status: 'undelivered' }),
  ]);
  expect(s).toEqual({ inbound: 1, outbound: 3, delivered: 2, failed: 1, deliveryRate: 66.7 });
});

describe('foldIntoWeeks', () => {
  const day = (i: number, inbound: number, delivered: number, failed: number) => ({
    day: new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10),
    inbound,
    outbound: delivered + failed,
    delivered,
    failed,
    deliveryRate: null,
  });

  it('keeps short ranges daily', () => {
    const days = Array.from({ length: 30 }, (_, i) => day(i, 1, 1, 0));
    expect(foldIntoWeeks(days)).toEqual({ unit: 'day', buckets: days });
  });

  it('sums long ranges by 7-day blocks and recomputes the rate', () => {
    const days = Array.from({ length: 100 }, (_, i) => day(i, 1, 3, i < 7 ? 1 : 0));
    const { unit, buckets } = foldIntoWeeks(days);
    expect(unit).toBe('week');
    expect(buckets).toHaveLength(15);
    expect(buckets[0]).toMatchObject({
      day: '2026-01-01',
      inbound: 7,
      delivered: 21,
      failed: 7,
      deliveryRate: 75,
    });
    expect(buckets[14]).toMatchObject({ day: '2026-04-09', inbound: 2 });
  });
});
