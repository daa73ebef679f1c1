import { describe, expect, it, vi } from 'vitest';
import {
  type BulkAction,
  type BulkState,
  batcher,
  bulkReducer,
  failedNumbers,
  initialBulkState,
  loadSnapshot,
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

const A = '12065550101';
const B = '12065550102';
const C = '12065550103';
const D = '12065550104';

function previewState(): BulkState {
  return run([
    { type: 'start', slot: 'primary', routeId: '7' },
    { type: 'collected', numbers: [A, B, C, D], done: true },
    {
      type: 'loaded',
      results: [
        { number: A, before: '0' },
        { number: B, before: '3' },
        { number: C, before: '7' },
        { number: D, error: err(500) },
      ],
    },
  ]);
}

describe('bulk state machine', () => {
  it('moves to preview only once every number is listed and loaded', () => {
    let s = run([
      { type: 'start', slot: 'failover', routeId: '7' },
      { type: 'collected', numbers: [A, B], done: false },
      {
        type: 'loaded',
        results: [
          { number: A, before: null },
          { number: B, before: '7' },
        ],
      },
    ]);
    expect(s.phase).toBe('collecting');
    s = run([{ type: 'collected', numbers: [B, C], done: true }], s); // B listed twice: kept once
    expect(s.order).toEqual([A, B, C]);
    expect(s.phase).toBe('collecting');
    s = run([{ type: 'loaded', results: [{ number: C, before: '1' }] }], s);
    expect(s.phase).toBe('preview');
  });

  it('previews current → new and skips numbers that already have the route', () => {
    const s = previewState();
    expect(previewRows(s)).toEqual([
      { number: A, current: '0', next: '7', change: 'change' },
      { number: B, current: '3', next: '7', change: 'change' },
      { number: C, current: '7', next: '7', change: 'same' },
      { number: D, current: undefined, next: '7', change: 'error' },
    ]);
    expect(toApply(s)).toEqual([A, B]);
  });

  it('applies, records failures, retries only the failures, then reverts everything sent', () => {
    let s = previewState();
    s = run(
      [
        { type: 'apply_start', numbers: toApply(s), at: '2026-01-01T00:00:00Z' },
        { type: 'item_running', number: A, key: 'k-a1' },
        { type: 'item_running', number: B, key: 'k-b1' },
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
    expect(summarize(s)).toMatchObject({ ok: 1, failed: 1, unchanged: 1, loadFailed: 1 });

    s = run(
      [
        { type: 'apply_start', numbers: failedNumbers(s), at: 'later' },
        { type: 'item_running', number: B, key: 'k-b2' },
        { type: 'item_results', results: [{ number: B, after: '7' }] },
        { type: 'apply_done' },
      ],
      s,
    );
    expect(s.startedAt).toBe('2026-01-01T00:00:00Z');
    expect(s.items[B]).toMatchObject({ status: 'ok', attempts: 2, key: 'k-b2' });
    expect(toRevert(s)).toEqual([A, B]); // C was unchanged, D never loaded: nothing to restore

    s = run(
      [
        { type: 'revert_start', numbers: toRevert(s) },
        {
          type: 'revert_results',
          results: [
            { number: A, ok: true },
            { number: B, error: err(502) },
          ],
        },
        { type: 'revert_done' },
      ],
      s,
    );
    expect(s.phase).toBe('reverted');
    expect(toRevert(s)).toEqual([B]);
    expect(summarize(s)).toMatchObject({ reverted: 1, revertFailed: 1 });
  });

  it('also reverts numbers whose change failed (the request may have reached Flowroute)', () => {
    let s = previewState();
    s = run(
      [
        { type: 'apply_start', numbers: [A], at: 'now' },
        { type: 'item_running', number: A, key: 'k' },
        { type: 'item_results', results: [{ number: A, error: err(0) }] },
      ],
      s,
    );
    expect(toRevert(s)).toEqual([A]);
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

  it('is written only once something was sent, and restores in-flight items as failed', () => {
    const storage = memoryStorage();
    let s = previewState();
    saveSnapshot(s, storage);
    expect(storage.map.has(STORAGE_KEY)).toBe(false);
    s = run(
      [
        { type: 'apply_start', numbers: [A, B], at: 'now' },
        { type: 'item_running', number: A, key: 'k-a' },
      ],
      s,
    );
    saveSnapshot(s, storage);
    const restored = loadSnapshot(storage);
    expect(restored?.phase).toBe('done');
    expect(restored?.items[A]).toMatchObject({ status: 'failed', before: '0' });
    expect(restored?.items[B]?.status).toBe('failed');
    expect(restored && toRevert(restored)).toEqual([A]);
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
