// S-13: purchases need a single-use, 5-minute confirmation bound to (user, action, number) when
// PURCHASE_CONFIRMATION=required. Every refusal happens before Flowroute (0 upstream calls).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildStaffApp, mutationHeaders, type StaffApp } from '../../test/staff-harness';
import { json } from '../../test/stub-upstream';
import type { Role } from '../store/types';

const NUMBER = '12065550100';
let t: StaffApp;
let cookies: Record<Role, string>;

beforeAll(async () => {
  t = await buildStaffApp('pglite', { purchaseConfirmation: 'required' });
  cookies = await t.signInAll();
  t.stub.setHandler((req, res) => json(res, 201, { data: { id: req.url.split('/').pop(), type: 'number' } }));
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  t.stub.requests.length = 0;
});

async function confirm(cookie: string, target = NUMBER, action = 'purchaseNumber') {
  return t.app.inject({
    method: 'POST',
    url: '/auth/confirmations',
    headers: mutationHeaders(cookie),
    payload: { action, target, details: { setup_cost: '1.00', monthly_cost: '1.25', currency: 'USD' } },
  });
}
function buy(cookie: string, token: string | null, number = NUMBER, key = randomUUID()) {
  return t.app.inject({
    method: 'POST',
    url: `/api/v2/numbers/${number}`,
    headers: mutationHeaders(cookie, {
      'idempotency-key': key,
      ...(token ? { 'x-confirmation': token } : {}),
    }),
    payload: '{}',
  });
}

describe('purchase confirmation (S-13)', () => {
  it('issues a token only to roles that may buy, for a valid number', async () => {
    expect((await confirm(cookies.operator)).statusCode).toBe(403);
    expect((await confirm(cookies.admin, '123')).statusCode).toBe(400);
    expect((await confirm(cookies.admin, NUMBER, 'sendMessage')).statusCode).toBe(400);
    expect(
      (await t.app.inject({ method: 'POST', url: '/auth/confirmations', headers: mutationHeaders('') }))
        .statusCode,
    ).toBe(401);
    const ok = await confirm(cookies.admin);
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toEqual({
      token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresAt: expect.any(String),
    });
  });

  it('missing → 428, used once → ok, replayed → 409, other number → 403; 1 upstream call in all', async () => {
    expect((await buy(cookies.admin, null)).statusCode).toBe(428);
    const { token } = (await confirm(cookies.admin)).json() as { token: string };
    const first = await buy(cookies.admin, token);
    expect(first.statusCode).toBe(201);
    const replay = await buy(cookies.admin, token);
    expect(replay.statusCode).toBe(409);
    expect(replay.headers['x-proxy-error']).toBe('confirmation_used');
    const { token: t2 } = (await confirm(cookies.admin)).json() as { token: string };
    const wrong = await buy(cookies.admin, t2, '12065550199');
    expect(wrong.statusCode).toBe(403);
    expect(wrong.headers['x-proxy-error']).toBe('confirmation_invalid');
    expect(t.stub.requests).toHaveLength(1);
    const intent = (await t.store.audit.list({ what: 'purchaseNumber' })).items[0]!;
    expect(intent.summary.confirmed).toEqual({ setup_cost: '1.00', monthly_cost: '1.25', currency: 'USD' });
  });

  it("another user's token is refused", async () => {
    await t.store.users.create({ username: 'admin2', role: 'admin', password: 'admin2 password' });
    const other = await t.login('admin2', 'admin2 password');
    const { token } = (await confirm(other)).json() as { token: string };
    expect((await buy(cookies.admin, token)).statusCode).toBe(403);
    expect(t.stub.requests).toHaveLength(0);
  });

  it('expires after 5 minutes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const { token } = (await confirm(cookies.admin)).json() as { token: string };
      vi.setSystemTime(Date.now() + 5 * 60_000 + 1000);
      const res = await buy(cookies.admin, token);
      expect(res.statusCode).toBe(409);
      expect(res.headers['x-proxy-error']).toBe('confirmation_expired');
      expect(t.stub.requests).toHaveLength(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a double click (same Idempotency-Key, same token) buys once and replays the answer', async () => {
    const { token } = (await confirm(cookies.admin)).json() as { token: string };
    const key = randomUUID();
    const a = await buy(cookies.admin, token, NUMBER, key);
    const b = await buy(cookies.admin, token, NUMBER, key);
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(t.stub.requests).toHaveLength(1);
  });
});
