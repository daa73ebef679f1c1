import { describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api';
import { scanRouteUsage, usageByRoute, type ScanDeps, type SlotIds } from './route-usage';

function account(count: number, pageSize: number, slots: (i: number) => SlotIds) {
  const all = Array.from({ length: count }, (_, i) => String(12065550000 + i));
  const calls = { list: 0, detail: 0, peak: 0, active: 0 };
  const deps: Omit<ScanDeps, 'signal'> = {
    listPage: async (offset) => {
      calls.list++;
      const numbers = all.slice(offset, offset + pageSize);
      return { numbers, nextOffset: offset + pageSize < all.length ? offset + pageSize : null };
    },
    readSlots: async (number) => {
      calls.detail++;
      calls.active++;
      calls.peak = Math.max(calls.peak, calls.active);
      await new Promise((r) => setTimeout(r, 1));
      calls.active--;
      return slots(all.indexOf(number));
    },
  };
  return { all, calls, deps };
}

describe('scanRouteUsage', () => {
  it('reads every number across pages with bounded concurrency and groups them by route', async () => {
    const { calls, deps } = account(45, 10, (i) => ({
      primary: i % 3 === 0 ? '0' : '7',
      failover: i < 5 ? '8' : null,
    }));
    const progress: number[] = [];
    const usage = await scanRouteUsage({
      ...deps,
      signal: new AbortController().signal,
      concurrency: 4,
      onProgress: (p) => progress.push(p.scanned),
    });
    expect(calls.list).toBe(5);
    expect(calls.detail).toBe(45);
    expect(calls.peak).toBeLessThanOrEqual(4);
    expect(usage).toMatchObject({ listed: 45, complete: true, failed: [] });
    const byRoute = usageByRoute(usage.numbers);
    expect(byRoute.get('0')?.primary).toHaveLength(15);
    expect(byRoute.get('7')?.primary).toHaveLength(30);
    expect(byRoute.get('8')?.failover).toEqual([
      '12065550000',
      '12065550001',
      '12065550002',
      '12065550003',
      '12065550004',
    ]);
    expect(progress.at(-1)).toBe(45);
  });

  it('stops at the bound and says the result is incomplete', async () => {
    const { calls, deps } = account(50, 10, () => ({ primary: '0', failover: null }));
    const usage = await scanRouteUsage({ ...deps, signal: new AbortController().signal, maxNumbers: 25 });
    expect(usage.listed).toBe(25);
    expect(usage.complete).toBe(false);
    expect(calls.detail).toBe(25);
  });

  it('records numbers whose detail failed and waits out a 429', async () => {
    const { deps } = account(3, 10, () => ({ primary: '0', failover: null }));
    let limited = 0;
    const slept: number[] = [];
    let now = 1_000_000;
    const paused: Array<number | null> = [];
    const usage = await scanRouteUsage({
      ...deps,
      signal: new AbortController().signal,
      clock: { now: () => now, sleep: async (ms) => void (slept.push(ms), (now += ms)) },
      onProgress: (p) => paused.push(p.pausedUntil),
      readSlots: async (number) => {
        if (number === '12065550001')
          throw new ApiError({ kind: 'upstream_unavailable', status: 502, message: 'down' });
        // Limited 5 times in a row: the scan waits every time (nothing is marked failed for a 429).
        if (number === '12065550002' && limited < 5) {
          limited++;
          throw new ApiError({ kind: 'rate_limited', status: 429, message: 'slow', retryAfterSeconds: 2 });
        }
        return { primary: '0', failover: null };
      },
    });
    expect(usage.failed).toEqual(['12065550001']);
    expect(Object.keys(usage.numbers)).toEqual(['12065550000', '12065550002']);
    expect(slept).toEqual([2000, 2000, 2000, 2000, 2000]);
    expect(paused).toContain(1_002_000);
  });

  it('is cancelled by its signal', async () => {
    const { deps } = account(100, 10, () => ({ primary: '0', failover: null }));
    const controller = new AbortController();
    let seen = 0;
    const run = scanRouteUsage({
      ...deps,
      signal: controller.signal,
      readSlots: async () => {
        if (++seen === 5) controller.abort();
        return { primary: '0', failover: null };
      },
    });
    await expect(run).rejects.toThrow();
    expect(seen).toBeLessThan(20);
  });
});
