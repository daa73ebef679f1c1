import { describeRange, rangeFromParams, rangeToParams, resolveRange } from './range';

const NOW = Date.parse('2026-11-28T15:42:31.123Z');

describe('resolveRange', () => {
  it('today is the current UTC day', () => {
    const r = resolveRange({ preset: 'today' }, NOW);
    expect(r.start_date).toBe('2026-11-28T00:00:00.000Z');
    expect(r.end_date).toBe('2026-11-28T23:59:59.000Z');
  });

  it('relative presets end just after now (to the minute) so the query key is stable', () => {
    const a = resolveRange({ preset: '24h' }, NOW);
    const b = resolveRange({ preset: '24h' }, NOW + 20_000);
    expect(a).toEqual(b);
    expect(a.start_date).toBe('2026-11-27T15:42:00.000Z');
    expect(a.end_date).toBe('2026-11-28T15:43:00.000Z');
    expect(resolveRange({ preset: '7d' }, NOW).start_date).toBe('2026-11-21T15:42:00.000Z');
    expect(resolveRange({ preset: '30d' }, NOW).start_date).toBe('2026-10-29T15:42:00.000Z');
  });

  it('custom days are whole UTC days, inclusive', () => {
    const r = resolveRange({ preset: 'custom', start: '2026-11-01', end: '2026-11-03' }, NOW);
    expect([r.start_date, r.end_date]).toEqual(['2026-11-01T00:00:00.000Z', '2026-11-03T23:59:59.000Z']);
    expect(describeRange(r)).toBe('2026-11-01 00:00 – 2026-11-03 23:59 UTC');
  });
});

describe('URL', () => {
  it('round-trips presets and custom ranges', () => {
    expect(rangeFromParams(rangeToParams({ preset: '30d' }, new URLSearchParams('q=x')))).toEqual({
      preset: '30d',
    });
    const custom = { preset: 'custom' as const, start: '2026-11-01', end: '2026-11-03' };
    expect(rangeFromParams(rangeToParams(custom, new URLSearchParams()))).toEqual(custom);
  });

  it('defaults to 7 days, swaps reversed days, and rejects junk', () => {
    expect(rangeFromParams(new URLSearchParams())).toEqual({ preset: '7d' });
    expect(rangeFromParams(new URLSearchParams('range=custom&start=2026-11-05&end=2026-11-01'))).toEqual({
      preset: 'custom',
      start: '2026-11-01',
      end: '2026-11-05',
    });
    expect(rangeFromParams(new URLSearchParams('range=custom&start=yesterday'))).toEqual({ preset: '7d' });
  });
});
