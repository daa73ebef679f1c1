// Pure pieces: seed determinism, date parsing, pricing/formatting, send windows, fault matching.
import { describe, expect, it } from 'vitest';
import { Faults } from './faults';
import { parseMdrDate } from './handlers/messages';
import { amountDisplay, mdrTimestamp, priceNanodollars } from './mdr';
import { buildSeed } from './seed';
import { EmulatorState } from './store';

describe('seed', () => {
  it('is the same on every build (times relative to now)', () => {
    const a = buildSeed('default', Date.UTC(2026, 0, 1));
    const b = buildSeed('default', Date.UTC(2026, 5, 1));
    expect(a.numbers).toEqual(b.numbers);
    expect(a.routes).toEqual(b.routes);
    expect(a.mdrs.map((m) => m.id)).toEqual(b.mdrs.map((m) => m.id));
    expect(a.mdrs.map((m) => m.ts - Date.UTC(2026, 0, 1))).toEqual(
      b.mdrs.map((m) => m.ts - Date.UTC(2026, 5, 1)),
    );
    expect(Array.from(a.inventory.numbers)).toEqual(Array.from(b.inventory.numbers));
  });

  it('keeps account numbers out of the inventory and MDRs sorted within the last 60 days', () => {
    const now = Date.UTC(2026, 0, 1);
    const s = buildSeed('default', now);
    for (const n of s.numbers) expect(s.inventory.indexOf(n.value)).toBe(-1);
    for (let i = 1; i < s.mdrs.length; i++) expect(s.mdrs[i]!.ts).toBeGreaterThanOrEqual(s.mdrs[i - 1]!.ts);
    expect(s.mdrs[0]!.ts).toBeGreaterThan(now - 60 * 86_400_000 - 60_000);
    expect(s.mdrs.at(-1)!.ts).toBeLessThan(now);
    expect(s.routes[0]).toEqual({ id: '0', alias: 'sip-reg', routeType: 'sip-reg', value: null });
  });
});

describe('parseMdrDate', () => {
  it.each([
    ['2026-03-01', Date.UTC(2026, 2, 1)],
    ['2026-03-01T10:20:30Z', Date.UTC(2026, 2, 1, 10, 20, 30)],
    ['2026-03-01T10:20:30.45Z', Date.UTC(2026, 2, 1, 10, 20, 30, 450)],
    ['2026-03-01T10:20:30.123456Z', Date.UTC(2026, 2, 1, 10, 20, 30, 123)],
    ['2026-03-01T10:20:30+00:00', Date.UTC(2026, 2, 1, 10, 20, 30)],
    ['2026-03-01T10:20:30 00:00', Date.UTC(2026, 2, 1, 10, 20, 30)],
    ['2026-03-01T02:20:30-08:00', Date.UTC(2026, 2, 1, 10, 20, 30)],
    ['2026-03-01T10:20', Date.UTC(2026, 2, 1, 10, 20)],
    ['2026-03-01 10:20:30', Date.UTC(2026, 2, 1, 10, 20, 30)],
  ])('%s', (raw, want) => {
    expect(parseMdrDate(raw)).toBe(want);
  });

  it.each(['2026-02-30', '2026-13-01', '2026-3-1', '03/01/2026', '2026-03-01T25:00:00Z', 'now', ''])(
    'rejects %s',
    (raw) => {
      expect(parseMdrDate(raw)).toBeNull();
    },
  );
});

describe('pricing and formats', () => {
  it('prices by Flowroute segments', () => {
    expect(priceNanodollars('hi', false)).toEqual({ amount: 4_000_000, encoding: 0 });
    expect(priceNanodollars('x'.repeat(300), false)).toEqual({ amount: 12_000_000, encoding: 0 });
    expect(priceNanodollars('👍', false)).toEqual({ amount: 4_000_000, encoding: 8 });
    expect(priceNanodollars('', true)).toEqual({ amount: 9_500_000, encoding: 0 });
  });

  it('formats amounts and timestamps like Flowroute', () => {
    expect(amountDisplay(4_000_000)).toBe('$0.0040');
    expect(amountDisplay(9_500_000)).toBe('$0.0095');
    expect(amountDisplay(12_000_000)).toBe('$0.0120');
    expect(mdrTimestamp(Date.UTC(2017, 11, 22, 1, 52, 39, 390))).toBe('2017-12-22T01:52:39.39Z');
  });
});

describe('send windows', () => {
  it('5 SMS and 1 MMS per sliding second per credential', () => {
    const state = new EmulatorState({ seed: 'default', now: () => 0 });
    const t = 1_000_000;
    for (let i = 0; i < 5; i++) expect(state.takeSendSlot('a', false, t + i)).toBe(0);
    expect(state.takeSendSlot('a', false, t + 10)).toBe(1);
    expect(state.takeSendSlot('b', false, t + 10)).toBe(0);
    expect(state.takeSendSlot('a', true, t + 10)).toBe(0);
    expect(state.takeSendSlot('a', true, t + 500)).toBe(1);
    expect(state.takeSendSlot('a', false, t + 1_000)).toBe(0);
    expect(state.takeSendSlot('a', true, t + 1_010)).toBe(0);
  });
});

describe('Faults', () => {
  it('matches method and path, counts down times', () => {
    const faults = new Faults();
    faults.add({ method: 'post', path: '^/v2/numbers/\\d+$', fault: 'status', times: 2 });
    expect(faults.take('GET', '/v2/numbers/12065550100')).toBeUndefined();
    expect(faults.take('POST', '/v2/numbers/12065550100')?.fault).toBe('status');
    expect(faults.take('POST', '/v2/numbers/12065550100')?.fault).toBe('status');
    expect(faults.take('POST', '/v2/numbers/12065550100')).toBeUndefined();
    expect(faults.active()).toEqual([]);
  });
});
