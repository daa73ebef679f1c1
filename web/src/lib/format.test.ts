import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  filterDigits,
  formatDateTime,
  formatNanodollars,
  formatNanp,
  countOf,
  formatNumberType,
  formatRateCenter,
  formatState,
  formatUsd,
  formatUtc,
  nanodollarsToDollars,
  viewerTimeZone,
} from './format';

describe('phone re-exports', () => {
  it('format and filter like people type', () => {
    expect(formatNanp('12065550100')).toBe('+1 206-555-0100');
    expect(filterDigits('(206) 55', 'starts_with')).toBe('20655');
    expect(filterDigits('+1 206', 'starts_with')).toBe('206');
    expect(filterDigits('206', 'starts_with')).toBe('206');
    expect(filterDigits('555-01', 'contains')).toBe('55501');
  });
});

describe('formatUsd', () => {
  it.each([
    [1.25, '$1.25'],
    [1, '$1.00'],
    [0, '$0.00'],
    [3.99, '$3.99'],
    [1234.5, '$1,234.50'],
    [0.004, '$0.0040'],
    [0.0075, '$0.0075'],
    [1.2345, '$1.2345'],
    ['2.5', '$2.50'],
    ['$1,000', '$1,000.00'],
    [-1.5, '-$1.50'],
  ])('%s → %s', (amount, expected) => {
    expect(formatUsd(amount)).toBe(expected);
  });
  it('adds the currency code when asked and shows a dash for nothing', () => {
    expect(formatUsd(1.25, { code: true })).toBe('$1.25 USD');
    expect(formatUsd(null)).toBe('—');
    expect(formatUsd(undefined)).toBe('—');
    expect(formatUsd('abc')).toBe('—');
  });
});

describe('nanodollars', () => {
  it('converts billionths of a dollar', () => {
    expect(nanodollarsToDollars(4_000_000)).toBeCloseTo(0.004);
    expect(formatNanodollars(4_000_000)).toBe('$0.0040');
    expect(formatNanodollars('7000000')).toBe('$0.0070');
    expect(formatNanodollars(1_250_000_000)).toBe('$1.25');
    expect(formatNanodollars(null)).toBe('—');
  });
});

describe('times', () => {
  const ts = '2026-11-28T23:04:05.39Z';
  it('shows the given zone with its abbreviation', () => {
    expect(formatDateTime(ts, { timeZone: 'America/Los_Angeles' })).toBe('Nov 28, 2026, 3:04:05 PM PST');
    expect(formatDateTime(ts, { timeZone: 'UTC', seconds: false })).toBe('Nov 28, 2026, 11:04 PM UTC');
    expect(formatDateTime(ts, { timeZone: 'Asia/Kolkata' })).toMatch(/Nov 29, 2026, 4:34:05 AM GMT\+5:30/);
  });
  it('keeps the exact UTC value for tooltips', () => {
    expect(formatUtc(ts)).toBe('2026-11-28T23:04:05Z');
    expect(formatUtc(null)).toBe('—');
  });
  it('passes through what it cannot parse', () => {
    expect(formatDateTime('not a date')).toBe('not a date');
    expect(formatDateTime(undefined)).toBe('—');
  });
});

describe('Flowroute attributes', () => {
  it('reads like people expect', () => {
    expect(formatState('wa')).toBe('WA');
    expect(formatNumberType('longcode')).toBe('Local');
    expect(formatNumberType('standard')).toBe('Local');
    expect(formatNumberType('toll-free')).toBe('Toll-free');
    expect(formatNumberType('tollfree')).toBe('Toll-free');
    expect(formatNumberType(null)).toBe('—');
  });
});

describe('formatRateCenter', () => {
  it('splits squashed names into known words and capitalises them', () => {
    expect(formatRateCenter('losangeles')).toBe('Los Angeles');
    expect(formatRateCenter('LOSANGELES')).toBe('Los Angeles');
    expect(formatRateCenter('jerseycity')).toBe('Jersey City');
    expect(formatRateCenter('newark')).toBe('Newark');
    expect(formatRateCenter('sanantonio')).toBe('San Antonio');
    expect(formatRateCenter('seattle')).toBe('Seattle');
  });
  it('never splits a one-word name it knows ("Newport", not "New Port")', () => {
    expect(formatRateCenter('newport')).toBe('Newport');
    expect(formatRateCenter('westport')).toBe('Westport');
    expect(formatRateCenter('eastlake')).toBe('Eastlake');
    expect(formatRateCenter('newportbeach')).toBe('Newport Beach');
  });
  it('keeps abbreviations as abbreviations (never expands them)', () => {
    expect(formatRateCenter('ftcollins')).toBe('Ft Collins');
    expect(formatRateCenter('saltlakecy')).toBe('Salt Lake Cy');
    expect(formatRateCenter('westpalmbh')).toBe('West Palm Bh');
  });
  it('capitalises unknown plain names as one word and leaves codes upper case', () => {
    expect(formatRateCenter('millbrae')).toBe('Millbrae');
    expect(formatRateCenter('nwyrcyzn01')).toBe('NWYRCYZN01');
    expect(formatRateCenter('tollfree')).toBe('Toll-free');
    expect(formatRateCenter('')).toBe('—');
    expect(formatRateCenter(null)).toBe('—');
  });
});

describe('formatNumberType', () => {
  it('reads the same whatever case Flowroute sends', () => {
    expect(formatNumberType('LONGCODE')).toBe('Local');
    expect(formatNumberType('Standard')).toBe('Local');
    expect(formatNumberType('mobile')).toBe('Mobile');
  });
});

describe('countOf', () => {
  it('uses the singular for exactly one and the plural otherwise', () => {
    expect(countOf(1, 'number')).toBe('1 number');
    expect(countOf(0, 'number')).toBe('0 numbers');
    expect(countOf(2, 'route')).toBe('2 routes');
    expect(countOf(1250, 'message')).toBe('1,250 messages');
    expect(countOf(1, 'entry', 'entries')).toBe('1 entry');
    expect(countOf(3, 'entry', 'entries')).toBe('3 entries');
  });
});

describe('viewerTimeZone', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('reads the zone at most once a minute, and follows a change after that', () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 10, 28, 12) });
    let systemZone = 'America/Los_Angeles';
    const real = Intl.DateTimeFormat;
    const reads = vi.spyOn(Intl, 'DateTimeFormat').mockImplementation(((...args: []) => {
      const format = new real(...args);
      const resolved = format.resolvedOptions();
      format.resolvedOptions = () => ({ ...resolved, timeZone: systemZone });
      return format;
    }) as unknown as typeof Intl.DateTimeFormat);
    vi.advanceTimersByTime(10 * 60_000); // whatever an earlier test read is a minute old
    expect(viewerTimeZone()).toBe('America/Los_Angeles');
    for (let i = 0; i < 100; i++) viewerTimeZone();
    expect(reads).toHaveBeenCalledTimes(1);
    systemZone = 'Europe/Berlin'; // the laptop travels
    vi.advanceTimersByTime(59_000);
    expect(viewerTimeZone()).toBe('America/Los_Angeles');
    vi.advanceTimersByTime(1_000);
    expect(viewerTimeZone()).toBe('Europe/Berlin');
    expect(reads).toHaveBeenCalledTimes(2);
  });
});
