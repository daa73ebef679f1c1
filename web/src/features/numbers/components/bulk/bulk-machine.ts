// Bulk route assignment as a pure state machine: collect the numbers → load each one's current route →
// preview current → new → apply (per-number results) → retry failures → revert to the saved "before".
import type { ChangeError, RouteSlot } from '@/lib/flowroute/routes';

export type Phase = 'idle' | 'collecting' | 'preview' | 'applying' | 'done' | 'reverting' | 'reverted';

/**
 * loading → ready | unchanged | load_failed (preview); ready → queued → ok | failed (apply).
 * `unchanged` = the number already has the target route: nothing is sent for it.
 */
export type ItemStatus = 'loading' | 'ready' | 'unchanged' | 'load_failed' | 'queued' | 'ok' | 'failed';
export type RevertStatus = 'none' | 'queued' | 'ok' | 'failed';

export type ItemError = ChangeError;

export interface BulkItem {
  number: string;
  /** Route id in the slot before the change (null = slot empty); undefined until loaded. */
  before?: string | null;
  /** Label of the route that was there before (from the number's `included`). */
  beforeLabel?: string;
  /** Route id in the OTHER slot (for "failover equals primary" warnings). */
  other?: string | null;
  /** Route id the server reports after our PATCH (read back, not assumed); undefined = not read. */
  after?: string | null;
  status: ItemStatus;
  error?: ItemError;
  /** Idempotency-Key of the last change attempt (see keyForAttempt in lib/flowroute/routes). */
  key?: string;
  attempts: number;
  revert: RevertStatus;
  revertError?: ItemError;
  revertKey?: string;
}

export interface BulkState {
  phase: Phase;
  slot: RouteSlot;
  routeId: string | null;
  /** Human label of the target route (kept so a restored run still reads well). */
  routeLabel: string;
  order: string[];
  items: Record<string, BulkItem>;
  /** True once every matching number has been listed (all-matching selection). */
  collected: boolean;
  /** Set when listing the matching numbers failed. */
  collectError?: string;
  startedAt?: string;
}

export const initialBulkState: BulkState = {
  phase: 'idle',
  slot: 'primary',
  routeId: null,
  routeLabel: '',
  order: [],
  items: {},
  collected: false,
};

export type LoadResult =
  | { number: string; before: string | null; beforeLabel: string; other: string | null }
  | { number: string; error: ItemError };

/** What came of one change (or revert) attempt. */
export type ChangeResult =
  { number: string; after: string | null | undefined } | { number: string; error: ItemError };

/**
 * A number queued for sending with the Idempotency-Key of this attempt. Keys are chosen when the batch
 * is queued (and saved with the snapshot), so after a reload a request whose answer never arrived is
 * retried with the same key and the proxy replays its real outcome.
 */
export interface QueuedChange {
  number: string;
  key: string;
}

export type BulkAction =
  | { type: 'start'; slot: RouteSlot; routeId: string; routeLabel: string }
  | { type: 'collected'; numbers: string[]; done: boolean }
  | { type: 'collect_failed'; message: string }
  | { type: 'loaded'; results: LoadResult[] }
  | { type: 'apply_start'; queue: QueuedChange[]; at: string }
  | { type: 'item_results'; results: ChangeResult[] }
  | { type: 'apply_done' }
  | { type: 'revert_start'; queue: QueuedChange[] }
  | { type: 'revert_results'; results: ChangeResult[] }
  | { type: 'revert_done' }
  | { type: 'restore'; state: BulkState }
  | { type: 'reset' };

function patchItems(
  state: BulkState,
  updates: Array<[string, (item: BulkItem) => BulkItem]>,
): Record<string, BulkItem> {
  const items = { ...state.items };
  for (const [number, update] of updates) {
    const item = items[number];
    if (item) items[number] = update(item);
  }
  return items;
}

/** collecting → preview once every number is listed and loaded. */
function settle(state: BulkState): BulkState {
  if (state.phase !== 'collecting' || !state.collected) return state;
  return state.order.every((n) => state.items[n]?.status !== 'loading')
    ? { ...state, phase: 'preview' }
    : state;
}

export function bulkReducer(state: BulkState, action: BulkAction): BulkState {
  switch (action.type) {
    case 'start':
      return {
        ...initialBulkState,
        phase: 'collecting',
        slot: action.slot,
        routeId: action.routeId,
        routeLabel: action.routeLabel,
      };
    case 'collected': {
      const items = { ...state.items };
      const order = [...state.order];
      for (const number of action.numbers) {
        if (items[number]) continue;
        items[number] = { number, status: 'loading', attempts: 0, revert: 'none' };
        order.push(number);
      }
      return settle({ ...state, items, order, collected: action.done });
    }
    case 'collect_failed':
      return { ...state, collectError: action.message };
    case 'loaded':
      return settle({
        ...state,
        items: patchItems(
          state,
          action.results.map((r) => [
            r.number,
            (item): BulkItem =>
              'error' in r
                ? { ...item, status: 'load_failed', error: r.error }
                : {
                    ...item,
                    before: r.before,
                    beforeLabel: r.beforeLabel,
                    other: r.other,
                    status: r.before === state.routeId ? 'unchanged' : 'ready',
                    error: undefined,
                  },
          ]),
        ),
      });
    case 'apply_start':
      return {
        ...state,
        phase: 'applying',
        startedAt: state.startedAt ?? action.at,
        items: patchItems(
          state,
          action.queue.map((q) => [
            q.number,
            (item): BulkItem => ({ ...item, status: 'queued', key: q.key, attempts: item.attempts + 1 }),
          ]),
        ),
      };
    case 'item_results':
      return {
        ...state,
        items: patchItems(
          state,
          action.results.map((r) => [
            r.number,
            (item): BulkItem =>
              'error' in r
                ? { ...item, status: 'failed', error: r.error }
                : { ...item, status: 'ok', after: r.after, error: undefined },
          ]),
        ),
      };
    case 'apply_done':
      return { ...state, phase: 'done' };
    case 'revert_start':
      return {
        ...state,
        phase: 'reverting',
        items: patchItems(
          state,
          action.queue.map((q) => [
            q.number,
            (item): BulkItem => ({ ...item, revert: 'queued', revertKey: q.key }),
          ]),
        ),
      };
    case 'revert_results':
      return {
        ...state,
        items: patchItems(
          state,
          action.results.map((r) => [
            r.number,
            (item): BulkItem =>
              'error' in r
                ? { ...item, revert: 'failed', revertError: r.error }
                : { ...item, revert: 'ok', revertError: undefined },
          ]),
        ),
      };
    case 'revert_done':
      return { ...state, phase: 'reverted' };
    case 'restore':
      return action.state;
    case 'reset':
      return initialBulkState;
  }
}

// --- selectors -------------------------------------------------------------------------------------

export function itemsOf(state: BulkState): BulkItem[] {
  return state.order.flatMap((n) => (state.items[n] ? [state.items[n]] : []));
}

/** Numbers a fresh apply sends a change for (ready ones; unchanged/failed-to-load are skipped). */
export function toApply(state: BulkState): string[] {
  return itemsOf(state)
    .filter((i) => i.status === 'ready')
    .map((i) => i.number);
}

export function failedNumbers(state: BulkState): string[] {
  return itemsOf(state)
    .filter((i) => i.status === 'failed')
    .map((i) => i.number);
}

/**
 * Numbers a revert restores: every number we sent a change for, whether it succeeded or not (a failed
 * attempt may still have reached Flowroute, e.g. a connection reset after sending; setting the old route
 * again is harmless), minus those already reverted and those that had no route before (notRevertible).
 */
export function toRevert(state: BulkState): string[] {
  return itemsOf(state)
    .filter((i) => i.attempts > 0 && typeof i.before === 'string' && i.revert !== 'ok')
    .map((i) => i.number);
}

/**
 * Numbers that had NO route in the slot before (an empty failover). Setting a route cannot empty the
 * slot again, and removing a failover is not one of the operations the proxy allows, so a revert cannot
 * restore these; the preview says so before anything is sent.
 */
export function notRevertible(state: BulkState): string[] {
  return itemsOf(state)
    .filter((i) => i.attempts > 0 && i.before === null)
    .map((i) => i.number);
}

export interface BulkSummary {
  total: number;
  loading: number;
  ready: number;
  unchanged: number;
  loadFailed: number;
  queued: number;
  ok: number;
  failed: number;
  /** Sent (or queued) at least once. */
  sent: number;
  reverted: number;
  revertFailed: number;
  revertPending: number;
}

export function summarize(state: BulkState): BulkSummary {
  const s: BulkSummary = {
    total: state.order.length,
    loading: 0,
    ready: 0,
    unchanged: 0,
    loadFailed: 0,
    queued: 0,
    ok: 0,
    failed: 0,
    sent: 0,
    reverted: 0,
    revertFailed: 0,
    revertPending: 0,
  };
  for (const item of itemsOf(state)) {
    if (item.status === 'loading') s.loading++;
    else if (item.status === 'ready') s.ready++;
    else if (item.status === 'unchanged') s.unchanged++;
    else if (item.status === 'load_failed') s.loadFailed++;
    else if (item.status === 'queued') s.queued++;
    else if (item.status === 'ok') s.ok++;
    else if (item.status === 'failed') s.failed++;
    if (item.attempts > 0) s.sent++;
    if (item.revert === 'ok') s.reverted++;
    else if (item.revert === 'failed') s.revertFailed++;
    else if (item.revert === 'queued') s.revertPending++;
  }
  return s;
}

export type PreviewChange = 'change' | 'same' | 'unknown' | 'error';

export interface PreviewRow {
  number: string;
  current: string | null | undefined;
  next: string | null;
  change: PreviewChange;
  /** The new route equals the number's route in the other slot (failover = primary). */
  sameAsOther: boolean;
}

/** current → new per number, for the preview table. */
export function previewRow(state: BulkState, item: BulkItem): PreviewRow {
  return {
    number: item.number,
    current: item.before,
    next: state.routeId,
    change:
      item.status === 'load_failed'
        ? 'error'
        : item.before === undefined
          ? 'unknown'
          : item.before === state.routeId
            ? 'same'
            : 'change',
    sameAsOther: item.other !== undefined && item.other !== null && item.other === state.routeId,
  };
}

export function previewRows(state: BulkState): PreviewRow[] {
  return itemsOf(state).map((item) => previewRow(state, item));
}

// --- persistence (sessionStorage) -----------------------------------------------------------------

export const STORAGE_KEY = 'flowroute.bulk-route.last';

/** Saves the run once something was sent, so the "before" values survive a reload. */
export function saveSnapshot(
  state: BulkState,
  storage: Pick<Storage, 'setItem' | 'removeItem'> = sessionStorage,
): void {
  try {
    if (!itemsOf(state).some((i) => i.attempts > 0)) return;
    storage.setItem(STORAGE_KEY, JSON.stringify({ version: 1, state }));
  } catch {
    // Storage full or disabled: the run still works, it just will not survive a reload.
  }
}

export function clearSnapshot(storage: Pick<Storage, 'removeItem'> = sessionStorage): void {
  try {
    storage.removeItem(STORAGE_KEY);
  } catch {
    // ignore
  }
}

/** A saved run, with anything that was in flight at reload time marked as needing attention. */
export function loadSnapshot(storage: Pick<Storage, 'getItem'> = sessionStorage): BulkState | null {
  try {
    const raw = storage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as { version?: number; state?: BulkState };
    if (parsed.version !== 1 || !parsed.state || !Array.isArray(parsed.state.order)) return null;
    const state = parsed.state;
    // We cannot know whether a request in flight at reload reached Flowroute: a retry reuses its key,
    // so the proxy replays the real answer instead of sending it again.
    const interrupted: ItemError = {
      message: 'Interrupted by a page reload: the outcome is unknown.',
      status: 0,
      unknownOutcome: true,
    };
    const items: Record<string, BulkItem> = {};
    for (const [number, item] of Object.entries(state.items)) {
      let next = item;
      if (item.status === 'queued') next = { ...next, status: 'failed', error: interrupted };
      if (item.revert === 'queued') next = { ...next, revert: 'failed', revertError: interrupted };
      items[number] = next;
    }
    const phase: Phase =
      state.phase === 'applying' ? 'done' : state.phase === 'reverting' ? 'reverted' : state.phase;
    return { ...state, items, phase };
  } catch {
    return null;
  }
}

// --- a small worker pool ----------------------------------------------------------------------------

/** Runs `worker` over `inputs` with at most `concurrency` at a time; stops taking new ones on abort. */
export async function runPool<T>(
  inputs: readonly T[],
  concurrency: number,
  worker: (input: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(concurrency, inputs.length)) }, async () => {
    while (next < inputs.length && !signal?.aborted) {
      const input = inputs[next++] as T;
      await worker(input);
    }
  });
  await Promise.all(lanes);
}

/** Collects results and hands them over in batches, so 10,000 results are not 10,000 re-renders. */
export function batcher<R>(
  flush: (batch: R[]) => void,
  everyMs = 120,
): { push: (r: R) => void; flush: () => void } {
  let buffer: R[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const doFlush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (buffer.length === 0) return;
    const batch = buffer;
    buffer = [];
    flush(batch);
  };
  return {
    push: (r) => {
      buffer.push(r);
      timer ??= setTimeout(doFlush, everyMs);
    },
    flush: doFlush,
  };
}
