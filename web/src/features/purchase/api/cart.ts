// The cart as plain data and pure functions (no React, no storage): what is in it, what it costs, what a
// purchase run has done to each item. The store (cart-store.ts) persists this; tests exercise it directly.
import { parseUsdInput, toCents } from './money';

/** Where a committed cart item stands. Absent = still just "in the cart". */
export type ItemOutcome =
  | {
      status: 'queued';
      /**
       * Retrying an answer the proxy has stored for this key would only replay it: first check whether the
       * number is on the account already, and only if not, send again under a fresh key.
       */
      verify_first?: boolean;
    }
  | { status: 'in_flight'; started_at: string }
  | { status: 'bought'; at: string; warning: string | null; replayed: boolean }
  | {
      status: 'failed';
      at: string;
      reason: string;
      http_status: number;
      /** The number is gone from the inventory: retrying cannot help, drop it. */
      unavailable: boolean;
      /** The proxy stored this answer under the item's key (see PurchaseResult.keySpent). */
      key_spent: boolean;
    }
  | { status: 'not_attempted'; reason: string };

export interface CartItem {
  /** 11-digit NANP, as Flowroute sends it. */
  number: string;
  number_type: string;
  state: string;
  rate_center: string;
  setup_cents: number;
  monthly_cents: number;
  added_at: string;
  /**
   * Created when the user commits (confirms the purchase) and kept with the item: double clicks,
   * retries and reloads all send this same key, so the proxy buys the number at most once.
   */
  idempotency_key?: string;
  outcome?: ItemOutcome;
  /** Set when a fresh availability check found other costs than when the number was added. */
  price_changed_from?: { setup_cents: number; monthly_cents: number };
}

export interface PurchaseRun {
  id: string;
  started_at: string;
  finished_at?: string;
  /** The numbers this run set out to buy, in order (the results list). */
  numbers: string[];
  /** Why the run stopped early, when it did (session ended, role, user pressed Stop). */
  stopped_reason?: string;
}

export interface CartState {
  version: 1;
  items: CartItem[];
  run?: PurchaseRun;
}

export const EMPTY_CART: CartState = { version: 1, items: [] };

/** What a search result row carries (see AvailableNumber in lib/flowroute/purchase.ts). */
export interface CartCandidate {
  number: string;
  number_type: string;
  state: string;
  rate_center: string;
  setup_cost: number | string;
  monthly_cost: number | string;
}

export function isBought(item: CartItem): boolean {
  return item.outcome?.status === 'bought';
}

export function isBusy(item: CartItem): boolean {
  return item.outcome?.status === 'in_flight' || item.outcome?.status === 'queued';
}

/** Items still to buy (everything not bought yet). */
export function pendingItems(state: CartState): CartItem[] {
  return state.items.filter((item) => !isBought(item));
}

export function inCart(state: CartState, number: string): boolean {
  return state.items.some((item) => item.number === number && !isBought(item));
}

export function addItems(state: CartState, candidates: CartCandidate[], now: Date = new Date()): CartState {
  const known = new Set(state.items.map((item) => item.number));
  const added: CartItem[] = [];
  for (const c of candidates) {
    if (known.has(c.number)) continue;
    known.add(c.number);
    added.push({
      number: c.number,
      number_type: c.number_type,
      state: c.state,
      rate_center: c.rate_center,
      setup_cents: toCents(c.setup_cost),
      monthly_cents: toCents(c.monthly_cost),
      added_at: now.toISOString(),
    });
  }
  return added.length ? { ...state, items: [...state.items, ...added] } : state;
}

/** Removes an item unless a purchase is working on it right now. */
export function removeItem(state: CartState, number: string): CartState {
  const items = state.items.filter((item) => item.number !== number || isBusy(item));
  return items.length === state.items.length ? state : withoutStaleRun({ ...state, items });
}

/** Empties the cart of everything not in progress (bought results go too). */
export function clearCart(state: CartState): CartState {
  const items = state.items.filter(isBusy);
  return withoutStaleRun({ ...state, items });
}

/** Drops bought items (after the user has seen the results). */
export function clearBought(state: CartState): CartState {
  return withoutStaleRun({ ...state, items: state.items.filter((item) => !isBought(item)) });
}

/** A run's result list only makes sense while its items are still around. */
function withoutStaleRun(state: CartState): CartState {
  if (!state.run) return state;
  const present = new Set(state.items.map((item) => item.number));
  const numbers = state.run.numbers.filter((n) => present.has(n));
  if (numbers.length === 0) {
    const { run: _run, ...rest } = state;
    return rest;
  }
  return { ...state, run: { ...state.run, numbers } };
}

export interface CartTotals {
  count: number;
  setup_cents: number;
  monthly_cents: number;
}

/** Count and totals in integer cents (never float dollars). */
export function totals(items: readonly CartItem[]): CartTotals {
  let setup = 0;
  let monthly = 0;
  for (const item of items) {
    setup += item.setup_cents;
    monthly += item.monthly_cents;
  }
  return { count: items.length, setup_cents: setup, monthly_cents: monthly };
}

// --- the type-the-count rule -----------------------------------------------------------------------

export interface ConfirmPolicy {
  /** More numbers than this → type the count. */
  maxCountWithoutTyping: number;
  /** A setup total above this (cents) → type the count. */
  maxSetupCentsWithoutTyping: number;
}

/** Build-time override: VITE_CONFIRM_TYPE_COUNT_ABOVE_USD=100 raises the $25.00 setup threshold. */
function configuredSetupCents(): number {
  const raw: unknown = import.meta.env?.VITE_CONFIRM_TYPE_COUNT_ABOVE_USD;
  const cents = typeof raw === 'string' ? parseUsdInput(raw) : null;
  return cents ?? 2500;
}

export const DEFAULT_CONFIRM_POLICY: ConfirmPolicy = {
  maxCountWithoutTyping: 5,
  maxSetupCentsWithoutTyping: configuredSetupCents(),
};

export function needsTypedConfirmation(
  t: CartTotals,
  policy: ConfirmPolicy = DEFAULT_CONFIRM_POLICY,
): boolean {
  return t.count > policy.maxCountWithoutTyping || t.setup_cents > policy.maxSetupCentsWithoutTyping;
}

/** The typed text must be exactly the count (surrounding spaces allowed). */
export function typedCountMatches(typed: string, count: number): boolean {
  return typed.trim() === String(count);
}

// --- purchase run transitions ----------------------------------------------------------------------

/**
 * Commits the given numbers: each gets an Idempotency-Key (kept if it already has one) and is queued.
 * Keys are created here and only here, so whatever happens next reuses them.
 */
export function commit(
  state: CartState,
  numbers: readonly string[],
  newKey: () => string,
  runId: string,
  now: Date = new Date(),
): CartState {
  const wanted = new Set(numbers);
  const items = state.items.map((item): CartItem => {
    // An in_flight item here was cut off (reload): queue it again, same key, the proxy replays.
    if (!wanted.has(item.number) || isBought(item)) return item;
    return { ...item, idempotency_key: item.idempotency_key ?? newKey(), outcome: { status: 'queued' } };
  });
  const order = items.filter((item) => wanted.has(item.number)).map((item) => item.number);
  return { ...state, items, run: { id: runId, started_at: now.toISOString(), numbers: order } };
}

/**
 * Continues the current run with some of its items (retry failed / not attempted, or resume after a
 * reload): they keep their keys (or get one if they never had it) and are queued again.
 */
export function requeue(
  state: CartState,
  numbers: readonly string[],
  newKey: () => string,
  runId: string,
): CartState {
  const wanted = new Set(numbers);
  const items = state.items.map((item): CartItem => {
    if (!wanted.has(item.number) || isBought(item)) return item;
    const spent = item.outcome?.status === 'failed' && item.outcome.key_spent;
    return {
      ...item,
      idempotency_key: item.idempotency_key ?? newKey(),
      outcome: spent ? { status: 'queued', verify_first: true } : { status: 'queued' },
    };
  });
  const previous = state.run;
  const runNumbers = previous ? [...previous.numbers] : [];
  for (const item of items) {
    if (wanted.has(item.number) && !runNumbers.includes(item.number)) runNumbers.push(item.number);
  }
  return {
    ...state,
    items,
    run: {
      id: previous?.id ?? runId,
      started_at: previous?.started_at ?? new Date().toISOString(),
      numbers: runNumbers,
    },
  };
}

/** Replaces an item's key (only after checking that its last, stored attempt did not buy the number). */
export function rotateKey(state: CartState, number: string, key: string): CartState {
  return {
    ...state,
    items: state.items.map((item) =>
      item.number === number ? { ...item, idempotency_key: key, outcome: { status: 'queued' } } : item,
    ),
  };
}

export interface PriceUpdate {
  number: string;
  setup_cents: number;
  monthly_cents: number;
}

/** Takes the costs Flowroute quotes now (only for items not yet committed: the user confirms what they see). */
export function applyPrices(state: CartState, updates: readonly PriceUpdate[]): CartState {
  const byNumber = new Map(updates.map((u) => [u.number, u]));
  let changed = false;
  const items = state.items.map((item) => {
    const u = byNumber.get(item.number);
    if (
      !u ||
      item.outcome ||
      (u.setup_cents === item.setup_cents && u.monthly_cents === item.monthly_cents)
    ) {
      return item;
    }
    changed = true;
    return {
      ...item,
      setup_cents: u.setup_cents,
      monthly_cents: u.monthly_cents,
      price_changed_from: item.price_changed_from ?? {
        setup_cents: item.setup_cents,
        monthly_cents: item.monthly_cents,
      },
    };
  });
  return changed ? { ...state, items } : state;
}

export function setOutcome(state: CartState, number: string, outcome: ItemOutcome): CartState {
  return {
    ...state,
    items: state.items.map((item) => (item.number === number ? { ...item, outcome } : item)),
  };
}

/** Items a (resumed) run still has to send: committed, with a key, queued or cut off mid-flight. */
export function unfinished(state: CartState): CartItem[] {
  return state.items.filter((item) => item.idempotency_key && isBusy(item));
}

/** Ends a run early: whatever was still queued is marked "not attempted" (keys are kept for later). */
export function stopRun(state: CartState, reason: string, now: Date = new Date()): CartState {
  return {
    ...state,
    items: state.items.map((item) =>
      item.outcome?.status === 'queued' ? { ...item, outcome: { status: 'not_attempted', reason } } : item,
    ),
    run: state.run ? { ...state.run, finished_at: now.toISOString(), stopped_reason: reason } : state.run,
  };
}

export function finishRun(state: CartState, now: Date = new Date()): CartState {
  return state.run ? { ...state, run: { ...state.run, finished_at: now.toISOString() } } : state;
}

export interface RunProgress {
  total: number;
  done: number;
  bought: number;
  failed: number;
  notAttempted: number;
  inFlight: number;
}

export function runProgress(state: CartState): RunProgress {
  const p: RunProgress = { total: 0, done: 0, bought: 0, failed: 0, notAttempted: 0, inFlight: 0 };
  if (!state.run) return p;
  const byNumber = new Map(state.items.map((item) => [item.number, item]));
  for (const number of state.run.numbers) {
    const item = byNumber.get(number);
    if (!item) continue;
    p.total += 1;
    switch (item.outcome?.status) {
      case 'bought':
        p.bought += 1;
        p.done += 1;
        break;
      case 'failed':
        p.failed += 1;
        p.done += 1;
        break;
      case 'not_attempted':
        p.notAttempted += 1;
        p.done += 1;
        break;
      case 'in_flight':
        p.inFlight += 1;
        break;
      default:
        break;
    }
  }
  return p;
}

/** Reads whatever was stored; anything unreadable becomes an empty cart instead of a crash. */
export function parseStoredCart(raw: string | null): CartState {
  if (!raw) return EMPTY_CART;
  try {
    const value = JSON.parse(raw) as Partial<CartState>;
    if (value?.version !== 1 || !Array.isArray(value.items)) return EMPTY_CART;
    const items = value.items.filter(
      (item): item is CartItem =>
        !!item &&
        typeof item.number === 'string' &&
        Number.isInteger(item.setup_cents) &&
        Number.isInteger(item.monthly_cents),
    );
    return {
      version: 1,
      items,
      ...(value.run && Array.isArray(value.run.numbers) ? { run: value.run } : {}),
    };
  } catch {
    return EMPTY_CART;
  }
}
