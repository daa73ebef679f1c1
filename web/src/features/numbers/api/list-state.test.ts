import { describe, expect, it } from 'vitest';
import type { NumberResource } from '@/lib/flowroute/numbers';
import { readListState, sortNumbers, writeListState } from './list-state';

const n = (id: string, alias: string | null, state = 'wa'): NumberResource => ({
  id,
  type: 'number',
  links: { self: `https://api.flowroute.com/v2/numbers/${id}` },
  attributes: {
    value: id,
    alias,
    state,
    rate_center: 'seattle',
    number_type: 'longcode',
    cnam_lookups_enabled: true,
  },
});

describe('numbers list URL state', () => {
  it('reads filters, paging, sort and selection, ignoring junk', () => {
    const state = readListState(
      new URLSearchParams(
        'starts_with=206&contains=abc&limit=200&offset=50&sort=alias&dir=desc&selected=12065550100,x',
      ),
    );
    expect(state).toEqual({
      filters: { starts_with: '206' },
      limit: 200,
      offset: 50,
      sort: { key: 'alias', dir: 'desc' },
      selection: { mode: 'some', numbers: ['12065550100'] },
    });
    expect(readListState(new URLSearchParams('limit=999&offset=-3&sort=nope&selected=all'))).toEqual({
      filters: {},
      limit: 50,
      offset: 0,
      sort: null,
      selection: { mode: 'all-matching' },
    });
  });

  it('writes only what differs from the defaults and keeps other params', () => {
    const params = writeListState(new URLSearchParams('other=1&offset=20'), {
      filters: { ends_with: '0100' },
      offset: 0,
      limit: 50,
      sort: { key: 'state', dir: 'asc' },
      selection: { mode: 'none' },
    });
    expect(params.toString()).toBe('other=1&ends_with=0100&sort=state');
    expect(writeListState(params, { selection: { mode: 'all-matching' }, limit: 25 }).get('selected')).toBe(
      'all',
    );
  });
});

describe('sortNumbers', () => {
  const rows = [n('12065550102', 'beta'), n('12065550100', null), n('12065550101', 'Alpha', 'ca')];
  it('sorts the loaded page, empty aliases last either way', () => {
    expect(sortNumbers(rows, { key: 'alias', dir: 'asc' }).map((r) => r.id)).toEqual([
      '12065550101',
      '12065550102',
      '12065550100',
    ]);
    expect(sortNumbers(rows, { key: 'alias', dir: 'desc' }).map((r) => r.id)).toEqual([
      '12065550102',
      '12065550101',
      '12065550100',
    ]);
    expect(sortNumbers(rows, { key: 'number', dir: 'asc' }).map((r) => r.id)).toEqual([
      '12065550100',
      '12065550101',
      '12065550102',
    ]);
    expect(sortNumbers(rows, null)).toEqual(rows);
  });
  it('sorts 200 rows quickly', () => {
    const many = Array.from({ length: 200 }, (_, i) => n(String(12065550000 + ((i * 7919) % 200)), `a${i}`));
    const start = performance.now();
    for (let i = 0; i < 50; i++) sortNumbers(many, { key: 'alias', dir: i % 2 ? 'asc' : 'desc' });
    expect(performance.now() - start).toBeLessThan(500);
  });
});
