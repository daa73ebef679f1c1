// Admin JSON API: staff accounts and the audit log (filters, detail, CSV export, verify).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStaffApp, mutationHeaders, type StaffApp } from '../../test/staff-harness';
import { csvCell } from './admin';
import type { Role } from '../store/types';

let t: StaffApp;
let cookies: Record<Role, string>;

beforeAll(async () => {
  t = await buildStaffApp('pglite');
  cookies = await t.signInAll();
});
afterAll(async () => {
  await t.close();
});

const adminCall = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: method === 'GET' ? { cookie: cookies.admin } : mutationHeaders(cookies.admin),
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

describe('/admin/users', () => {
  it('lists users without password hashes', async () => {
    const res = await adminCall('GET', '/admin/users');
    expect(res.statusCode).toBe(200);
    const users = res.json().users as Record<string, unknown>[];
    expect(users.map((u) => [u.username, u.role, u.disabled])).toEqual([
      ['admin', 'admin', false],
      ['operator', 'operator', false],
      ['viewer', 'viewer', false],
    ]);
    expect(res.body).not.toMatch(/scrypt|password/i);
  });

  it('creates with a given or generated password; validates; refuses duplicates', async () => {
    const given = await adminCall('POST', '/admin/users', {
      username: 'Erin',
      role: 'operator',
      password: 'erin password 1',
    });
    expect(given.statusCode).toBe(201);
    expect(given.json()).toEqual({
      user: expect.objectContaining({ username: 'erin', role: 'operator', disabled: false }),
    });
    const gen = await adminCall('POST', '/admin/users', { username: 'frank', role: 'viewer' });
    expect(gen.statusCode).toBe(201);
    const pw = gen.json().password as string;
    expect(pw).toHaveLength(20);
    await t.login('frank', pw);
    const dup = await adminCall('POST', '/admin/users', {
      username: 'ERIN',
      role: 'viewer',
      password: 'x'.repeat(12),
    });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().errors[0]).toMatchObject({ code: 'exists', source: { pointer: '/username' } });
    const weak = await adminCall('POST', '/admin/users', {
      username: 'gina',
      role: 'viewer',
      password: 'short',
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors[0].source).toEqual({ pointer: '/password' });
    const badRole = await adminCall('POST', '/admin/users', { username: 'gina', role: 'root' });
    expect(badRole.statusCode).toBe(400);
    const badName = await adminCall('POST', '/admin/users', { username: 'has space', role: 'viewer' });
    expect(badName.statusCode).toBe(400);
  });

  it('PATCH role/disabled and the POST aliases; last admin protected; everything audited', async () => {
    const erin = (await t.store.users.findByUsername('erin'))!;
    expect((await adminCall('PATCH', `/admin/users/${erin.id}`, { role: 'admin' })).json().user.role).toBe(
      'admin',
    );
    expect(
      (await adminCall('POST', `/admin/users/${erin.id}/role`, { role: 'viewer' })).json().user.role,
    ).toBe('viewer');
    expect(
      (await adminCall('PATCH', `/admin/users/${erin.id}`, { disabled: true })).json().user.disabled,
    ).toBe(true);
    expect((await adminCall('POST', `/admin/users/${erin.id}/enable`)).json().user.disabled).toBe(false);
    expect((await adminCall('POST', `/admin/users/${erin.id}/disable`)).json().user.disabled).toBe(true);
    expect((await adminCall('PATCH', `/admin/users/${erin.id}`, { password: 'x' })).statusCode).toBe(400);
    expect((await adminCall('PATCH', '/admin/users/nope', { disabled: true })).statusCode).toBe(404);
    const me = (await t.store.users.findByUsername('admin'))!;
    const last = await adminCall('PATCH', `/admin/users/${me.id}`, { role: 'operator' });
    expect(last.statusCode).toBe(409);
    expect(last.json().errors[0].code).toBe('last_admin');

    const reset = await adminCall('POST', `/admin/users/${erin.id}/password`, {
      password: 'brand new password',
    });
    expect(reset.statusCode).toBe(200);
    const gen = await adminCall('POST', `/admin/users/${erin.id}/reset-password`);
    expect(gen.json().password).toHaveLength(20);

    const events = (await t.store.audit.list({ what: 'user.*', limit: 100 })).items;
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'user.create',
        'user.role',
        'user.disable',
        'user.enable',
        'user.password_reset',
      ]),
    );
    const roleChange = events.find((e) => e.action === 'user.role' && e.target === 'erin')!;
    expect(roleChange).toMatchObject({ actor: 'admin', role: 'admin', sourceIp: '127.0.0.1' });
    expect(roleChange.summary).toMatchObject({ from: expect.any(String), to: expect.any(String) });
    expect(JSON.stringify(events)).not.toContain('brand new password');
  });
});

describe('/admin/audit', () => {
  it('lists with filters and paging, shows detail, verifies', async () => {
    const all = await adminCall('GET', '/admin/audit/records?limit=5');
    expect(all.statusCode).toBe(200);
    const body = all.json();
    expect(body.items).toHaveLength(5);
    expect(body.nextOffset).toBe(5);
    const logins = (await adminCall('GET', '/admin/audit/records?what=auth.login&who=viewer')).json();
    expect(logins.items.length).toBeGreaterThanOrEqual(1);
    expect(
      logins.items.every(
        (i: { action: string; actor: string }) => i.action === 'auth.login' && i.actor === 'viewer',
      ),
    ).toBe(true);
    const none = (await adminCall('GET', '/admin/audit/records?from=2000-01-01&to=2000-01-02')).json();
    expect(none.items).toEqual([]);
    expect((await adminCall('GET', '/admin/audit/records?from=yesterday')).statusCode).toBe(400);
    expect((await adminCall('GET', '/admin/audit/records?limit=-1')).statusCode).toBe(400);

    const id = body.items[0].id as string;
    const detail = await adminCall('GET', `/admin/audit/records/${id}`);
    expect(detail.json()).toMatchObject({ record: { id }, outcomes: [] });
    expect((await adminCall('GET', '/admin/audit/records/nope')).statusCode).toBe(404);

    const v = await adminCall('GET', '/admin/audit/verify');
    expect(v.json()).toMatchObject({ ok: true });
  });

  it('exports CSV with a header row, one line per record, formula injection neutralised; the export is audited', async () => {
    await t.store.audit.event({ action: 'auth.fail', actor: '=HYPERLINK("http://evil")', result: 'failed' });
    const res = await adminCall('GET', '/admin/audit/export.csv?what=auth.fail');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="audit-.*\.csv"$/);
    const lines = res.body.trim().split('\r\n');
    expect(lines[0]).toMatch(/^seq,time_utc,kind,action,user,role,source_ip,target,summary/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect((await t.store.audit.list({ what: 'audit.export' })).items).toHaveLength(1);
  });

  it('csvCell quotes and neutralises', () => {
    expect(csvCell('a"b')).toBe('"a""b"');
    expect(csvCell('+1 206')).toBe(`"'+1 206"`);
    expect(csvCell(null)).toBe('""');
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
  });

  it('is not available to operators', async () => {
    for (const url of ['/admin/audit/records', '/admin/audit/export.csv', '/admin/audit/verify']) {
      const res = await t.app.inject({ method: 'GET', url, headers: { cookie: cookies.operator } });
      expect(res.statusCode).toBe(403);
    }
  });
});
