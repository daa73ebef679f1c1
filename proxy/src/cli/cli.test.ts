// The users and audit:verify commands, in process against a fresh store, plus the embedded-database lock.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../store';
import { openTestStore, TEST_SCRYPT, type TestStore } from '../store/testing';
import { runAuditVerify } from './audit-verify';
import { runUsersCli } from './users';

let s: TestStore;
let out: string[];
let err: string[];
let stdin = '';
const run = (...argv: string[]) =>
  runUsersCli(argv, s, { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => stdin });

beforeEach(async () => {
  s = await openTestStore('pglite');
  out = [];
  err = [];
});
afterEach(async () => {
  await s.cleanup();
});

describe('npm run users', () => {
  it('add with a generated password prints it once and it works', async () => {
    expect(await run('add', 'Alice', '--role', 'admin')).toBe(0);
    const pw = /Password \(shown once\): (\S+)/.exec(out.join('\n'))?.[1];
    expect(pw).toHaveLength(20);
    expect(await s.users.authenticate('alice', pw!)).toMatchObject({ role: 'admin' });
  });

  it('add --password-stdin, list, role, disable (ends sessions), enable, reset', async () => {
    stdin = 'a long enough password\n';
    expect(await run('add', 'bob', '--role=operator', '--password-stdin')).toBe(0);
    expect(out.join('\n')).not.toContain('a long enough password');
    expect(await s.users.authenticate('bob', 'a long enough password')).toMatchObject({ role: 'operator' });
    out = [];
    expect(await run('list')).toBe(0);
    expect(out[0]).toMatch(/^bob\s+operator\s+enabled/);
    expect(await run('role', 'bob', 'viewer')).toBe(0);
    const bob = await s.users.findByUsername('bob');
    expect(bob?.role).toBe('viewer');
    const { token } = await s.sessions.create(bob!.id);
    expect(await run('disable', 'bob')).toBe(0);
    expect(await s.sessions.lookup(token)).toBeNull();
    expect(await run('enable', 'bob')).toBe(0);
    stdin = 'another long password';
    expect(await run('reset', 'bob', '--password-stdin')).toBe(0);
    expect(await s.users.authenticate('bob', 'another long password')).not.toBeNull();
    const actions = (await s.audit.list()).items.map((i) => i.action);
    expect(actions).toEqual([
      'user.password_reset',
      'user.enable',
      'user.disable',
      'user.role',
      'user.create',
    ]);
    expect((await s.audit.list()).items[0]!.actor).toMatch(/^cli/);
  });

  it('refuses bad input with a usage message and exit code ≠ 0', async () => {
    expect(await run('add', 'x', '--role', 'boss')).toBe(2);
    expect(await run('frobnicate')).toBe(2);
    expect(await run('disable', 'nobody')).toBe(1);
    stdin = 'short';
    expect(await run('add', 'y', '--role', 'viewer', '--password-stdin')).toBe(2);
    await run('add', 'z', '--role', 'viewer');
    expect(await run('add', 'z', '--role', 'viewer')).toBe(1);
    expect(err.join('\n')).toMatch(/Usage|already exists|No user|at least 12/);
  });
});

describe('npm run audit:verify', () => {
  it('exit 0 on an intact chain, 1 with the first broken record after an edit', async () => {
    await s.audit.event({ action: 'auth.login', actor: 'a', result: 'ok' });
    await s.audit.event({ action: 'auth.login', actor: 'b', result: 'ok' });
    expect(await runAuditVerify(s, false, (l) => out.push(l))).toBe(0);
    expect(out[0]).toMatch(/intact: 2 record/);
    await s.db.exec('ALTER TABLE audit DISABLE TRIGGER audit_no_update');
    await s.db.exec("UPDATE audit SET actor = 'mallory' WHERE actor = 'b'");
    expect(await runAuditVerify(s, true, (l) => out.push(l))).toBe(1);
    expect(JSON.parse(out[1]!)).toMatchObject({
      ok: false,
      checked: 1,
      firstBroken: { seq: 2, reason: 'hash_mismatch' },
    });
  });
});

describe('embedded database lock', () => {
  it('a second process-level opener of the same data directory is refused while the first is open', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pglite-lock-'));
    const dataDir = path.join(dir, 'db');
    const first = await openStore({ dataDir, scrypt: TEST_SCRYPT });
    try {
      // Simulate another live process holding the lock: write its pid (our parent's, which is alive).
      const { writeFileSync } = await import('node:fs');
      writeFileSync(`${dataDir}.lock`, String(process.ppid));
      await expect(openStore({ dataDir })).rejects.toThrow(/in use by process/);
    } finally {
      await first.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
