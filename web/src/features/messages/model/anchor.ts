// The "now" that relative ranges (24 h, 7 days…) are measured from. Shared by the log and conversation
// pages so moving between them reuses the loaded pages instead of starting over; "Reload" moves it.
import { useSyncExternalStore } from 'react';

let anchor = Date.now();
const listeners = new Set<() => void>();

export function getAnchor(): number {
  return anchor;
}

export function moveAnchor(now = Date.now()): void {
  anchor = now;
  for (const l of listeners) l();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useRangeAnchor(): number {
  return useSyncExternalStore(subscribe, getAnchor, getAnchor);
}
