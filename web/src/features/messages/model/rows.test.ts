import { mdr, row } from './fixtures.test-util';
import {
  encodingLabel,
  nanodollarsToDecimal,
  RowAccumulator,
  rowsOfPages,
  segmentsOf,
  toLogRow,
} from './rows';

describe('toLogRow', () => {
  it('knows which side is ours from the direction', () => {
    const out = toLogRow(mdr({ direction: 'outbound', from: '12065550199', to: '13125550111' }));
    expect([out.ours, out.theirs]).toEqual(['12065550199', '13125550111']);
    const inbound = toLogRow(mdr({ direction: 'inbound', from: '13125550111', to: '12065550199' }));
    expect([inbound.ours, inbound.theirs]).toEqual(['12065550199', '13125550111']);
  });

  it('precomputes a lowercase search field', () => {
    expect(row({ body: 'Hello WORLD', status: 'Delivered' }).search).toContain('hello world');
    expect(row({ status: 'Delivered' }).statusKey).toBe('delivered');
  });
});

describe('rowsOfPages', () => {
  it('flattens pages in order and drops records repeated across pages', () => {
    const a = mdr({ id: 'mdr2-' + 'a'.repeat(32) });
    const b = mdr({ id: 'mdr2-' + 'b'.repeat(32) });
    const c = mdr({ id: 'mdr2-' + 'c'.repeat(32) });
    const rows = rowsOfPages([{ data: [a, b] }, { data: [b, c] }]);
    expect(rows.map((r) => r.id)).toEqual([a.id, b.id, c.id]);
  });

  it('reuses the rows of a page it has seen', () => {
    const page = { data: [mdr()] };
    expect(rowsOfPages([page])[0]).toBe(rowsOfPages([page])[0]);
  });
});

describe('nanodollarsToDecimal', () => {
  it.each([
    [4_000_000, '0.0040'],
    [9_500_000, '0.0095'],
    [0, '0.0000'],
    [1, '0.000000001'],
    [1_250_000_000, '1.2500'],
    [12_345_678_901, '12.345678901'],
    [-4_000_000, '-0.0040'],
  ])('%d → %s', (n, s) => expect(nanodollarsToDecimal(n)).toBe(s));
});

it('labels encodings', () => {
  expect(encodingLabel(0)).toBe('GSM-7');
  expect(encodingLabel(8)).toBe('UCS-2');
});

it('counts segments of a row', () => {
  expect(segmentsOf(row({ body: 'x'.repeat(160) }))).toBe(1);
  expect(segmentsOf(row({ body: 'x'.repeat(161) }))).toBe(2);
  expect(segmentsOf(row({ body: '😀'.repeat(36) }))).toBe(2);
  expect(segmentsOf(row({ body: '' }))).toBe(1);
});

describe('RowAccumulator', () => {
  it('appends only new pages and starts over when the pages are replaced', () => {
    const acc = new RowAccumulator();
    const p1 = { data: [mdr(), mdr()] };
    const p2 = { data: [mdr()] };
    const first = acc.update([p1]);
    expect(first).toHaveLength(2);
    const second = acc.update([p1, p2]);
    expect(second).toHaveLength(3);
    expect(second[0]).toBe(first[0]);
    expect(acc.update([p1, p2])).toBe(second);
    expect(acc.update([p2])).toHaveLength(1);
  });
});
