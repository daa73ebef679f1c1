// The in-memory session rows on PGlite (added for throughput, see docs/performance.md) must never outlive a write:
// S-3 (0 requests accepted after logout/revocation), role changes and disabling take effect on the next lookup.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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
