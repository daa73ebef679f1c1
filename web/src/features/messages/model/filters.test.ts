import { mdr, row } from './fixtures.test-util';
import {
  applyFilters,
  distinctValues,
  EMPTY_FILTERS,
  filtersFromParams,
  filtersToParams,
  hasActiveFilters,
  NO_STATUS,
} from './filters';
import { rowsOfPages } from './rows';

const OURS_A = '12065550199';
const OURS_B = '12065550188';

const rows = [
  row({
    direction: 'outbound',
    from: OURS_A,
    to: '13125550111',
    body: 'Your code is 1234',
    status: 'delivered',
  }),
  row({ direction: 'inbound', from: '13125550111', to: OURS_A, body: 'Thanks!', status: 'delivered' }),
  row({
    direction: 'outbound',
    from: OURS_B,
    to: '14155550122',
    body: 'Reminder: dentist',
    status: 'failed',
  }),
  row({ direction: 'inbound', from: '14155550122', to: OURS_B, body: 'pic', status: '', is_mms: true }),
];

describe('applyFilters', () => {
  it('returns every row when nothing is set', () => {
    expect(applyFilters(rows, EMPTY_FILTERS)).toHaveLength(4);
  });

  it('filters by direction, status, our number', () => {
    expect(applyFilters(rows, { ...EMPTY_FILTERS, direction: 'inbound' })).toHaveLength(2);
    expect(applyFilters(rows, { ...EMPTY_FILTERS, status: 'failed' })).toEqual([rows[2]]);
    expect(applyFilters(rows, { ...EMPTY_FILTERS, status: NO_STATUS })).toEqual([rows[3]]);
    expect(applyFilters(rows, { ...EMPTY_FILTERS, ours: OURS_B })).toEqual([rows[2], rows[3]]);
  });

  it('matches their number whole (10 or 11 digits) or by part', () => {
    expect(applyFilters(rows, { ...EMPTY_FILTERS, theirs: '3125550111' })).toEqual([rows[0], rows[1]]);
    expect(applyFilters(rows, { ...EMPTY_FILTERS, theirs: '13125550111' })).toEqual([rows[0], rows[1]]);
    expect(applyFilters(rows, { ...EMPTY_FILTERS, theirs: '0122' })).toEqual([rows[2], rows[3]]);
    expect(applyFilters(rows, { ...EMPTY_FILTERS, theirs: '2065550199' })).toEqual([]);
  });

  it('searches text case-insensitively, and numbers however they are typed', () => {
    expect(applyFilters(rows, { ...EMPTY_FILTERS, q: 'DENTIST' })).toEqual([rows[2]]);
    expect(applyFilters(rows, { ...EMPTY_FILTERS, q: '(415) 555' })).toEqual([rows[2], rows[3]]);
    expect(applyFilters(rows, { ...EMPTY_FILTERS, q: rows[1]!.id })).toEqual([rows[1]]);
  });

  it('combines filters', () => {
    expect(applyFilters(rows, { ...EMPTY_FILTERS, direction: 'outbound', ours: OURS_A, q: 'code' })).toEqual([
      rows[0],
    ]);
  });

  it('filters 100,000 loaded rows in well under 100 ms', () => {
    const many = rowsOfPages(
      Array.from({ length: 100 }, (_, p) => ({
        data: Array.from({ length: 1000 }, (_, i) =>
          mdr({
            id: `mdr2-${(p * 1000 + i).toString(16).padStart(32, '0')}`,
            direction: i % 2 ? 'inbound' : 'outbound',
            from: `1206555${String(i % 10000).padStart(4, '0')}`,
            body: `Message number ${p * 1000 + i} about order ${i % 97}`,
          }),
        ),
      })),
    );
    expect(many).toHaveLength(100_000);
    // Best of three, so a busy CI machine does not decide the result.
    const time = (f: typeof EMPTY_FILTERS) => {
      let best = Infinity;
      let out: unknown[] = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        out = applyFilters(many, f);
        best = Math.min(best, performance.now() - t0);
      }
      return { best, out };
    };
    const text = time({ ...EMPTY_FILTERS, direction: 'outbound', q: 'order 42' });
    const number = time({ ...EMPTY_FILTERS, theirs: '555' });
    expect(text.out.length).toBeGreaterThan(0);
    expect(text.best).toBeLessThan(100);
    expect(number.best).toBeLessThan(100);
  });
});

describe('URL round trip', () => {
  it('reads what it writes and drops empty values', () => {
    const f = {
      direction: 'inbound' as const,
      status: 'delivered',
      ours: OURS_A,
      theirs: '312555',
      q: 'hi there',
    };
    const params = filtersToParams(f, new URLSearchParams('range=7d'));
    expect(params.get('range')).toBe('7d');
    expect(filtersFromParams(params)).toEqual(f);
    expect(filtersToParams(EMPTY_FILTERS, params).toString()).toBe('range=7d');
  });

  it('ignores junk', () => {
    expect(filtersFromParams(new URLSearchParams('dir=sideways&ours=abc'))).toEqual(EMPTY_FILTERS);
    expect(hasActiveFilters(EMPTY_FILTERS)).toBe(false);
  });
});

it('lists distinct statuses and our numbers', () => {
  expect(distinctValues(rows)).toEqual({
    statuses: [NO_STATUS, 'delivered', 'failed'],
    ours: [OURS_B, OURS_A],
  });
});
