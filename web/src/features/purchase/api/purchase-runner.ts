// The purchase queue: buys committed cart items one POST per number, a couple at a time, writing each
// step to the cart store first. It lives outside React so navigating away does not cancel a purchase,
// and a reload resumes it with the same Idempotency-Keys (the proxy replays what already happened).
import { useSyncExternalStore } from 'react';
import type { PurchaseResult } from '@/lib/flowroute/purchase';
import {
  commit,
  finishRun,
  requeue,
  rotateKey,
  setOutcome,
  stopRun,
  unfinished,
  type CartItem,
  type ItemOutcome,
} from './cart';
import { getCart, updateCart } from './cart-store';

export interface RunnerDeps {
  purchase: (number: string, idempotencyKey: string, confirmation: string | null) => Promise<PurchaseResult>;
  /** A single-use purchase confirmation token (S-13), asked for only once the proxy says it wants them. */
  confirm?: (item: CartItem) => Promise<string>;
  /** GET the number on the account: true / false / null (cannot tell). */
  isOwned?: (number: string) => Promise<boolean | null>;
  newKey: () => string;
  /** Called once per run when it ends (e.g. to refresh the account's number list). */
  onFinished?: (summary: { bought: string[] }) => void;
  concurrency?: number;
  sleep?: (ms: number) => Promise<void>;
}

interface RunnerState {
  running: boolean;
  stopping: boolean;
  /** Set while the proxy's purchase limit makes us wait: when we try again (ms since epoch) and why. */
  waiting: { until: number; reason: string } | null;
}

let state: RunnerState = { running: false, stopping: false, waiting: null };
/** Learned from the proxy's first 428: from then on each purchase asks for its confirmation token first. */
let confirmationRequired = false;
let stopReason: string | null = null;
const listeners = new Set<() => void>();

function setState(next: RunnerState): void {
  state = next;
  for (const listener of listeners) listener();
}

export function resetRunnerForTests(): void {
  confirmationRequired = false;
  stopReason = null;
  setState({ running: false, stopping: false, waiting: null });
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
const IN_FLIGHT_RETRIES = 20;
/** Network failures are retried automatically with the same key (safe: the proxy dedupes). */
const NETWORK_RETRIES = 2;
/** Waits for the proxy's per-minute purchase limit; a longer Retry-After (daily cap) ends the attempt. */
const MAX_RATE_WAIT_S = 90;
const RATE_WAITS = 20;

/** Sleeps in short slices so Stop ends a long wait quickly. */
async function waitFor(ms: number, deps: RunnerDeps): Promise<void> {
  if (deps.sleep) return deps.sleep(ms); // injected (tests): one call stands for the whole wait
  const end = Date.now() + ms;
  while (stopReason === null) {
    const left = end - Date.now();
    if (left <= 0) return;
    await defaultSleep(Math.min(left, 500));
  }
}

async function attempt(item: CartItem, deps: RunnerDeps): Promise<PurchaseResult> {
  const sleep = deps.sleep ?? defaultSleep;
  const key = item.idempotency_key;
  if (!key) throw new Error('purchase without an idempotency key');
  let inFlight = 0;
  let network = 0;
  let confirmations = 0;
  let rateWaits = 0;
  let token: string | null = null;
  for (;;) {
    if (confirmationRequired && token === null && deps.confirm) {
      confirmations += 1;
      token = await deps.confirm(item);
    }
    const result = await deps.purchase(item.number, key, token);
    token = null; // single use
    if (result.ok) return result;
    if (result.kind === 'in_flight' && inFlight < IN_FLIGHT_RETRIES) {
      inFlight += 1;
      await sleep(Math.min(500 * inFlight, 2000));
      continue;
    }
    if (result.kind === 'confirmation' && deps.confirm && confirmations < 2) {
      confirmationRequired = true;
      continue;
    }
    // The proxy's own limit: nothing was sent and the key was released, so wait and send the same request.
    if (
      result.kind === 'rate_limited' &&
      rateWaits < RATE_WAITS &&
      (result.retryAfterSeconds ?? 60) <= MAX_RATE_WAIT_S &&
      stopReason === null
    ) {
      rateWaits += 1;
      const seconds = Math.max(1, result.retryAfterSeconds ?? 60);
      setState({ ...state, waiting: { until: Date.now() + seconds * 1000, reason: result.reason } });
      await waitFor(seconds * 1000 + 250, deps);
      setState({ ...state, waiting: null });
      if (stopReason !== null) return result;
      continue;
    }
    // Only when the key was released (nothing reached Flowroute) or no answer came at all: a stored answer
    // would just be replayed.
    if (result.kind === 'network' && !result.keySpent && network < NETWORK_RETRIES) {
      network += 1;
      await sleep(600 * network);
      continue;
    }
    return result;
  }
}

function boughtAlready(): ItemOutcome {
  return { status: 'bought', at: new Date().toISOString(), warning: ALREADY_OWNED, replayed: true };
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
    key_spent: result.keySpent,
  };
}

const ALREADY_OWNED = 'It is already on your account (an earlier attempt went through).';

async function owned(number: string, deps: RunnerDeps): Promise<boolean | null> {
  if (!deps.isOwned) return null;
  try {
    return await deps.isOwned(number);
  } catch {
    return null;
  }
}

async function drain(deps: RunnerDeps): Promise<void> {
  setState({ running: true, stopping: false, waiting: null });
  stopReason = null;
  const bought: string[] = [];
  const claimed = new Set<string>();

  const worker = async () => {
    while (stopReason === null) {
      const next = getCart().items.find(
        (item) => item.outcome?.status === 'queued' && item.idempotency_key && !claimed.has(item.number),
      );
      if (!next) return;
      const number = next.number;
      claimed.add(number);
      const flying = (): ItemOutcome => ({ status: 'in_flight', started_at: new Date().toISOString() });
      updateCart((s) => setOutcome(s, number, flying()));
      let item: CartItem = next;
      if (next.outcome?.status === 'queued' && next.outcome.verify_first) {
        const mine = await owned(number, deps);
        if (mine === true) {
          updateCart((s) => setOutcome(s, number, boughtAlready()));
          bought.push(number);
          continue;
        }
        if (mine === false) {
          // The stored attempt did not buy it: this retry is a new attempt with its own key (stored first).
          const key = deps.newKey();
          updateCart((s) => setOutcome(rotateKey(s, number, key), number, flying()));
          item = { ...next, idempotency_key: key };
        }
      }
      let result: PurchaseResult;
      try {
        result = await attempt(item, deps);
      } catch (error) {
        result = {
          ok: false,
          status: 0,
          kind: 'network',
          reason: error instanceof Error ? error.message : 'Unexpected error.',
          proxyError: null,
          keySpent: false,
        };
      }
      // "Not found" or a lost answer: maybe it is ours already (an earlier attempt, a colleague).
      if (!result.ok && (result.kind === 'unavailable' || (result.kind === 'network' && result.keySpent))) {
        if ((await owned(number, deps)) === true) {
          updateCart((s) => setOutcome(s, number, boughtAlready()));
          bought.push(number);
          continue;
        }
      }
      const final = result;
      if (!final.ok && final.kind === 'rate_limited') {
        // Refused by our own limit (nothing reached Flowroute): a daily cap, or Stop pressed during a wait.
        // The rest would be refused too, so the run ends here; everything left can be retried later.
        const reason = stopReason ?? final.reason;
        stopReason ??= final.reason;
        updateCart((s) => setOutcome(s, number, { status: 'not_attempted', reason }));
        continue;
      }
      updateCart((s) => setOutcome(s, number, outcomeOf(final, new Date())));
      if (final.ok) bought.push(number);
      else if (final.kind === 'session' || final.kind === 'forbidden') stopReason ??= final.reason;
    }
  };

  try {
    await Promise.all(Array.from({ length: Math.max(1, deps.concurrency ?? 2) }, worker));
  } finally {
    const reason = stopReason;
    updateCart((s) => (reason === null ? finishRun(s) : stopRun(s, reason)));
    stopReason = null;
    setState({ running: false, stopping: false, waiting: null });
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
export function stopPurchase(reason = 'You stopped the purchase; nothing more was sent.'): void {
  if (!state.running) return;
  stopReason ??= reason;
  setState({ ...state, running: true, stopping: true });
}
