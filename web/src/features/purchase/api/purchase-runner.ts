// The purchase queue: buys committed cart items one POST per number, a couple at a time, writing each
// step to the cart store first. It lives outside React so navigating away does not cancel a purchase,
// and a reload resumes it with the same Idempotency-Keys (the proxy replays what already happened).
import { useSyncExternalStore } from 'react';
import type { PurchaseResult } from '@/lib/flowroute/purchase';
import {
  commit,
  finishRun,
  requeue,
  setOutcome,
  stopRun,
  unfinished,
  type CartItem,
  type ItemOutcome,
} from './cart';
import { getCart, updateCart } from './cart-store';

export interface RunnerDeps {
  purchase: (number: string, idempotencyKey: string) => Promise<PurchaseResult>;
  newKey: () => string;
  /** Called once per run when it ends (e.g. to refresh the account's number list). */
  onFinished?: (summary: { bought: string[] }) => void;
  concurrency?: number;
  sleep?: (ms: number) => Promise<void>;
}

interface RunnerState {
  running: boolean;
  stopping: boolean;
}

let state: RunnerState = { running: false, stopping: false };
let stopReason: string | null = null;
const listeners = new Set<() => void>();

function setState(next: RunnerState): void {
  state = next;
  for (const listener of listeners) listener();
}

export function getRunnerState(): RunnerState {
  return state;
}

export function useRunnerState(): RunnerState {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getRunnerState,
    getRunnerState,
  );
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How often to ask again while the proxy says the same key is still being processed (409). */
const IN_FLIGHT_RETRIES = 10;
/** Network failures are retried automatically with the same key (safe: the proxy dedupes). */
const NETWORK_RETRIES = 2;

async function attempt(item: CartItem, deps: RunnerDeps): Promise<PurchaseResult> {
  const sleep = deps.sleep ?? defaultSleep;
  const key = item.idempotency_key;
  if (!key) throw new Error('purchase without an idempotency key');
  let inFlight = 0;
  let network = 0;
  for (;;) {
    const result = await deps.purchase(item.number, key);
    if (result.ok) return result;
    if (result.kind === 'in_flight' && inFlight < IN_FLIGHT_RETRIES) {
      inFlight += 1;
      await sleep(Math.min(500 * inFlight, 2000));
      continue;
    }
    if (result.kind === 'network' && network < NETWORK_RETRIES) {
      network += 1;
      await sleep(600 * network);
      continue;
    }
    return result;
  }
}

function outcomeOf(result: PurchaseResult, now: Date): ItemOutcome {
  if (result.ok) {
    return { status: 'bought', at: now.toISOString(), warning: result.warning, replayed: result.replayed };
  }
  return {
    status: 'failed',
    at: now.toISOString(),
    reason: result.reason,
    http_status: result.status,
    unavailable: result.kind === 'unavailable',
  };
}

async function drain(deps: RunnerDeps): Promise<void> {
  setState({ running: true, stopping: false });
  stopReason = null;
  const bought: string[] = [];
  const claimed = new Set<string>();

  const worker = async () => {
    while (stopReason === null) {
      const next = getCart().items.find(
        (item) => item.outcome?.status === 'queued' && item.idempotency_key && !claimed.has(item.number),
      );
      if (!next) return;
      claimed.add(next.number);
      updateCart((s) =>
        setOutcome(s, next.number, { status: 'in_flight', started_at: new Date().toISOString() }),
      );
      let result: PurchaseResult;
      try {
        result = await attempt(next, deps);
      } catch (error) {
        result = {
          ok: false,
          status: 0,
          kind: 'network',
          reason: error instanceof Error ? error.message : 'Unexpected error.',
          proxyError: null,
        };
      }
      updateCart((s) => setOutcome(s, next.number, outcomeOf(result, new Date())));
      if (result.ok) bought.push(next.number);
      else if (result.kind === 'session' || result.kind === 'forbidden') stopReason ??= result.reason;
    }
  };

  try {
    await Promise.all(Array.from({ length: Math.max(1, deps.concurrency ?? 2) }, worker));
  } finally {
    const reason = stopReason;
    updateCart((s) => (reason === null ? finishRun(s) : stopRun(s, reason)));
    stopReason = null;
    setState({ running: false, stopping: false });
    deps.onFinished?.({ bought });
  }
}

/**
 * The user confirmed: commit these numbers (keys created now, stored with each item) and buy them.
 * Returns false when a run is already going (double click, second confirm): nothing is sent twice.
 */
export function startPurchase(numbers: readonly string[], deps: RunnerDeps): boolean {
  if (state.running) return false;
  updateCart((s) => commit(s, numbers, deps.newKey, deps.newKey()));
  void drain(deps);
  return true;
}

/** Retry some items of the current run (failed / not attempted) with their existing keys. */
export function retryPurchase(numbers: readonly string[], deps: RunnerDeps): boolean {
  if (state.running || numbers.length === 0) return false;
  updateCart((s) => requeue(s, numbers, deps.newKey, deps.newKey()));
  void drain(deps);
  return true;
}

/** After a reload: committed items that never got an answer are sent again with the same keys. */
export function resumePurchase(deps: RunnerDeps): boolean {
  if (state.running) return false;
  const todo = unfinished(getCart()).map((item) => item.number);
  if (todo.length === 0) return false;
  return retryPurchase(todo, deps);
}

/** Stop starting new purchases; those already sent finish (their outcome is recorded). */
export function stopPurchase(reason = 'Stopped before it was sent.'): void {
  if (!state.running) return;
  stopReason ??= reason;
  setState({ running: true, stopping: true });
}
