// The staff-access guard in front of the closed route table, end to end with real sessions: CSRF forgeries,
// every role × every operation, and an audit intent/outcome pair for every mutation.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildStaffApp, mutationHeaders, ORIGIN, type StaffApp } from '../../test/staff-harness';
import { CANARY_SECRET } from '../../test/harness';
import { json } from '../../test/stub-upstream';
import { roleAtLeast, type Role } from '../store/types';
import { OPERATIONS, type OperationId } from './table';

const NUMBER = '12065550100';
const SAMPLES: Record<OperationId, { method: 'GET' | 'POST' | 'PATCH'; url: string; payload?: unknown }> = {
  listNumbers: { method: 'GET', url: '/api/v2/numbers?limit=20' },
  searchAvailableNumbers: { method: 'GET', url: '/api/v2/numbers/available?starts_with=1206&limit=10' },
  listAreaCodes: { method: 'GET', url: '/api/v2/numbers/available/areacodes' },
  listExchanges: { method: 'GET', url: '/api/v2/numbers/available/exchanges?areacode=206' },
  getNumber: { method: 'GET', url: `/api/v2/numbers/${NUMBER}` },
  purchaseNumber: { method: 'POST', url: `/api/v2/numbers/${NUMBER}`, payload: {} },
  updatePrimaryRoute: {
    method: 'PATCH',
    url: `/api/v2/numbers/${NUMBER}/relationships/primary_route`,
    payload: { data: { type: 'route', id: '0' } },
  },
  updateFailoverRoute: {
    method: 'PATCH',
    url: `/api/v2/numbers/${NUMBER}/relationships/failover_route`,
    payload: { data: { type: 'route', id: '0' } },
  },
  listRoutes: { method: 'GET', url: '/api/v2/routes' },
  createRoute: {
    method: 'POST',
    url: '/api/v2/routes',
    payload: {
      data: { type: 'route', attributes: { alias: 'pbx-1', route_type: 'host', value: 'pbx.example.com' } },
    },
  },
  sendMessage: {
    method: 'POST',
    url: '/api/v2.1/messages',
    payload: { from: NUMBER, to: '12065550101', body: 'The secret launch code is 1234' },
  },
  listMessages: { method: 'GET', url: '/api/v2.1/messages?start_date=2026-01-01' },
  getMessage: { method: 'GET', url: `/api/v2.1/messages/mdr2-${'a'.repeat(32)}` },
};

/** What DESIGN.md says each role may do; the table must agree. */
const EXPECTED_MIN_ROLE: Record<OperationId, Role> = {
  listNumbers: 'viewer',
  searchAvailableNumbers: 'viewer',
  listAreaCodes: 'viewer',
  listExchanges: 'viewer',
  getNumber: 'viewer',
  listRoutes: 'viewer',
  listMessages: 'viewer',
  getMessage: 'viewer',
  updatePrimaryRoute: 'operator',
  updateFailoverRoute: 'operator',
  createRoute: 'operator',
  sendMessage: 'operator',
  purchaseNumber: 'admin',
};

let t: StaffApp;
let cookies: Record<Role, string>;

function request(opId: OperationId, cookie: string, headers: Record<string, string> = {}) {
  const s = SAMPLES[opId];
  const mutation = s.method !== 'GET';
  return t.app.inject({
    method: s.method,
    url: s.url,
    headers: mutation
      ? mutationHeaders(cookie, { 'idempotency-key': randomUUID(), ...headers })
      : { cookie, ...headers },
    ...(s.payload !== undefined ? { payload: JSON.stringify(s.payload) } : {}),
  });
}

beforeAll(async () => {
  t = await buildStaffApp('pglite');
  cookies = await t.signInAll();
  t.stub.setHandler((req, res) => {
    if (req.method === 'GET') return json(res, 200, { data: [] });
    return json(res, req.url.startsWith('/v2.1/messages') ? 202 : 201, {
      data: { id: req.url.startsWith('/v2.1') ? `mdr2-${'b'.repeat(32)}` : '98765', type: 'x' },
    });
  });
});
afterAll(async () => {
  await t.close();
});
beforeEach(() => {
  t.stub.requests.length = 0;
});

describe('route table roles match the design', () => {
  it('has a sample request and an expected role for every operation', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(OPERATIONS.map((o) => o.operationId).sort());
    for (const op of OPERATIONS)
      expect([op.operationId, op.minRole]).toEqual([op.operationId, EXPECTED_MIN_ROLE[op.operationId]]);
  });
});

describe('every role × every operation (real sessions)', () => {
  const cases = (['viewer', 'operator', 'admin'] as const).flatMap((role) =>
    OPERATIONS.map((op) => ({
      role,
      op: op.operationId,
      allowed: roleAtLeast(role, EXPECTED_MIN_ROLE[op.operationId]),
    })),
  );
  it.each(cases)('$role → $op: allowed=$allowed', async ({ role, op, allowed }) => {
    const res = await request(op, cookies[role]);
    if (allowed) {
      expect(res.statusCode, res.body).toBeLessThan(300);
      expect(t.stub.requests).toHaveLength(1);
    } else {
      expect(res.statusCode).toBe(403);
      expect(res.headers['x-proxy-error']).toBe('forbidden_role');
      expect(t.stub.requests).toHaveLength(0);
    }
  });

  it.each(OPERATIONS.map((o) => o.operationId))('signed out → %s: 401, 0 upstream calls', async (op) => {
    const res = await request(op, '');
    expect(res.statusCode).toBe(401);
    expect(res.headers['x-proxy-error']).toBe('unauthenticated');
    expect(t.stub.requests).toHaveLength(0);
  });

  it('admin API: viewer and operator get 403, admin 200', async () => {
    for (const role of ['viewer', 'operator'] as const) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/admin/users',
        headers: { cookie: cookies[role] },
      });
      expect(res.statusCode).toBe(403);
      expect(res.headers['x-proxy-error']).toBe('forbidden_role');
      const create = await t.app.inject({
        method: 'POST',
        url: '/admin/users',
        headers: mutationHeaders(cookies[role]),
        payload: { username: 'sneaky', role: 'admin' },
      });
      expect(create.statusCode).toBe(403);
    }
    expect(await t.store.users.findByUsername('sneaky')).toBeNull();
    const ok = await t.app.inject({ method: 'GET', url: '/admin/users', headers: { cookie: cookies.admin } });
    expect(ok.statusCode).toBe(200);
  });
});

describe('CSRF forgeries are refused before anything happens (S-7)', () => {
  const purchase = (headers: Record<string, string | undefined>, payload: string | undefined = '{}') =>
    t.app.inject({
      method: 'POST',
      url: `/api/v2/numbers/${NUMBER}`,
      headers: Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as Record<
        string,
        string
      >,
      ...(payload !== undefined ? { payload } : {}),
    });
  const good = () => ({
    cookie: cookies.admin,
    origin: ORIGIN,
    'x-csrf': '1',
    'content-type': 'application/json',
    'idempotency-key': randomUUID(),
  });

  const forgeries: [
    string,
    () => Promise<{ statusCode: number; headers: Record<string, unknown> }>,
    number,
  ][] = [
    ['no X-CSRF header', () => purchase({ ...good(), 'x-csrf': undefined }), 403],
    ['X-CSRF: 0', () => purchase({ ...good(), 'x-csrf': '0' }), 403],
    ['foreign Origin', () => purchase({ ...good(), origin: 'https://evil.example' }), 403],
    ['Origin: null (sandboxed iframe, data: URL)', () => purchase({ ...good(), origin: 'null' }), 403],
    ['other port on the same host', () => purchase({ ...good(), origin: 'http://localhost:8081' }), 403],
    ['other scheme on the same host', () => purchase({ ...good(), origin: 'https://localhost' }), 403],
    [
      'sibling subdomain (same-site)',
      () => purchase({ ...good(), origin: 'http://evil.localhost', 'sec-fetch-site': 'same-site' }),
      403,
    ],
    [
      'Sec-Fetch-Site: cross-site without Origin',
      () => purchase({ ...good(), origin: undefined, 'sec-fetch-site': 'cross-site' }),
      403,
    ],
    [
      'Sec-Fetch-Site: cross-site with our Origin',
      () => purchase({ ...good(), 'sec-fetch-site': 'cross-site' }),
      403,
    ],
    [
      'Sec-Fetch-Site: none (typed URL / bookmark)',
      () => purchase({ ...good(), origin: undefined, 'sec-fetch-site': 'none' }),
      403,
    ],
    ['neither Origin nor Sec-Fetch-Site', () => purchase({ ...good(), origin: undefined }), 403],
    [
      'text/plain body (simple request, no preflight)',
      () => purchase({ ...good(), 'content-type': 'text/plain' }),
      415,
    ],
    [
      'HTML form urlencoded',
      () => purchase({ ...good(), 'content-type': 'application/x-www-form-urlencoded' }, 'a=1'),
      415,
    ],
    [
      'HTML form multipart',
      () => purchase({ ...good(), 'content-type': 'multipart/form-data; boundary=x' }, '--x--'),
      415,
    ],
    ['body without Content-Type', () => purchase({ ...good(), 'content-type': undefined }, '{}'), 415],
    [
      'cross-site form post (all browser headers of a real forgery)',
      () =>
        purchase(
          {
            cookie: cookies.admin,
            origin: 'https://evil.example',
            'sec-fetch-site': 'cross-site',
            'content-type': 'application/x-www-form-urlencoded',
          },
          'x=1',
        ),
      403,
    ],
    [
      'route change without X-CSRF',
      () =>
        t.app.inject({
          method: 'PATCH',
          url: `/api/v2/numbers/${NUMBER}/relationships/primary_route`,
          headers: { ...good(), 'x-csrf': '' },
          payload: { data: { type: 'route', id: '0' } },
        }),
      403,
    ],
    [
      'send from a foreign origin',
      () =>
        t.app.inject({
          method: 'POST',
          url: '/api/v2.1/messages',
          headers: { ...good(), origin: 'https://evil.example' },
          payload: SAMPLES.sendMessage.payload as object,
        }),
      403,
    ],
    [
      'admin user creation without X-CSRF',
      () =>
        t.app.inject({
          method: 'POST',
          url: '/admin/users',
          headers: (({ 'x-csrf': _x, ...rest }) => rest)(good()),
          payload: { username: 'forged', role: 'admin' },
        }),
      403,
    ],
    [
      'cross-site sign-out',
      () =>
        t.app.inject({
          method: 'POST',
          url: '/auth/logout',
          headers: { cookie: cookies.admin, origin: 'https://evil.example' },
        }),
      403,
    ],
  ];

  it.each(forgeries.map(([name, run, status]) => ({ name, run, status })))(
    '$name → $status',
    async ({ run, status }) => {
      const intentsBefore = (await t.store.audit.list({ limit: 10_000 })).items.filter(
        (i) => i.kind === 'intent',
      ).length;
      const res = await run();
      expect(res.statusCode).toBe(status);
      expect(res.headers['x-proxy-error']).toBe(status === 415 ? 'unsupported_media_type' : 'csrf');
      expect(t.stub.requests).toHaveLength(0);
      const intentsAfter = (await t.store.audit.list({ limit: 10_000 })).items.filter(
        (i) => i.kind === 'intent',
      ).length;
      expect(intentsAfter).toBe(intentsBefore);
    },
  );

  it('the forgeries left the session and the users alone', async () => {
    expect(
      (await t.app.inject({ method: 'GET', url: '/auth/me', headers: { cookie: cookies.admin } })).statusCode,
    ).toBe(200);
    expect(await t.store.users.findByUsername('forged')).toBeNull();
  });

  it('control: the same purchase, well-formed, goes through once (also with Sec-Fetch-Site: same-origin only)', async () => {
    const res = await purchase(good());
    expect(res.statusCode).toBe(201);
    const res2 = await purchase({ ...good(), origin: undefined, 'sec-fetch-site': 'same-origin' });
    expect(res2.statusCode).toBe(201);
    expect(t.stub.requests).toHaveLength(2);
  });
});

describe('audit: an intent/outcome pair for every mutation (A-2)', () => {
  it.each(OPERATIONS.filter((o) => o.kind === 'mutation').map((o) => o.operationId))('%s', async (op) => {
    const key = randomUUID();
    const res = await request(op, cookies.admin, { 'idempotency-key': key });
    expect(res.statusCode).toBeLessThan(300);
    const found = (await t.store.audit.list({ what: op, limit: 1000 })).items.filter(
      (i) => i.idempotencyKey === key,
    );
    expect(found).toHaveLength(1);
    const intent = found[0]!;
    expect(intent).toMatchObject({ kind: 'intent', actor: 'admin', role: 'admin', sourceIp: '127.0.0.1' });
    expect(intent.outcome).toMatchObject({
      status: res.statusCode,
      result: 'ok',
      flowrouteId: expect.any(String),
    });
    expect(intent.outcome!.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(intent.outcome!.ts)).toBeGreaterThanOrEqual(Date.parse(intent.ts));
    if (op === 'purchaseNumber' || op.startsWith('update')) expect(intent.target).toBe(NUMBER);
    if (op === 'sendMessage') {
      expect(intent.target).toBe('12065550101');
      expect(intent.summary.body).toEqual({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/), length: 30 });
      expect(JSON.stringify(intent)).not.toContain('launch code');
    }
    // A replay of the same key writes no new intent and makes no upstream call.
    t.stub.requests.length = 0;
    const replay = await request(op, cookies.admin, { 'idempotency-key': key });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(t.stub.requests).toHaveLength(0);
    expect(
      (await t.store.audit.list({ what: op, limit: 1000 })).items.filter((i) => i.idempotencyKey === key),
    ).toHaveLength(1);
  });

  it('the whole chain written by this file verifies', async () => {
    expect((await t.store.audit.verify()).ok).toBe(true);
  });
});

describe('fail closed: no intent, no mutation (A-4)', () => {
  it('a purchase is refused with 503 when the audit log cannot be written, and nothing is sent', async () => {
    const original = t.store.audit.intent.bind(t.store.audit);
    t.store.audit.intent = async () => {
      throw new Error('disk full');
    };
    try {
      const res = await request('purchaseNumber', cookies.admin);
      expect(res.statusCode).toBe(503);
      expect(res.headers['x-proxy-error']).toBe('audit_unavailable');
      expect(t.stub.requests).toHaveLength(0);
    } finally {
      t.store.audit.intent = original;
    }
  });
});

describe('audit hygiene (A-4)', () => {
  it('no audit record holds the Flowroute secret, a session token, a cookie or a password', async () => {
    const rows = await t.store.db.query('SELECT * FROM audit');
    const text = JSON.stringify(rows);
    expect(rows.length).toBeGreaterThan(20);
    expect(text).not.toContain(CANARY_SECRET);
    for (const cookie of Object.values(cookies)) expect(text).not.toContain(cookie.split('=')[1]!);
    expect(text).not.toMatch(/__Host-session|password 1/);
  });
});
