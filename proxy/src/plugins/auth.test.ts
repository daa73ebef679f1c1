// Sign-in, sessions and cookies over HTTP (inject), on PGlite and, with TEST_DATABASE_URL, on PostgreSQL.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  buildStaffApp,
  cookieFrom,
  mutationHeaders,
  ORIGIN,
  PASSWORDS,
  type StaffApp,
} from '../../test/staff-harness';
import { announcePostgresVariants, DB_VARIANTS } from '../store/testing';
import { SESSION_COOKIE } from './auth';

announcePostgresVariants('auth.test.ts');

const loginReq = (username: string, password: string, headers: Record<string, string> = {}) => ({
  method: 'POST' as const,
  url: '/auth/login',
  headers: { origin: ORIGIN, 'content-type': 'application/json', ...headers },
  payload: { username, password },
});

/** Parses a Set-Cookie header into name, value and lower-cased attributes. */
function parseSetCookie(header: string) {
  const [pair, ...attrs] = header.split(';').map((s) => s.trim());
  const i = pair!.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const a of attrs) {
    const j = a.indexOf('=');
    if (j < 0) attributes[a.toLowerCase()] = true;
    else attributes[a.slice(0, j).toLowerCase()] = a.slice(j + 1);
  }
  return { name: pair!.slice(0, i), value: pair!.slice(i + 1), attributes };
}

function setCookies(res: { headers: Record<string, unknown> }): string[] {
  const raw = res.headers['set-cookie'];
  return Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
}

describe.each(DB_VARIANTS)('staff sign-in on $name', ({ name, enabled }) => {
  describe.runIf(enabled)(name, () => {
    let t: StaffApp;
    beforeEach(async () => {
      t = await buildStaffApp(name);
      await t.store.users.create({ username: 'admin', role: 'admin', password: PASSWORDS.admin });
      await t.store.users.create({ username: 'op', role: 'operator', password: PASSWORDS.operator });
    });
    afterEach(async () => {
      vi.useRealTimers();
      await t.close();
    });

    it('GET /auth/config is public and says live (no demo user)', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/auth/config' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ mode: 'live' });
      expect(t.printed).toEqual([]);
    });

    it('login sets a __Host- session cookie with every required flag; me/logout work', async () => {
      const res = await t.app.inject(loginReq('ADMIN', PASSWORDS.admin));
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toEqual({ user: { id: expect.any(String), username: 'admin', role: 'admin' } });
      const cookies = setCookies(res);
      expect(cookies).toHaveLength(1);
      const c = parseSetCookie(cookies[0]!);
      expect(c.name).toBe('__Host-session');
      expect(c.value).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 random bits
      expect(c.attributes).toMatchObject({ path: '/', httponly: true, secure: true, samesite: 'Strict' });
      expect(c.attributes).not.toHaveProperty('domain');
      expect(Number(c.attributes['max-age'])).toBe(8 * 3600);
      const cookie = `${c.name}=${c.value}`;

      const me = await t.app.inject({ method: 'GET', url: '/auth/me', headers: { cookie } });
      expect(me.statusCode).toBe(200);
      expect(me.json()).toEqual(body);
      expect(me.headers['cache-control']).toBe('no-store');

      const out = await t.app.inject({
        method: 'POST',
        url: '/auth/logout',
        headers: mutationHeaders(cookie),
      });
      expect(out.statusCode).toBe(204);
      const cleared = parseSetCookie(setCookies(out)[0]!);
      expect(cleared).toMatchObject({ name: SESSION_COOKIE, value: '' });
      expect(cleared.attributes).toMatchObject({
        'max-age': '0',
        secure: true,
        httponly: true,
        samesite: 'Strict',
      });

      const after = await t.app.inject({ method: 'GET', url: '/auth/me', headers: { cookie } });
      expect(after.statusCode).toBe(401);
      expect(after.headers['x-proxy-error']).toBe('unauthenticated');
      const api = await t.app.inject({ method: 'GET', url: '/api/v2/numbers', headers: { cookie } });
      expect(api.statusCode).toBe(401);
      expect(t.stub.requests).toHaveLength(0);

      const actions = (await t.store.audit.list()).items.map((i) => i.action);
      expect(actions).toEqual(['auth.logout', 'auth.login']);
    });

    it('every Set-Cookie the auth routes can emit complies (S-1)', async () => {
      const emitted: string[] = [];
      const ok = await t.app.inject(loginReq('op', PASSWORDS.operator));
      emitted.push(...setCookies(ok));
      const cookie = cookieFrom(ok);
      emitted.push(...setCookies(await t.app.inject(loginReq('op', 'wrong password'))));
      emitted.push(
        ...setCookies(await t.app.inject({ method: 'GET', url: '/auth/me', headers: { cookie } })),
      );
      emitted.push(
        ...setCookies(
          await t.app.inject({ method: 'POST', url: '/auth/logout', headers: mutationHeaders(cookie) }),
        ),
      );
      emitted.push(
        ...setCookies(await t.app.inject({ method: 'GET', url: '/auth/me', headers: { cookie } })),
      );
      emitted.push(
        ...setCookies(
          await t.app.inject({ method: 'POST', url: '/auth/logout', headers: mutationHeaders('') }),
        ),
      );
      expect(emitted.length).toBeGreaterThanOrEqual(3);
      for (const h of emitted) {
        const c = parseSetCookie(h);
        expect(c.name.startsWith('__Host-')).toBe(true);
        expect(c.attributes).toMatchObject({ path: '/', secure: true, httponly: true, samesite: 'Strict' });
        expect(c.attributes).not.toHaveProperty('domain');
      }
    });

    it('a new session id at every sign-in; the old one presented at sign-in ends', async () => {
      const a = await t.login('op', PASSWORDS.operator);
      const res = await t.app.inject({
        ...loginReq('op', PASSWORDS.operator),
        headers: { ...loginReq('', '').headers, cookie: a },
      });
      const b = cookieFrom(res);
      expect(b).not.toBe(a);
      expect(
        (await t.app.inject({ method: 'GET', url: '/auth/me', headers: { cookie: a } })).statusCode,
      ).toBe(401);
      expect(
        (await t.app.inject({ method: 'GET', url: '/auth/me', headers: { cookie: b } })).statusCode,
      ).toBe(200);
    });

    it('wrong password, unknown user → 401 invalid_credentials; disabled → 403; all audited', async () => {
      const wrong = await t.app.inject(loginReq('op', 'not the password'));
      expect(wrong.statusCode).toBe(401);
      expect(wrong.headers['x-proxy-error']).toBe('invalid_credentials');
      expect(setCookies(wrong)).toEqual([]);
      const unknown = await t.app.inject(loginReq('ghost', 'whatever password'));
      expect(unknown.statusCode).toBe(401);
      expect(unknown.json()).toEqual(wrong.json());
      const op = await t.store.users.findByUsername('op');
      await t.store.users.setDisabled(op!.id, true);
      const disabled = await t.app.inject(loginReq('op', PASSWORDS.operator));
      expect(disabled.statusCode).toBe(403);
      expect(disabled.headers['x-proxy-error']).toBe('account_disabled');
      const disabledWrong = await t.app.inject(loginReq('op', 'not the password'));
      expect(disabledWrong.statusCode).toBe(401); // a wrong password never learns that the account is disabled
      const items = (await t.store.audit.list({ what: 'auth.fail' })).items;
      expect(items.map((i) => [i.actor, i.status])).toEqual([
        ['op', 401],
        ['op', 403],
        ['ghost', 401],
        ['op', 401],
      ]);
      expect(JSON.stringify(items)).not.toContain('not the password');
    });

    it('malformed sign-in bodies → 400; form posts → 415 (never parsed)', async () => {
      for (const payload of [
        {},
        { username: 'op' },
        { username: 'op', password: 5 },
        { username: 'x'.repeat(65), password: 'p' },
      ]) {
        const res = await t.app.inject({ ...loginReq('', ''), payload });
        expect(res.statusCode).toBe(400);
      }
      const form = await t.app.inject({
        method: 'POST',
        url: '/auth/login',
        headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'username=op&password=x',
      });
      expect(form.statusCode).toBe(415);
    });

    it('sign-in over plain http to a non-loopback host is refused', async () => {
      const res = await t.app.inject({
        ...loginReq('op', PASSWORDS.operator, { host: 'ops.example.com', origin: 'http://ops.example.com' }),
      });
      expect(res.statusCode).toBe(403);
      expect(res.headers['x-proxy-error']).toBe('insecure_transport');
      expect(setCookies(res)).toEqual([]);
    });

    it('throttles: 5 failures per username+IP in 15 min → 429 with Retry-After, even with the right password', async () => {
      for (let i = 0; i < 5; i++) {
        expect((await t.app.inject(loginReq('op', `wrong ${i} password`))).statusCode).toBe(401);
      }
      const blocked = await t.app.inject(loginReq('op', PASSWORDS.operator));
      expect(blocked.statusCode).toBe(429);
      expect(blocked.headers['x-proxy-error']).toBe('too_many_attempts');
      const retry = Number(blocked.headers['retry-after']);
      expect(retry).toBeGreaterThan(14 * 60);
      expect(retry).toBeLessThanOrEqual(15 * 60);
      // Another IP is not blocked (the per-IP counter is separate).
      const other = await t.app.inject({ ...loginReq('op', PASSWORDS.operator), remoteAddress: '10.9.9.9' });
      expect(other.statusCode).toBe(200);
      expect((await t.store.audit.list({ what: 'auth.throttled' })).items).toHaveLength(1);
    });

    it('session expiry with fake timers: idle 15 min, absolute 8 h (S-2)', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2026-03-02T08:00:00Z'));
      const cookie = await t.login('op', PASSWORDS.operator);
      const me = () => t.app.inject({ method: 'GET', url: '/auth/me', headers: { cookie } });
      const start = Date.now();
      // Activity every 14 min keeps the session …
      for (let at = 14; at < 8 * 60; at += 14) {
        vi.setSystemTime(start + at * 60_000);
        expect((await me()).statusCode).toBe(200);
      }
      // … until 8 h + 1 s, even with activity.
      vi.setSystemTime(start + 8 * 3_600_000 + 1000);
      const expired = await me();
      expect(expired.statusCode).toBe(401);
      expect(expired.headers['x-proxy-error']).toBe('unauthenticated');

      // Idle: 15 min is fine, 15 min + 1 s is not.
      vi.setSystemTime(start);
      const c2 = await t.login('op', PASSWORDS.operator);
      vi.setSystemTime(start + 15 * 60_000);
      expect(
        (await t.app.inject({ method: 'GET', url: '/auth/me', headers: { cookie: c2 } })).statusCode,
      ).toBe(200);
      vi.setSystemTime(start + 30 * 60_000 + 1000);
      const idle = await t.app.inject({ method: 'GET', url: '/api/v2/numbers', headers: { cookie: c2 } });
      expect(idle.statusCode).toBe(401);
      expect(idle.headers['content-type']).toContain('application/json');
      expect(idle.headers.location).toBeUndefined();
      expect(t.stub.requests).toHaveLength(0);
    });

    it('admin revocation and disabling end sessions on the next request (S-3); role changes apply at once', async () => {
      const admin = await t.login('admin', PASSWORDS.admin);
      const op1 = await t.login('op', PASSWORDS.operator);
      const op = await t.store.users.findByUsername('op');
      const me = (cookie: string) => t.app.inject({ method: 'GET', url: '/auth/me', headers: { cookie } });
      expect((await me(op1)).json().user.role).toBe('operator');

      const role = await t.app.inject({
        method: 'PATCH',
        url: `/admin/users/${op!.id}`,
        headers: mutationHeaders(admin),
        payload: { role: 'viewer' },
      });
      expect(role.statusCode).toBe(200);
      expect((await me(op1)).json().user.role).toBe('viewer');

      const revoke = await t.app.inject({
        method: 'POST',
        url: `/admin/users/${op!.id}/revoke-sessions`,
        headers: mutationHeaders(admin),
      });
      expect(revoke.json()).toMatchObject({ sessionsEnded: 1 });
      expect((await me(op1)).statusCode).toBe(401);

      const op2 = await t.login('op', PASSWORDS.operator);
      await t.app.inject({
        method: 'POST',
        url: `/admin/users/${op!.id}/disable`,
        headers: mutationHeaders(admin),
      });
      expect((await me(op2)).statusCode).toBe(401);
      expect((await me(admin)).statusCode).toBe(200);
    });

    it('unauthenticated /api and /admin get JSON 401, never a redirect', async () => {
      for (const url of ['/api/v2/numbers', '/api/v2/routes', '/admin/users', '/admin/audit/records']) {
        const res = await t.app.inject({ method: 'GET', url });
        expect(res.statusCode).toBe(401);
        expect(res.headers['x-proxy-error']).toBe('unauthenticated');
        expect(res.json().errors[0].code).toBe('unauthenticated');
      }
      const forged = await t.app.inject({
        method: 'GET',
        url: '/api/v2/numbers',
        headers: { cookie: `${SESSION_COOKIE}=${'A'.repeat(43)}` },
      });
      expect(forged.statusCode).toBe(401);
      expect(t.stub.requests).toHaveLength(0);
    });
  });
});

describe('demo mode', () => {
  it('creates the admin demo with a generated password printed once; /auth/config says demo', async () => {
    const t = await buildStaffApp('pglite', { mode: 'demo' });
    try {
      expect(t.printed).toHaveLength(1);
      const m = /password (\S+) /.exec(t.printed[0]!);
      expect(m).not.toBeNull();
      const res = await t.app.inject({ method: 'GET', url: '/auth/config' });
      expect(res.json()).toEqual({ mode: 'demo', demoUser: 'demo' });
      const cookie = await t.login('demo', m![1]!);
      const me = await t.app.inject({ method: 'GET', url: '/auth/me', headers: { cookie } });
      expect(me.json().user).toMatchObject({ username: 'demo', role: 'admin' });
    } finally {
      await t.close();
    }
  });

  it('uses DEMO_PASSWORD when set and does not print it', async () => {
    const t = await buildStaffApp('pglite', { mode: 'demo', demoPassword: 'fixed demo password' });
    try {
      expect(t.printed.join('\n')).not.toContain('fixed demo password');
      await t.login('demo', 'fixed demo password');
    } finally {
      await t.close();
    }
  });
});
