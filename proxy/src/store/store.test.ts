// Storage tests, run on PGlite and (when TEST_DATABASE_URL is set) on PostgreSQL with a fresh schema.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, canonicalJson } from './audit';
import { MIGRATIONS, migrate } from './migrations';
import { generatePassword, hashPassword, verifyPassword } from './passwords';
import { hashToken } from './sessions';
import { loginRules } from './throttle';
import { DB_VARIANTS, TEST_SCRYPT, announcePostgresVariants, openTestStore, type TestStore } from './testing';
import { UserError } from './users';

announcePostgresVariants('store.test.ts');

describe('passwords (scrypt)', () => {
  it('hashes with the default cost and verifies; wrong passwords fail', async () => {
    const t0 = performance.now();
    const h = await hashPassword('correct horse battery staple');
    const ms = performance.now() - t0;
    expect(h).toMatch(/^scrypt\$15\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await verifyPassword('correct horse battery staple', h)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', h)).toBe(false);
    expect(ms).toBeGreaterThan(5); // memory-hard: not instant
  });
  it('uses a fresh salt per hash and rejects malformed hashes', async () => {
    const a = await hashPassword('same password here', TEST_SCRYPT);
    const b = await hashPassword('same password here', TEST_SCRYPT);
    expect(a).not.toBe(b);
    expect(await verifyPassword('x', 'plain')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$99$8$1$AAAA$BBBB')).toBe(false);
  });
  it('generates typeable random passwords', () => {
    const p = generatePassword();
    expect(p).toHaveLength(20);
    expect(p).toMatch(/^[a-km-zA-HJ-NP-Z2-9]+$/);
    expect(generatePassword()).not.toBe(p);
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });
});

describe.each(DB_VARIANTS)('store on $name', ({ name, enabled }) => {
  describe.runIf(enabled)(`${name}`, () => {
    let s: TestStore;
    beforeEach(async () => {
      s = await openTestStore(name);
    });
    afterEach(async () => {
      await s.cleanup();
    });

    it('migrations are recorded and idempotent', async () => {
      const rows = await s.db.query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      expect(rows.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
      expect(await migrate(s.db)).toEqual([]);
    });

    it('users: create, authenticate, duplicate, role, disable, last admin', async () => {
      const admin = await s.users.create({ username: 'Alice', role: 'admin', password: 'alice password 1' });
      expect(admin).toMatchObject({ username: 'alice', role: 'admin', disabled: false });
      await expect(
        s.users.create({ username: 'alice', role: 'viewer', password: 'x'.repeat(12) }),
      ).rejects.toThrow(UserError);
      await expect(
        s.users.create({ username: 'bad name', role: 'viewer', password: 'x'.repeat(12) }),
      ).rejects.toThrow(/Username/);
      expect(await s.users.authenticate('ALICE', 'alice password 1')).toMatchObject({ id: admin.id });
      expect(await s.users.authenticate('alice', 'wrong')).toBeNull();
      expect(await s.users.authenticate('nobody', 'alice password 1')).toBeNull();
      // The last enabled admin can be neither demoted nor disabled.
      await expect(s.users.setRole(admin.id, 'viewer')).rejects.toMatchObject({ code: 'last_admin' });
      await expect(s.users.setDisabled(admin.id, true)).rejects.toMatchObject({ code: 'last_admin' });
      const bob = await s.users.create({ username: 'bob', role: 'operator', password: 'bob password 12' });
      await s.users.setDisabled(bob.id, true);
      expect(await s.users.authenticate('bob', 'bob password 12')).toBe('disabled');
      expect(await s.users.authenticate('bob', 'wrong password')).toBeNull();
      await s.users.setDisabled(bob.id, false);
      await s.users.setPassword(bob.id, 'new bob password');
      expect(await s.users.authenticate('bob', 'bob password 12')).toBeNull();
      expect(await s.users.authenticate('bob', 'new bob password')).toMatchObject({ role: 'operator' });
      expect((await s.users.setRole(bob.id, 'admin')).role).toBe('admin');
      expect((await s.users.list()).map((u) => u.username)).toEqual(['alice', 'bob']);
      const rows = await s.db.query<{ password_hash: string }>('SELECT password_hash FROM users');
      expect(
        rows.every((r) => r.password_hash.startsWith('scrypt$') && !r.password_hash.includes('password')),
      ).toBe(true);
    });

    it('demo user is created, then its password replaced and it is re-enabled as admin', async () => {
      const d1 = await s.users.ensureDemoUser('demo', 'first demo password');
      const other = await s.users.create({ username: 'root', role: 'admin', password: 'root password 1' });
      await s.users.setDisabled(d1.id, true);
      const d2 = await s.users.ensureDemoUser('demo', 'second demo password');
      expect(d2).toMatchObject({ id: d1.id, role: 'admin', disabled: false });
      expect(await s.users.authenticate('demo', 'first demo password')).toBeNull();
      expect(await s.users.authenticate('demo', 'second demo password')).not.toBeNull();
      expect(other.role).toBe('admin');
    });

    it('sessions: only the token hash is stored; idle and absolute expiry; revoke', async () => {
      const u = await s.users.create({ username: 'carol', role: 'viewer', password: 'carol password' });
      const t0 = Date.parse('2026-01-01T08:00:00Z');
      const { token, idHash } = await s.sessions.create(u.id, { sourceIp: '10.0.0.1' }, t0);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32); // 256 bits
      expect(idHash).toBe(hashToken(token));
      const stored = await s.db.query<{ id_hash: string }>('SELECT id_hash FROM sessions');
      expect(stored).toEqual([{ id_hash: idHash }]);
      expect(JSON.stringify(stored)).not.toContain(token);

      expect((await s.sessions.lookup(token, t0 + 60_000))?.user).toEqual({
        id: u.id,
        username: 'carol',
        role: 'viewer',
        sessionId: idHash,
      });
      // Activity every 14 minutes keeps it alive …
      let t = t0 + 60_000;
      while (t + 14 * 60_000 < t0 + 8 * 3_600_000) {
        t += 14 * 60_000;
        expect(await s.sessions.lookup(token, t)).not.toBeNull();
      }
      // … until the absolute limit of 8 h.
      expect(await s.sessions.lookup(token, t0 + 8 * 3_600_000 + 1000)).toBeNull();
      expect(await s.sessions.lookup(token, t0 + 60_000)).toBeNull(); // deleted, not just refused

      const b = await s.sessions.create(u.id, {}, t0);
      expect(await s.sessions.lookup(b.token, t0 + 15 * 60_000)).not.toBeNull();
      expect(await s.sessions.lookup(b.token, t0 + 30 * 60_000 + 1000)).toBeNull(); // idle 15 min + 1 s

      const c = await s.sessions.create(u.id, {}, t0);
      const d = await s.sessions.create(u.id, {}, t0);
      await s.sessions.revoke(c.idHash);
      expect(await s.sessions.lookup(c.token, t0 + 1000)).toBeNull();
      expect(await s.sessions.lookup(d.token, t0 + 1000)).not.toBeNull();
      expect(await s.sessions.revokeUser(u.id)).toBe(1);
      expect(await s.sessions.lookup(d.token, t0 + 1000)).toBeNull();
      expect(await s.sessions.lookup('not-a-token', t0)).toBeNull();
    });

    it('sessions of a disabled user stop working', async () => {
      await s.users.create({ username: 'admin', role: 'admin', password: 'admin password' });
      const u = await s.users.create({ username: 'dave', role: 'operator', password: 'dave password' });
      const { token } = await s.sessions.create(u.id);
      expect(await s.sessions.lookup(token)).not.toBeNull();
      await s.users.setDisabled(u.id, true);
      expect(await s.sessions.lookup(token)).toBeNull();
    });

    it('login throttle: 5 failures per user+IP per window, then a wait; the window resets', async () => {
      const t0 = Date.parse('2026-01-01T08:00:00Z');
      const rules = loginRules('eve', '10.0.0.9');
      for (let i = 0; i < 5; i++) {
        expect(await s.throttle.retryAfter(rules, t0 + i)).toBe(0);
        await s.throttle.recordFailure(rules, t0 + i);
      }
      expect(await s.throttle.retryAfter(rules, t0 + 10)).toBe(15 * 60);
      expect(await s.throttle.retryAfter(loginRules('eve', '10.0.0.10'), t0 + 10)).toBe(0);
      expect(await s.throttle.retryAfter(rules, t0 + 15 * 60_000 + 1)).toBe(0);
      await s.throttle.recordFailure(rules, t0 + 15 * 60_000 + 1);
      expect(await s.throttle.retryAfter(rules, t0 + 15 * 60_000 + 2)).toBe(0);
    });

    it('idempotency: one claim wins among concurrent ones; replay, mismatch, release, expiry, per-user', async () => {
      const claim = {
        key: 'k-1234567890abcdef',
        userId: 'u1',
        operation: 'purchaseNumber',
        requestHash: 'h1',
      };
      const results = await Promise.all(Array.from({ length: 10 }, () => s.idempotency.claim(claim)));
      expect(results.filter((r) => r.kind === 'claimed')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'in_flight')).toHaveLength(9);
      expect(await s.idempotency.claim({ ...claim, requestHash: 'h2' })).toEqual({ kind: 'mismatch' });
      expect(await s.idempotency.claim({ ...claim, userId: 'u2' })).toEqual({ kind: 'claimed' });
      const response = { status: 201, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' };
      await s.idempotency.complete({ key: claim.key, userId: 'u1', response });
      expect(await s.idempotency.claim(claim)).toEqual({ kind: 'replay', response });
      // release only frees an in-flight claim
      await s.idempotency.release({ key: claim.key, userId: 'u1' });
      expect((await s.idempotency.claim(claim)).kind).toBe('replay');
      await s.idempotency.release({ key: claim.key, userId: 'u2' });
      expect((await s.idempotency.claim({ ...claim, userId: 'u2' })).kind).toBe('claimed');
    });

    it('idempotency records expire after the TTL', async () => {
      let now = 1_000_000;
      const { DbIdempotencyStore } = await import('./idempotency');
      const store = new DbIdempotencyStore(s.db, 60_000, () => now);
      const c = { key: 'k-expiring-000000', userId: 'u1', operation: 'send', requestHash: 'h' };
      expect((await store.claim(c)).kind).toBe('claimed');
      expect((await store.claim(c)).kind).toBe('in_flight');
      now += 60_001;
      expect((await store.claim({ ...c, requestHash: 'other' })).kind).toBe('claimed');
      now += 120_000;
      expect(await store.purgeExpired()).toBe(1);
    });

    it('audit: intent/outcome/event chain, filters, detail, verify catches an edited row', async () => {
      const intentId = await s.audit.intent({
        userId: 'u1',
        username: 'alice',
        role: 'admin',
        sourceIp: '10.1.1.1',
        operation: 'sendMessage',
        target: '12065550100',
        summary: { to: '12065550100', from: '12065550199', body: 'hello secret text', password: 'never' },
        idempotencyKey: 'key-1',
      });
      await s.audit.outcome(intentId, { status: 202, flowrouteId: 'mdr2-abc', durationMs: 42, result: 'ok' });
      await s.audit.event({
        action: 'auth.login',
        actor: 'alice',
        actorId: 'u1',
        result: 'ok',
        sourceIp: '10.1.1.1',
      });
      await s.audit.event({ action: 'auth.fail', actor: 'mallory', result: 'failed', sourceIp: '10.6.6.6' });

      const all = await s.audit.list();
      expect(all.items.map((i) => i.action)).toEqual(['auth.fail', 'auth.login', 'sendMessage']);
      const send = all.items[2]!;
      expect(send.summary.body).toEqual({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), length: 17 });
      expect(send.summary).not.toHaveProperty('password');
      expect(JSON.stringify(all)).not.toContain('hello secret text');
      expect(send.outcome).toMatchObject({
        status: 202,
        flowrouteId: 'mdr2-abc',
        durationMs: 42,
        result: 'ok',
      });
      expect(all.items[2]!.prevHash).toBe(GENESIS_HASH);

      expect((await s.audit.list({ who: 'ALICE' })).items).toHaveLength(2);
      expect((await s.audit.list({ what: 'auth.*' })).items).toHaveLength(2);
      expect((await s.audit.list({ number: '12065550100' })).items).toHaveLength(1);
      expect((await s.audit.list({ ip: '10.6.6.6' })).items).toHaveLength(1);
      expect((await s.audit.list({ result: 'ok' })).items).toHaveLength(2);
      expect(
        (await s.audit.list({ from: '2000-01-01T00:00:00Z', to: '2001-01-01T00:00:00Z' })).items,
      ).toHaveLength(0);
      const page = await s.audit.list({ limit: 2 });
      expect(page.nextOffset).toBe(2);
      expect((await s.audit.list({ limit: 2, offset: 2 })).nextOffset).toBeNull();
      const detail = await s.audit.get(intentId);
      expect(detail?.outcomes).toHaveLength(1);

      expect(await s.audit.verify()).toEqual({ ok: true, checked: 4 });
      // The table refuses updates …
      await expect(s.db.query("UPDATE audit SET actor = 'bob' WHERE id = $1", [intentId])).rejects.toThrow(
        /append-only/,
      );
      // … but someone with database rights can switch the trigger off: the chain still catches the edit.
      await s.db.exec('ALTER TABLE audit DISABLE TRIGGER audit_no_update');
      await s.db.query("UPDATE audit SET target = '12065550111' WHERE id = $1", [intentId]);
      const v = await s.audit.verify();
      expect(v).toMatchObject({
        ok: false,
        checked: 0,
        firstBroken: { id: intentId, reason: 'hash_mismatch' },
      });
    });

    it('audit: verify catches a deleted row', async () => {
      for (let i = 0; i < 4; i++) await s.audit.event({ action: 'auth.login', actor: `u${i}`, result: 'ok' });
      const rows = await s.db.query<{ id: string; seq: number }>('SELECT id, seq FROM audit ORDER BY seq');
      await s.db.exec('ALTER TABLE audit DISABLE TRIGGER audit_no_update');
      await s.db.query('DELETE FROM audit WHERE id = $1', [rows[1]!.id]);
      expect(await s.audit.verify()).toMatchObject({
        ok: false,
        checked: 1,
        firstBroken: { id: rows[2]!.id, reason: 'chain_break' },
      });
    });

    it('audit: concurrent appends keep one unbroken chain', async () => {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          s.audit.event({ action: 'auth.login', actor: `u${i}`, result: 'ok' }),
        ),
      );
      expect(await s.audit.verify()).toEqual({ ok: true, checked: 20 });
    });

    it('audit: intents of a dead process get an "unknown" outcome, once', async () => {
      const { AuditStore } = await import('./audit');
      const dead = new AuditStore(s.db, { instanceId: 'dead-instance' });
      const id = await dead.intent({
        userId: 'u1',
        username: 'alice',
        role: 'admin',
        sourceIp: '127.0.0.1',
        operation: 'purchaseNumber',
        target: '12065550100',
        summary: {},
        idempotencyKey: 'k',
      });
      const own = await s.audit.intent({
        userId: 'u1',
        username: 'alice',
        role: 'admin',
        sourceIp: '127.0.0.1',
        operation: 'purchaseNumber',
        target: '12065550101',
        summary: {},
        idempotencyKey: 'k2',
      });
      await s.idempotency.claim({ key: 'k', userId: 'u1', operation: 'purchaseNumber', requestHash: 'h' });
      expect(await s.audit.markOrphans()).toBe(1);
      expect(await s.audit.markOrphans()).toBe(0);
      const again = await s.idempotency.claim({
        key: 'k',
        userId: 'u1',
        operation: 'purchaseNumber',
        requestHash: 'h',
      });
      expect(again).toMatchObject({ kind: 'replay', response: { status: 502 } });
      expect((await s.audit.get(id))?.outcomes.map((o) => o.result)).toEqual(['unknown']);
      expect((await s.audit.get(own))?.outcomes).toEqual([]); // our own in-flight intent is left alone
      expect((await s.audit.list({ result: 'unknown' })).items.map((i) => i.id)).toEqual([id]);
      expect((await s.audit.verify()).ok).toBe(true);
    });
  });
});

describe.runIf(Boolean(process.env.TEST_DATABASE_URL))('PostgreSQL: two stores on one schema', () => {
  it('share sessions and idempotency; a live instance is not marked orphaned, a closed one is', async () => {
    const a = await openTestStore('postgres');
    const { openStore } = await import('./index');
    const b = await openStore(a.options);
    try {
      const u = await a.users.create({ username: 'zed', role: 'admin', password: 'zed password 1' });
      const { token, idHash } = await a.sessions.create(u.id);
      expect((await b.sessions.lookup(token))?.user.id).toBe(u.id);
      await b.sessions.revoke(idHash);
      expect(await a.sessions.lookup(token)).toBeNull();

      const c = { key: 'k-two-process-0001', userId: u.id, operation: 'purchaseNumber', requestHash: 'h' };
      const [r1, r2] = await Promise.all([a.idempotency.claim(c), b.idempotency.claim(c)]);
      expect([r1.kind, r2.kind].sort()).toEqual(['claimed', 'in_flight']);

      await b.audit.start();
      const intent = {
        userId: u.id,
        username: 'zed',
        role: 'admin' as const,
        sourceIp: '::1',
        operation: 'x',
      };
      const id = await b.audit.intent({ ...intent, target: null, summary: {}, idempotencyKey: null });
      expect(await a.audit.markOrphans()).toBe(0); // b is alive (holds its liveness lock)
      await b.close();
      // The server drops b's session lock when it notices the closed connection, a moment after close().
      await expect.poll(() => a.audit.markOrphans(), { timeout: 5_000, interval: 100 }).toBe(1);
      expect((await a.audit.get(id))?.outcomes[0]?.result).toBe('unknown');
    } finally {
      await b.close().catch(() => undefined);
      await a.cleanup();
    }
  });
});
