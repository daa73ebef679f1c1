// The cart lives in localStorage (survives reloads and is shared by tabs) behind a tiny external store;
// React reads it with useSyncExternalStore. Writes are synchronous so a committed key is on disk before
// the request that carries it leaves the browser.
import { useSyncExternalStore } from 'react';
import { EMPTY_CART, parseStoredCart, type CartState } from './cart';

export const CART_STORAGE_KEY = 'flowroute-ops.cart.v1';

type Listener = () => void;

const listeners = new Set<Listener>();
let current: CartState | null = null;
/** Each signed-in user has their own cart (and purchase keys) on a shared browser. */
let storageKey = CART_STORAGE_KEY;

function storage(): Storage | null {
  try {
    return typeof window !== 'undefined' ? window.localStorage : null;
  } catch {
    return null; // storage disabled: the cart still works for this page view
  }
}

function load(): CartState {
  return parseStoredCart(storage()?.getItem(storageKey) ?? null);
}

export function getCart(): CartState {
  current ??= load();
  return current;
}

function emit(): void {
  for (const listener of listeners) listener();
}

/** Applies a pure transition and persists the result before anyone else runs. */
export function updateCart(transition: (state: CartState) => CartState): CartState {
  const before = getCart();
  const after = transition(before);
  if (after === before) return before;
  current = after;
  try {
    storage()?.setItem(storageKey, JSON.stringify(after));
  } catch {
    // Quota or privacy mode: keep the in-memory cart.
  }
  emit();
  return after;
}

/** Re-reads storage (another tab changed it, or tests reset it). */
export function reloadCart(): void {
  current = load();
  emit();
}

/** Switches to `userId`'s cart (called by the /buy route loader, before anything renders). */
export function bindCartToUser(userId: string | null): void {
  const key = userId ? `${CART_STORAGE_KEY}:${userId}` : CART_STORAGE_KEY;
  if (key === storageKey && current !== null) return;
  storageKey = key;
  current = load();
  emit();
}

export function resetCartForTests(state: CartState = EMPTY_CART): void {
  storageKey = CART_STORAGE_KEY;
  storage()?.removeItem(CART_STORAGE_KEY);
  current = state;
  emit();
}

function onStorage(event: StorageEvent): void {
  if (event.key === storageKey || event.key === null) reloadCart();
}

function subscribe(listener: Listener): () => void {
  if (listeners.size === 0 && typeof window !== 'undefined') window.addEventListener('storage', onStorage);
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && typeof window !== 'undefined')
      window.removeEventListener('storage', onStorage);
  };
}

export function useCart(): CartState {
  return useSyncExternalStore(subscribe, getCart, getCart);
}
