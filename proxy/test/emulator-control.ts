// Test helper: the emulator's control API (/__emulator/*) for proxy tests that inject Flowroute faults and count
// what reached Flowroute, and the upstream policy such tests use so the circuit breaker stays out of the way.
import { request } from 'undici';

export interface EmulatorControl {
  /** Adds a fault (see proxy/emulator: method, path regex, fault, status, times…). */
  fault(spec: Record<string, unknown>): Promise<void>;
  clearFaults(): Promise<void>;
  /** How many times `number` was bought at the emulator. */
  purchases(number: string): Promise<number>;
}

/** `url` is read on each call, so the control can be made before the emulator has started. */
export function emulatorControl(url: () => string): EmulatorControl {
  return {
    async fault(spec) {
      const res = await request(`${url()}/__emulator/faults`, { method: 'POST', body: JSON.stringify(spec) });
      await res.body.dump();
    },
    async clearFaults() {
      await (await request(`${url()}/__emulator/faults`, { method: 'DELETE' })).body.dump();
    },
    async purchases(number) {
      const res = await request(`${url()}/__emulator/stats`);
      const s = (await res.body.json()) as { purchases: { number: string }[] };
      return s.purchases.filter((p) => p.number === number).length;
    },
  };
}

/** A breaker that never opens: tests that provoke failures on purpose (the breaker has its own tests). */
export const BREAKER_OFF = {
  consecutiveFailures: 10_000,
  failureRatio: 1,
  windowMs: 10_000,
  minVolume: 1_000_000,
  openMs: 1000,
};

/** No retries of reads, so every attempt is visible. */
export const RETRY_OFF = { budgetRatio: 0, minPerWindow: 0, backoffMinMs: 0, backoffMaxMs: 0 };
