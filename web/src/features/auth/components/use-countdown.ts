// A "try again in N seconds" countdown: start(seconds) from an event handler, read `left` (ticks each second).
import { useCallback, useEffect, useState } from 'react';

export function secondsLeft(until: number | null, now: number): number {
  if (until === null) return 0;
  return Math.max(0, Math.ceil((until - now) / 1000));
}

export function useCountdown(): { left: number; start: (seconds: number | null) => void } {
  const [clock, setClock] = useState<{ until: number | null; now: number }>({ until: null, now: 0 });
  const { until } = clock;

  useEffect(() => {
    if (until === null) return;
    const timer = setInterval(() => {
      const now = Date.now();
      setClock((current) => ({ ...current, now }));
      if (now >= until) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [until]);

  const start = useCallback((seconds: number | null) => {
    const now = Date.now();
    setClock({ until: seconds === null ? null : now + seconds * 1000, now });
  }, []);

  return { left: secondsLeft(clock.until, clock.now), start };
}
