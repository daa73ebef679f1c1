// The reliability settings come from the environment with the documented defaults.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';

describe('reliability configuration', () => {
  it('defaults: 32 in flight + 64 queued, breaker 5/50 %/30 s, settle within 60 s, R-5 limits', () => {
    const c = loadConfig({});
    expect(c.upstreamConnections).toBe(32);
    expect(c.upstreamQueue).toBe(64);
    expect(c.breaker).toMatchObject({
      consecutiveFailures: 5,
      failureRatio: 0.5,
      minVolume: 20,
      openMs: 30_000,
    });
    expect(c.settle.deadlineMs).toBe(60_000);
    expect(c.limits).toEqual({
      readsPerMinute: 1200,
      sendsPerMinute: 30,
      purchasesPerMinute: 5,
      routeChangesPerMinute: 0,
      purchasesPerDay: 50,
      sendsPerDay: 500,
    });
  });

  it('reads every setting from its variable; 0 turns a limit off; junk is refused with the name', () => {
    const c = loadConfig({
      UPSTREAM_MAX_IN_FLIGHT: '8',
      UPSTREAM_MAX_QUEUE: '0',
      BREAKER_CONSECUTIVE_FAILURES: '3',
      BREAKER_MIN_VOLUME: '10',
      BREAKER_OPEN_MS: '5000',
      OUTCOME_SETTLE_DEADLINE_MS: '30000',
      OUTCOME_SETTLE_GRACE_MS: '0',
      RATE_LIMIT_READS_PER_MINUTE: '0',
      RATE_LIMIT_SENDS_PER_MINUTE: '10',
      RATE_LIMIT_PURCHASES_PER_MINUTE: '2',
      RATE_LIMIT_ROUTE_CHANGES_PER_MINUTE: '60',
      DAILY_CAP_PURCHASES: '7',
      DAILY_CAP_SENDS: '100',
    });
    expect(c.upstreamConnections).toBe(8);
    expect(c.upstreamQueue).toBe(0);
    expect(c.breaker).toMatchObject({ consecutiveFailures: 3, minVolume: 10, openMs: 5000 });
    expect(c.settle).toMatchObject({ deadlineMs: 30_000, graceMs: 0 });
    expect(c.limits).toEqual({
      readsPerMinute: 0,
      sendsPerMinute: 10,
      purchasesPerMinute: 2,
      routeChangesPerMinute: 60,
      purchasesPerDay: 7,
      sendsPerDay: 100,
    });
    expect(() => loadConfig({ DAILY_CAP_SENDS: 'lots' })).toThrow(ConfigError);
    expect(() => loadConfig({ DAILY_CAP_SENDS: 'lots' })).toThrow(/DAILY_CAP_SENDS/);
    expect(() => loadConfig({ UPSTREAM_MAX_IN_FLIGHT: '0' })).toThrow(/UPSTREAM_MAX_IN_FLIGHT/);
  });
});
