// Whole-process tests of the proxy (`node --import tsx proxy/src/server.ts`) against a recording stub Flowroute:
// - kill -9 between audit intent and outcome, restart on the same embedded database → outcome "unknown";
// - two proxy processes on one PostgreSQL: shared sessions, logout on one ends it on both, one Idempotency-Key
//   used on both makes one purchase;
// - two proxy processes on one PostgreSQL: a purchase whose answer was lost on A is polled on B (GET
//   /api/outcomes/:key) and B answers with A's real state — "checking", then "applied" with the answer to replay;
// - the same, but A is killed (SIGKILL) mid-check: once A's record is past its deadline + 5 s, a retry on B reads
//   Flowroute back and replays the purchase — one POST at Flowroute, and the audit log says "ok";
// - the same, but A only stalls (SIGSTOP) and resumes after B took the check over: A's late answer is dropped.
// The process helpers and the stub that loses purchase answers are in proxy/test/outcome-replicas.ts.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  login,
  lostPurchaseStub,
  PROCESS_ADMIN_PW as ADMIN_PW,
  PROCESS_NUMBER as NUMBER,
  purchase,
  type ProxyProcess as Child,
  startProxy,
  stopProxy,
  waitFor,
} from '../../test/outcome-replicas';
import { json, startStub, type Stub } from '../../test/stub-upstream';
import { openStore } from './index';
import { announcePostgresVariants, dropSchema, randomSchema, TEST_DATABASE_URL } from './testing';

announcePostgresVariants('processes.test.ts');

let stub: Stub;
beforeAll(async () => {
  stub = await startStub();
});
afterAll(async () => {
  await stub.close();
});

describe('kill -9 between audit intent and outcome (embedded PGlite file)', () => {
  let child: Child | undefined;
  let dir = '';
  afterAll(async () => {
    await stopProxy(child, 'SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('leaves the intent marked "unknown" after restart', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'proxy-kill9-'));
    const seed = await openStore({ dataDir: path.join(dir, 'db') });
    await seed.users.create({ username: 'admin', role: 'admin', password: ADMIN_PW });
    await seed.close();

    // Flowroute receives the purchase and never answers.
    stub.requests.length = 0;
    stub.setHandler(() => undefined);
    const env = { DATA_DIR: dir, FLOWROUTE_BASE_URL: stub.url };
    child = await startProxy(env);
    const cookie = await login(child.url);
    const key = randomUUID();
    const pending = purchase(child.url, cookie, key).catch((e: unknown) => e);
    await waitFor(() => stub.requests.some((r) => r.method === 'POST'));
    child.proc.kill('SIGKILL');
    await new Promise((r) => child!.proc.once('exit', r));
    await pending;

    stub.setHandler((_req, res) => json(res, 200, { data: [] }));
    child = await startProxy(env);
    const cookie2 = await login(child.url);
    const res = await fetch(`${child.url}/admin/audit/records?what=purchaseNumber`, {
      headers: { cookie: cookie2 },
    });
    const body = (await res.json()) as {
      items: { idempotencyKey: string; outcome: { result: string; detail: string } | null }[];
    };
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({ idempotencyKey: key, outcome: { result: 'unknown' } });
    expect(body.items[0]!.outcome!.detail).toMatch(/stopped between the intent and the outcome/);
    const verify = (await (
      await fetch(`${child.url}/admin/audit/verify`, { headers: { cookie: cookie2 } })
    ).json()) as {
      ok: boolean;
    };
    expect(verify.ok).toBe(true);
    expect(child.output.join('')).toMatch(/were marked \\?"unknown/);
    // Retrying the same action (same key) does not send it again: it replays "outcome unknown".
    const postsBefore = stub.requests.filter((r) => r.method === 'POST').length;
    const retry = await purchase(child.url, cookie2, key);
    expect(retry.status).toBe(502);
    expect(retry.headers.get('x-proxy-error')).toBe('outcome_unknown');
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(stub.requests.filter((r) => r.method === 'POST')).toHaveLength(postsBefore);

    await stopProxy(child);
  }, 240_000);
});

describe.runIf(Boolean(TEST_DATABASE_URL))('two proxy processes on one PostgreSQL', () => {
  const replicas: Child[] = [];
  const schemas: string[] = [];
  afterAll(async () => {
    await Promise.all(replicas.map((c) => stopProxy(c, 'SIGKILL')));
    await Promise.all(schemas.map((s) => dropSchema(s)));
  });
  /** Two replicas on a fresh schema with the admin account, talking to the stub (set its handler first). */
  async function startReplicas(env: Record<string, string> = {}): Promise<[Child, Child]> {
    const schema = randomSchema();
    schemas.push(schema);
    const seed = await openStore({ databaseUrl: TEST_DATABASE_URL, schema });
    await seed.users.create({ username: 'admin', role: 'admin', password: ADMIN_PW });
    await seed.close();
    const all = {
      DATABASE_URL: TEST_DATABASE_URL!,
      DATABASE_SCHEMA: schema,
      FLOWROUTE_BASE_URL: stub.url,
      ...env,
    };
    const [a, b] = await Promise.all([startProxy(all), startProxy(all)]);
    replicas.push(a, b);
    return [a, b];
  }

  it('share sessions, logout on one ends it on both, one Idempotency-Key makes one purchase', async () => {
    stub.requests.length = 0;
    // A slow purchase, so the second proxy sees the first one in flight.
    stub.setHandler((req, res) => {
      if (req.method === 'POST')
        setTimeout(() => json(res, 201, { data: { id: NUMBER, type: 'number' } }), 1500);
      else json(res, 200, { data: [] });
    });
    const [pa, pb] = await startReplicas();
    expect(pa.url).not.toBe(pb.url);

    // A session made on A works on B.
    const cookie = await login(pa.url);
    const meB = await fetch(`${pb.url}/auth/me`, { headers: { cookie } });
    expect(meB.status).toBe(200);

    // One Idempotency-Key on both: one purchase reaches Flowroute.
    const key = randomUUID();
    const [ra, rb] = await Promise.all([
      purchase(pa.url, cookie, key),
      new Promise<Response>((r) => setTimeout(() => r(purchase(pb.url, cookie, key)), 300)),
    ]);
    expect([ra.status, rb.status].sort()).toEqual([201, 409]);
    const again = await purchase(pb.url, cookie, key);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(stub.requests.filter((r) => r.method === 'POST')).toHaveLength(1);

    // Logout on B ends the session on A too.
    const out = await fetch(`${pb.url}/auth/logout`, {
      method: 'POST',
      headers: { cookie, origin: pb.url, 'x-csrf': '1' },
    });
    expect(out.status).toBe(204);
    expect((await fetch(`${pa.url}/auth/me`, { headers: { cookie } })).status).toBe(401);
    expect((await fetch(`${pb.url}/api/v2/numbers`, { headers: { cookie } })).status).toBe(401);

    // Both processes wrote into one unbroken audit chain.
    const check = await openStore({ databaseUrl: TEST_DATABASE_URL, schema: schemas.at(-1)! });
    try {
      expect((await check.audit.verify()).ok).toBe(true);
      const purchases = (await check.audit.list({ what: 'purchaseNumber' })).items;
      expect(purchases).toHaveLength(1);
      expect(purchases[0]!.outcome?.result).toBe('ok');
    } finally {
      await check.close();
    }
  }, 240_000);

  it('a purchase whose answer was lost on A: polling B gives "checking", then the settled answer', async () => {
    // Flowroute buys the number but the connection drops before the answer; reading it back fails until
    // `readable()`, then shows the number on the account.
    const { readable } = lostPurchaseStub(stub);
    const [pa, pb] = await startReplicas({
      OUTCOME_SETTLE_DEADLINE_MS: '60000',
      OUTCOME_SETTLE_GRACE_MS: '1000',
      BREAKER_CONSECUTIVE_FAILURES: '10000',
      BREAKER_MIN_VOLUME: '1000000',
    });
    const cookie = await login(pa.url);

    const key = randomUUID();
    const first = await purchase(pa.url, cookie, key);
    expect(first.status).toBe(502);
    expect(first.headers.get('x-outcome-check')).toBe('pending');
    const url = first.headers.get('x-outcome-url')!;
    expect(url).toBe(`/api/outcomes/${key}`);

    const poll = async (base: string) => {
      const res = await fetch(`${base}${url}`, { headers: { cookie } });
      expect(res.status).toBe(200);
      return ((await res.json()) as { outcome: Record<string, unknown> & { answer?: { status: number } } })
        .outcome;
    };
    // On B (which never saw the purchase), right away: A is checking; the count of A's read-backs grows.
    expect(await poll(pb.url)).toMatchObject({
      state: 'checking',
      operation: 'purchaseNumber',
      target: NUMBER,
    });
    await waitFor(
      () => stub.requests.filter((r) => r.method === 'GET' && r.url.endsWith(NUMBER)).length >= 2,
    );
    const checks = (await poll(pb.url)).checks as number;
    expect(checks).toBeGreaterThanOrEqual(1);

    // Flowroute answers again: A settles it; B says so, with the answer a retry gets.
    readable();
    let settled: Awaited<ReturnType<typeof poll>> = await poll(pb.url);
    const until = Date.now() + 20_000;
    while (settled.state === 'checking' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
      settled = await poll(pb.url);
    }
    expect(settled).toMatchObject({ state: 'applied', answer: { status: 201 } });
    expect(settled.checks as number).toBeGreaterThan(checks);
    expect(await poll(pa.url)).toEqual(settled);

    // A retry of the same action on B replays it: one purchase at Flowroute.
    const retry = await purchase(pb.url, cookie, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(stub.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  }, 240_000);

  it('A killed mid-check: a retry on B after the deadline reads Flowroute back and replays, one purchase', async () => {
    const { readable } = lostPurchaseStub(stub);
    const [pa, pb] = await startReplicas({
      OUTCOME_SETTLE_DEADLINE_MS: '1000',
      OUTCOME_SETTLE_GRACE_MS: '200',
      BREAKER_CONSECUTIVE_FAILURES: '10000',
      BREAKER_MIN_VOLUME: '1000000',
    });
    const cookie = await login(pa.url);
    const key = randomUUID();
    const first = await purchase(pa.url, cookie, key);
    expect(first.status).toBe(502);
    expect(first.headers.get('x-outcome-check')).toBe('pending');
    await stopProxy(pa, 'SIGKILL'); // mid-check: its record stays "checking", the key "in flight"
    readable();

    // Before A's deadline + 5 s: in flight, nothing checked or sent by B.
    const early = await purchase(pb.url, cookie, key);
    expect(early.status).toBe(409);
    await new Promise((r) => setTimeout(r, 6_500));
    const pollB = await fetch(`${pb.url}/api/outcomes/${key}`, { headers: { cookie } });
    expect(((await pollB.json()) as { outcome: { state: string } }).outcome.state).toBe('flagged');

    const retry = await purchase(pb.url, cookie, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('x-outcome')).toBe('applied');
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const again = await purchase(pb.url, cookie, key);
    expect(again.status).toBe(201);
    expect(stub.requests.filter((r) => r.method === 'POST')).toHaveLength(1);

    const check = await openStore({ databaseUrl: TEST_DATABASE_URL, schema: schemas.at(-1)! });
    try {
      expect((await check.audit.verify()).ok).toBe(true);
      const items = (await check.audit.list({ what: 'purchaseNumber' })).items;
      expect(items).toHaveLength(1);
      expect(items[0]!.outcome).toMatchObject({ result: 'ok' });
      expect(items[0]!.outcome!.detail).toMatch(/checking replica stopped/);
    } finally {
      await check.close();
    }
  }, 240_000);

  it('A stalled (SIGSTOP) mid-check and taken over by B: when A resumes, its late "flagged" is dropped', async () => {
    const { readable } = lostPurchaseStub(stub);
    const [pa, pb] = await startReplicas({
      OUTCOME_SETTLE_DEADLINE_MS: '1000',
      OUTCOME_SETTLE_GRACE_MS: '200',
      BREAKER_CONSECUTIVE_FAILURES: '10000',
      BREAKER_MIN_VOLUME: '1000000',
    });
    const cookie = await login(pa.url);
    const key = randomUUID();
    const first = await purchase(pa.url, cookie, key);
    expect(first.headers.get('x-outcome-check')).toBe('pending');
    // A is alive (its connections and liveness lock stay) but stops running: to B it looks abandoned.
    pa.proc.kill('SIGSTOP');
    try {
      await new Promise((r) => setTimeout(r, 6_500));
      readable();
      const retry = await purchase(pb.url, cookie, key);
      expect(retry.status).toBe(201);
      expect(retry.headers.get('x-outcome')).toBe('applied');
      // Flowroute unreadable again when A wakes up past its deadline: A would flag the key "outcome unknown".
      readable(false);
    } finally {
      pa.proc.kill('SIGCONT');
    }
    await waitFor(() => /outcome check lost to another check of the same key/.test(pa.output.join('')));

    for (const p of [pa, pb]) {
      const again = await purchase(p.url, cookie, key);
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
    }
    expect(stub.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    const check = await openStore({ databaseUrl: TEST_DATABASE_URL, schema: schemas.at(-1)! });
    try {
      expect((await check.audit.verify()).ok).toBe(true);
      const items = (await check.audit.list({ what: 'purchaseNumber' })).items;
      expect(items).toHaveLength(1);
      expect(items[0]!.outcome).toMatchObject({ result: 'ok' });
    } finally {
      await check.close();
    }
  }, 240_000);
});
