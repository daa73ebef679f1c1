import { describe, expect, it, vi } from 'vitest';
import {
  type BulkAction,
  type BulkState,
  batcher,
  bulkReducer,
  failedNumbers,
  initialBulkState,
  loadSnapshot,
  notRevertible,
  previewRows,
  runPool,
  saveSnapshot,
  STORAGE_KEY,
  summarize,
  toApply,
  toRevert,
} from './bulk-machine';

const run = (actions: BulkAction[], from: BulkState = initialBulkState) => actions.reduce(bulkReducer, from);
const err = (status: number) => ({
  message: `HTTP ${status}`,
  status,
  unknownOutcome: status === 0 || status === 409,
});
const loaded = (number: string, before: string | null, other: string | null = null) => ({
  number,
  before,
  beforeLabel: `route ${before}`,
  other,
});
const q = (numbers: string[], tag: string) => numbers.map((number) => ({ number, key: `${tag}-${number}` }));

const A = '12065550101';
const B = '12065550102';
const C = '12065550103';
const D = '12065550104';

function previewState(slot: 'primary' | 'failover' = 'primary'): BulkState {
  return run([
    { type: 'start', slot, routeId: '7', routeLabel: 'PBX' },
    { type: 'collected', numbers: [A, B, C, D], done: true },
    {
      type: 'loaded',
      results: [loaded(A, '0', '9'), loaded(B, '3', '7'), loaded(C, '7'), { number: D, error: err(500) }],
    },
  ]);
}

describe('bulk state machine', () => {
  it('moves to preview only once every number is listed and loaded', () => {
    let s = run([
      { type: 'start', slot: 'failover', routeId: '7', routeLabel: 'PBX' },
      { type: 'collected', numbers: [A, B], done: false },
      { type: 'loaded', results: [loaded(A, null), loaded(B, '7')] },
    ]);
    expect(s.phase).toBe('collecting');
    s = run([{ type: 'collected', numbers: [B, C], done: true }], s); // B listed twice: kept once
    expect(s.order).toEqual([A, B, C]);
    expect(s.phase).toBe('collecting');
    s = run([{ type: 'loaded', results: [loaded(C, '1')] }], s);
    expect(s.phase).toBe('preview');
  });

  it('previews current → new, flags "same as the other slot", and skips numbers that already have the route', () => {
    const s = previewState();
    expect(previewRows(s)).toEqual([
      { number: A, current: '0', next: '7', change: 'change', sameAsOther: false },
      { number: B, current: '3', next: '7', change: 'change', sameAsOther: true },
      { number: C, current: '7', next: '7', change: 'same', sameAsOther: false },
      { number: D, current: undefined, next: '7', change: 'error', sameAsOther: false },
    ]);
    expect(toApply(s)).toEqual([A, B]);
    expect(summarize(s)).toMatchObject({ total: 4, ready: 2, unchanged: 1, loadFailed: 1, sent: 0 });
  });

  it('applies, records failures, retries only the failures, then reverts everything sent', () => {
    let s = previewState();
    s = run(
      [
        { type: 'apply_start', queue: q(toApply(s), 'k1'), at: '2026-01-01T00:00:00Z' },
        {
          type: 'item_results',
          results: [
            { number: A, after: '7' },
            { number: B, error: err(500) },
          ],
        },
        { type: 'apply_done' },
      ],
      s,
    );
    expect(s.phase).toBe('done');
    expect(failedNumbers(s)).toEqual([B]);
    expect(summarize(s)).toMatchObject({ ok: 1, failed: 1, unchanged: 1, loadFailed: 1, sent: 2 });

    s = run(
      [
        { type: 'apply_start', queue: q(failedNumbers(s), 'k2'), at: 'later' },
        { type: 'item_results', results: [{ number: B, after: '7' }] },
        { type: 'apply_done' },
      ],
      s,
    );
    expect(s.startedAt).toBe('2026-01-01T00:00:00Z');
    expect(s.items[A]).toMatchObject({ status: 'ok', attempts: 1, key: `k1-${A}` });
    expect(s.items[B]).toMatchObject({ status: 'ok', attempts: 2, key: `k2-${B}`, after: '7' });
    expect(toRevert(s)).toEqual([A, B]); // C was unchanged, D never loaded: nothing to restore

    s = run(
      [
        { type: 'revert_start', queue: q(toRevert(s), 'r1') },
        {
          type: 'revert_results',
          results: [
            { number: A, after: '0' },
            { number: B, error: err(502) },
          ],
        },
        { type: 'revert_done' },
      ],
      s,
    );
    expect(s.phase).toBe('reverted');
    expect(toRevert(s)).toEqual([B]);
    expect(s.items[B]?.revertKey).toBe(`r1-${B}`);
    expect(summarize(s)).toMatchObject({ reverted: 1, revertFailed: 1 });
  });

  it('also reverts numbers whose change failed (the request may have reached Flowroute)', () => {
    let s = previewState();
    s = run(
      [
        { type: 'apply_start', queue: q([A], 'k'), at: 'now' },
        { type: 'item_results', results: [{ number: A, error: err(0) }] },
      ],
      s,
    );
    expect(toRevert(s)).toEqual([A]);
  });

  it('cannot revert numbers that had no failover before, and says so', () => {
    let s = run([
      { type: 'start', slot: 'failover', routeId: '7', routeLabel: 'PBX' },
      { type: 'collected', numbers: [A, B], done: true },
      { type: 'loaded', results: [loaded(A, null, '0'), loaded(B, '3', '0')] },
    ]);
    s = run(
      [
        { type: 'apply_start', queue: q(toApply(s), 'k'), at: 'now' },
        {
          type: 'item_results',
          results: [
            { number: A, after: '7' },
            { number: B, after: '7' },
          ],
        },
      ],
      s,
    );
    expect(toRevert(s)).toEqual([B]);
    expect(notRevertible(s)).toEqual([A]);
  });
});

describe('snapshot in sessionStorage', () => {
  function memoryStorage() {
    const map = new Map<string, string>();
    return {
      getItem: (k: string) => map.get(k) ?? null,
      setItem: (k: string, v: string) => void map.set(k, v),
      removeItem: (k: string) => void map.delete(k),
      map,
    };
  }

  it('is written once something was queued, and restores in-flight items as unknown-outcome failures with their key', () => {
    const storage = memoryStorage();
    let s = previewState();
    saveSnapshot(s, storage);
    expect(storage.map.has(STORAGE_KEY)).toBe(false);
    s = run(
      [
        { type: 'apply_start', queue: q([A, B], 'k'), at: 'now' },
        { type: 'item_results', results: [{ number: A, after: '7' }] },
      ],
      s,
    );
    saveSnapshot(s, storage);
    const restored = loadSnapshot(storage);
    expect(restored?.phase).toBe('done');
    expect(restored?.routeLabel).toBe('PBX');
    expect(restored?.items[A]).toMatchObject({ status: 'ok', before: '0' });
    expect(restored?.items[B]).toMatchObject({
      status: 'failed',
      key: `k-${B}`,
      error: { unknownOutcome: true },
    });
    expect(restored && toRevert(restored)).toEqual([A, B]);
  });

  it('ignores garbage', () => {
    const storage = memoryStorage();
    storage.setItem(STORAGE_KEY, '{not json');
    expect(loadSnapshot(storage)).toBeNull();
    storage.setItem(STORAGE_KEY, JSON.stringify({ version: 99 }));
    expect(loadSnapshot(storage)).toBeNull();
  });
});

describe('runPool', () => {
  it('never runs more than the limit at once and processes every input', async () => {
    let active = 0;
    let peak = 0;
    const seen: number[] = [];
    await runPool(
      Array.from({ length: 20 }, (_, i) => i),
      4,
      async (i) => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 1 + (i % 3)));
        seen.push(i);
        active--;
      },
    );
    expect(peak).toBe(4);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('stops taking work after abort', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    await runPool(
      [1, 2, 3, 4, 5],
      1,
      async (i) => {
        seen.push(i);
        if (i === 2) controller.abort();
      },
      controller.signal,
    );
    expect(seen).toEqual([1, 2]);
  });
});

describe('batcher', () => {
  it('flushes in batches', () => {
    vi.useFakeTimers();
    const batches: number[][] = [];
    const b = batcher<number>((batch) => batches.push(batch), 100);
    b.push(1);
    b.push(2);
    vi.advanceTimersByTime(100);
    b.push(3);
    b.flush();
    expect(batches).toEqual([[1, 2], [3]]);
    vi.useRealTimers();
  });
});
