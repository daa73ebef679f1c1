import { describe, expect, it } from 'vitest';
import { filterDigits, formatNanp, isNanp11, parseNanp, toE164 } from './phone';

describe('parseNanp', () => {
  it.each([
    ['(206) 555-0100', '12065550100'],
    ['206-555-0100', '12065550100'],
    ['206.555.0100', '12065550100'],
    ['2065550100', '12065550100'],
    ['12065550100', '12065550100'],
    ['1 206 555 0100', '12065550100'],
    ['+1 206 555 0100', '12065550100'],
    ['+1 (206) 555-0100', '12065550100'],
    ['+12065550100', '12065550100'],
    ['  206 555 0100  ', '12065550100'],
    ['1-800-555-0199', '18005550199'],
  ])('reads %j as %s', (input, digits) => {
    expect(parseNanp(input)).toEqual({ ok: true, digits });
  });

  it.each([
    ['', /Enter a phone number/],
    ['   ', /Enter a phone number/],
    ['206-555-010', /Too short/],
    ['555-0100', /Too short/],
    ['206555010000', /Too long/],
    ['+44 20 7946 0958', /Only North American/],
    ['22065550100', /Too long/],
    ['(106) 555-0100', /area code cannot start with 0 or 1/],
    ['(206) 155-0100', /exchange/],
    ['206-555-01OO', /digits only/],
    ['call 2065550100', /digits only/],
    ['1+2065550100', /A \+ may only come first/],
    ['++12065550100', /A \+ may only come first/],
  ])('refuses %j', (input, message) => {
    const r = parseNanp(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });
});

describe('formatNanp', () => {
  it('shows numbers the way people read them', () => {
    expect(formatNanp('12065550100')).toBe('+1 206-555-0100');
    expect(formatNanp('2065550100')).toBe('+1 206-555-0100');
    expect(formatNanp(12065550100)).toBe('+1 206-555-0100');
  });
  it('leaves anything else alone', () => {
    expect(formatNanp('44207946095')).toBe('44207946095');
    expect(formatNanp('abc')).toBe('abc');
    expect(formatNanp('')).toBe('');
    expect(formatNanp(null)).toBe('');
  });
});

describe('isNanp11 / toE164', () => {
  it('accepts only Flowroute’s 11-digit form', () => {
    expect(isNanp11('12065550100')).toBe(true);
    expect(isNanp11('2065550100')).toBe(false);
    expect(isNanp11('+12065550100')).toBe(false);
    expect(isNanp11('11065550100')).toBe(false);
    expect(isNanp11('12061550100')).toBe(false);
  });
  it('builds E.164', () => expect(toE164('12065550100')).toBe('+12065550100'));
});

describe('filterDigits', () => {
  it.each([
    ['206', 'starts_with', '206'],
    ['(206) 55', 'starts_with', '20655'],
    ['+1 206', 'starts_with', '206'],
    ['1 206', 'starts_with', '206'],
    ['+1 206', 'contains', '1206'],
    ['555-01', 'contains', '55501'],
    ['-0100', 'ends_with', '0100'],
    ['', 'contains', ''],
  ] as const)('%j as %s → %j', (input, kind, digits) => {
    expect(filterDigits(input, kind)).toBe(digits);
  });
});
