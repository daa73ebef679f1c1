// Seconds left until a deadline, ticking while someone is counting down; 0 when passed or unset.
import { useSyncExternalStore } from 'react';

// A shared clock that only ticks while subscribed; subscribing reads the time at once, so a countdown that
// starts after a long idle period does not begin from a stale "now".
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void) {
  listeners.add(listener);
  now = Date.now();
  timer ??= setInterval(() => {
    now = Date.now();
    for (const l of listeners) l();
  }, 250);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
}

const getNow = () => now;

/** `since` is when the countdown started (read in the event handler), so the first render is exact too. */
export function useCountdown(countdown: { until: number; since: number } | null): number {
  const current = useSyncExternalStore(countdown === null ? noopSubscribe : subscribe, getNow, getNow);
  if (countdown === null) return 0;
  return Math.max(0, Math.ceil((countdown.until - Math.max(current, countdown.since)) / 1000));
}

function noopSubscribe() {
  return () => {};
}
