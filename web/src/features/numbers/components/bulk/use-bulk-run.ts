// Drives the bulk state machine against the API: list the matching numbers, read each one's current
// route (details, limited concurrency), apply (≤ 4 at once), retry failures, revert to the "before" values —
// applying and reverting are one loop (`run`) with a mode.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import {
  fetchNumbers,
  invalidateNumbers,
  numberQueries,
  routeOf,
  type NumberDetail,
} from '@/lib/flowroute/numbers';
import {
  MAX_PAGE,
  RateGate,
  changeError,
  keyForAttempt,
  nextOffset,
  patchRouteUsage,
  routeLabel,
  setNumberRoute,
  slotRelationship,
  type RouteSlot,
} from '@/lib/flowroute/routes';
import {
  batcher,
  bulkReducer,
  clearSnapshot,
  initialBulkState,
  loadSnapshot,
  runPool,
  saveSnapshot,
  type BulkAction,
  type BulkState,
  type ChangeResult,
  type LoadResult,
} from './bulk-machine';

export type BulkSelection = { mode: 'some'; numbers: string[] } | { mode: 'all-matching' };
export type BulkFilters = { starts_with?: string; contains?: string; ends_with?: string };

/** Reading current routes: details through the shared cache/limiter. */
export const LOAD_CONCURRENCY = 6;
/** Changes sent at once. */
export const APPLY_CONCURRENCY = 4;

type RunMode = 'apply' | 'revert';
/** A change to send: `target` is the route to set (the chosen one, or the saved "before" one on revert). */
type Queued = { number: string; target: string; key: string };

/** How the two phases report to the state machine (the loop itself is shared: `run` in useBulkRun). */
const PHASES: Record<
  RunMode,
  { results: (results: ChangeResult[]) => BulkAction; done: BulkAction; mismatch: string }
> = {
  apply: {
    results: (results) => ({ type: 'item_results', results }),
    done: { type: 'apply_done' },
    mismatch: 'still reports route',
  },
  revert: {
    results: (results) => ({ type: 'revert_results', results }),
    done: { type: 'revert_done' },
    mismatch: 'reports route',
  },
};

function otherSlot(slot: RouteSlot): RouteSlot {
  return slot === 'primary' ? 'failover' : 'primary';
}

export function useBulkRun() {
  const queryClient = useQueryClient();
  const [state, dispatch] = useReducer(bulkReducer, undefined, () => loadSnapshot() ?? initialBulkState);
  const stateRef = useRef<BulkState>(state);
  const abortRef = useRef<AbortController | null>(null);

  useEffect(() => {
    stateRef.current = state;
  }, [state]);
  // Persist the "before" values and results whenever a phase starts or ends (not on every batch).
  useEffect(() => {
    saveSnapshot(stateRef.current);
  }, [state.phase]);

  useEffect(() => () => abortRef.current?.abort(), []);

  // The proxy limits reads and route changes per user per minute (429 + Retry-After, nothing sent to
  // Flowroute): all lanes pause together and continue, instead of failing numbers. Separate budgets.
  const [pausedUntil, setPausedUntil] = useState<number | null>(null);
  const gates = useMemo(
    () => ({ reads: new RateGate(setPausedUntil), changes: new RateGate(setPausedUntil) }),
    [],
  );

  const readDetail = useCallback(
    (number: string, signal?: AbortSignal) =>
      gates.reads.run(
        () => queryClient.fetchQuery({ ...numberQueries.detail(number), staleTime: 0 }),
        signal,
      ),
    [queryClient, gates],
  );
  const change = useCallback(
    (number: string, slot: RouteSlot, routeId: string, key: string, signal: AbortSignal) =>
      gates.changes.run(() => setNumberRoute(number, slot, routeId, key, signal), signal),
    [gates],
  );

  const start = useCallback(
    async (
      selection: BulkSelection,
      filters: BulkFilters,
      slot: RouteSlot,
      routeId: string,
      label: string,
    ) => {
      abortRef.current?.abort();
      const controller = new AbortController();
      abortRef.current = controller;
      clearSnapshot();
      dispatch({ type: 'start', slot, routeId, routeLabel: label });

      const loads = batcher<LoadResult>((results) => dispatch({ type: 'loaded', results }));
      const load = (numbers: string[]) =>
        runPool(
          numbers,
          LOAD_CONCURRENCY,
          async (number) => {
            try {
              const detail: NumberDetail = await readDetail(number, controller.signal);
              const current = routeOf(detail, slotRelationship(slot));
              loads.push({
                number,
                before: current.id,
                beforeLabel: current.id === null ? 'None' : routeLabel(current.route, current.id),
                other: routeOf(detail, slotRelationship(otherSlot(slot))).id,
              });
            } catch (error) {
              if (!controller.signal.aborted) loads.push({ number, error: changeError(error) });
            }
          },
          controller.signal,
        );

      try {
        if (selection.mode === 'some') {
          dispatch({ type: 'collected', numbers: selection.numbers, done: true });
          await load(selection.numbers);
        } else {
          // Every number matching the list's filters, page by page (200 each), reading details as we go.
          let offset: number | null = 0;
          const pending: Promise<void>[] = [];
          while (offset !== null && !controller.signal.aborted) {
            const from: number = offset;
            const page = await gates.reads.run(
              () => fetchNumbers({ ...filters, limit: MAX_PAGE, offset: from }, controller.signal),
              controller.signal,
            );
            const numbers = page.data.map((n) => n.id);
            offset = page.data.length > 0 ? nextOffset(page.links) : null;
            dispatch({ type: 'collected', numbers, done: offset === null });
            pending.push(load(numbers));
          }
          await Promise.all(pending);
        }
      } catch (error) {
        if (!controller.signal.aborted)
          dispatch({ type: 'collect_failed', message: changeError(error).message });
      } finally {
        loads.flush();
      }
    },
    [readDetail, gates],
  );

  /**
   * One loop for both phases: sends the queued changes (≤ 4 at once), reads each number back to record what
   * Flowroute now reports, and marks whatever a stop left unsent. `apply` sets the chosen route on `numbers`
   * (all ready ones, or the failed ones on retry); `revert` puts each one's saved "before" route back.
   */
  const run = useCallback(
    async (mode: RunMode, numbers: string[]) => {
      const current = stateRef.current;
      const { slot, routeId } = current;
      const queue = numbers.flatMap((number): Queued[] => {
        const item = current.items[number];
        if (mode === 'apply') {
          if (!routeId) return [];
          return [{ number, target: routeId, key: keyForAttempt(item?.status === 'failed' ? item : {}) }];
        }
        if (!item || typeof item.before !== 'string') return [];
        const previous = item.revert === 'failed' ? { key: item.revertKey, error: item.revertError } : {};
        return [{ number, target: item.before, key: keyForAttempt(previous) }];
      });
      if (queue.length === 0) return;
      const controller = new AbortController();
      abortRef.current = controller;
      const steps = PHASES[mode];
      const started = queue.map(({ number, key }) => ({ number, key }));
      dispatch(
        mode === 'apply'
          ? { type: 'apply_start', queue: started, at: new Date().toISOString() }
          : { type: 'revert_start', queue: started },
      );
      const finished = new Set<string>();
      const results = batcher<ChangeResult>((batch) => {
        for (const r of batch) finished.add(r.number);
        dispatch(steps.results(batch));
        patchRouteUsage(
          queryClient,
          batch.flatMap((r) =>
            'after' in r && r.after !== undefined ? [{ number: r.number, slot, routeId: r.after }] : [],
          ),
        );
      });
      await runPool(
        queue,
        APPLY_CONCURRENCY,
        async ({ number, target, key }) => {
          try {
            await change(number, slot, target, key, controller.signal);
          } catch (error) {
            results.push({ number, error: changeError(error) });
            return;
          }
          // Flowroute said 204: read the number back and record what it reports.
          try {
            const after = routeOf(await readDetail(number, controller.signal), slotRelationship(slot)).id;
            results.push(
              after === target
                ? { number, after }
                : {
                    number,
                    error: {
                      message: `Flowroute answered 204 but ${steps.mismatch} ${after ?? 'none'}.`,
                      status: 204,
                      unknownOutcome: false,
                    },
                  },
            );
          } catch {
            results.push({ number, after: undefined });
          }
        },
        controller.signal,
      );
      results.flush();
      // Anything still queued was stopped before it was sent.
      const stopped = queue.filter((q) => !finished.has(q.number));
      if (stopped.length > 0) {
        dispatch(
          steps.results(
            stopped.map((q) => ({
              number: q.number,
              error: { message: 'Stopped before it was sent.', status: 0, unknownOutcome: false },
            })),
          ),
        );
      }
      void invalidateNumbers(queryClient);
      dispatch(steps.done);
    },
    [queryClient, readDetail, change],
  );

  /** Sends the change for `numbers` (all ready ones, or the failed ones on retry). */
  const apply = useCallback((numbers: string[]) => run('apply', numbers), [run]);
  /** Puts the saved "before" route back on `numbers`. */
  const revert = useCallback((numbers: string[]) => run('revert', numbers), [run]);

  const stop = useCallback(() => abortRef.current?.abort(), []);

  /** Forget the run (and its saved "before" values). */
  const reset = useCallback(() => {
    abortRef.current?.abort();
    clearSnapshot();
    dispatch({ type: 'reset' });
  }, []);

  return { state, pausedUntil, start, apply, revert, stop, reset };
}
