// The in-memory session rows on PGlite (added for throughput, see docs/performance.md) must never outlive a write:
// S-3 (0 requests accepted after logout/revocation), role changes and disabling take effect on the next lookup.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { embeddedDbCounters, RateLimiter, rulesFor } from '../plugins/rate-limits';
import { openTestStore, type TestStore } from './testing';

describe('session lookups served from memory on PGlite', () => {
  let s: TestStore;
  beforeEach(async () => {
    s = await openTestStore('pglite');
  });
  afterEach(async () => {
    await s.cleanup();
  });

  it('answers repeated lookups without a query, and sees every write at once', async () => {
    const admin = await s.users.create({ username: 'boss', role: 'admin', password: 'boss password 1' });
    const user = await s.users.create({ username: 'ann', role: 'operator', password: 'ann password 12' });
    const { token } = await s.sessions.create(user.id);
    const { token: other } = await s.sessions.create(admin.id);
    expect((await s.sessions.lookup(token))?.user.role).toBe('operator');

    const spy = vi.spyOn(s.db, 'query');
    expect((await s.sessions.lookup(token))?.user.username).toBe('ann');
    expect((await s.sessions.lookup(token))?.user.username).toBe('ann');
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();

    await s.users.setRole(user.id, 'viewer');
    expect((await s.sessions.lookup(token))?.user.role).toBe('viewer');

    await s.users.setDisabled(user.id, true);
    expect(await s.sessions.lookup(token)).toBeNull();
    await s.users.setDisabled(user.id, false);

    expect((await s.sessions.lookup(other))?.user.username).toBe('boss');
    await s.sessions.revoke((await s.sessions.lookup(other))!.user.sessionId);
    expect(await s.sessions.lookup(other)).toBeNull();
  });

  it('still applies the idle limit to a row served from memory', async () => {
    const user = await s.users.create({ username: 'cat', role: 'viewer', password: 'cat password 12' });
    const t0 = Date.now();
    const { token } = await s.sessions.create(user.id, {}, t0);
    expect(await s.sessions.lookup(token, t0 + 1_000)).not.toBeNull();
    expect(await s.sessions.lookup(token, t0 + 1_000 + s.sessions.idleMs + 1)).toBeNull();
  });
});

describe('the rate limiter and the session rows in memory', () => {
  let s: TestStore;
  beforeEach(async () => {
    s = await openTestStore('pglite');
  });
  afterEach(async () => {
    await s.cleanup();
  });

  it('housekeeping of the counters keeps sessions cached; a logout after it is still refused at once', async () => {
    const user = await s.users.create({ username: 'dan', role: 'operator', password: 'dan password 12' });
    const { token } = await s.sessions.create(user.id);
    const counters = embeddedDbCounters(s.db);
    // An expired send counter in the database, for the housekeeping to delete.
    await counters.increment(`u:${user.id}:sends@0`, Date.now() - 1_000);
    const limiter = new RateLimiter(counters);
    const reads = rulesFor(
      {
        readsPerMinute: 1_000_000,
        sendsPerMinute: 30,
        purchasesPerMinute: 5,
        routeChangesPerMinute: 0,
        purchasesPerDay: 50,
        sendsPerDay: 500,
      },
      user.id,
      'read',
      'listNumbers',
    );
    expect((await s.sessions.lookup(token))?.user.username).toBe('dan');
    expect(s.sessions.lookupCached(token)?.user.username).toBe('dan');

    const spy = vi.spyOn(s.db, 'query');
    for (let i = 0; i < 1_000; i++) expect((await limiter.hit(reads)).ok).toBe(true);
    await vi.waitFor(() =>
      expect(spy.mock.calls.some(([sql]) => /^DELETE FROM rate_counters/.test(sql))).toBe(true),
    );
    await s.db.query('SELECT 1'); // queued after the DELETE: it has run
    spy.mockClear();
    // The DELETE ran, and the session is still answered from memory, synchronously and without a query.
    expect(s.sessions.lookupCached(token)?.user.username).toBe('dan');
    expect((await s.sessions.lookup(token))?.user.username).toBe('dan');
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
    const left = await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM rate_counters');
    expect(Number(left[0]?.n)).toBe(0);

    // S-3: logout (a DELETE on sessions) is seen by the very next lookup, on both paths.
    await s.sessions.revoke(s.sessions.lookupCached(token)!.user.sessionId);
    expect(s.sessions.lookupCached(token)).toBeUndefined();
    expect(await s.sessions.lookup(token)).toBeNull();
  });

  it('the synchronous path declines what needs the database: a touch due, an expired or unknown session', async () => {
    const user = await s.users.create({ username: 'eve', role: 'viewer', password: 'eve password 12' });
    const t0 = Date.now();
    const { token } = await s.sessions.create(user.id, {}, t0);
    expect(s.sessions.lookupCached(token, t0)).toBeUndefined(); // not read yet
    expect(await s.sessions.lookup(token, t0 + 1_000)).not.toBeNull();
    expect(s.sessions.lookupCached(token, t0 + 2_000)?.user.username).toBe('eve');
    expect(s.sessions.lookupCached(token, t0 + 6_000)).toBeUndefined(); // last_seen_at touch due (5 s)
    expect(s.sessions.lookupCached(token, t0 + s.sessions.idleMs + 1)).toBeUndefined();
    expect(s.sessions.lookupCached('x'.repeat(43), t0 + 2_000)).toBeUndefined();
  });
});
