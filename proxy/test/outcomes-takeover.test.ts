// I-3 when the checking replica is killed: replica A loses a mutation's answer, starts reading Flowroute back, and
// dies mid-check — its record stays "checking" and the key "in flight". Once the record is past its deadline + 5 s
// (the poll shows it flagged), a retry with the same key on replica B takes the check over: it reads Flowroute back
// first and answers with what it finds, never forwarding the retry. Every case ends with exactly one effect at the
// emulator and the final outcome in the audit log. Also: GET /admin/outcomes shows what the poll shows, from
// outcome_checks. Two apps on one PGlite, and (TEST_DATABASE_URL) two pools on one PostgreSQL schema.
//
// "Killed" in-process: A's database handle starts failing every statement (as a dead process's connection would),
// so A writes nothing more — not its check count, not its flag at the deadline, not the audit outcome.
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../emulator/index';
import { openStore, type Store } from '../src/store';
import { AuditStore } from '../src/store/audit';
import type { Db } from '../src/store/db';
import { DbIdempotencyStore } from '../src/store/idempotency';
import {
  announcePostgresVariants,
  DB_VARIANTS,
  openTestStore,
  TEST_SCRYPT,
  type TestStore,
} from '../src/store/testing';
import { BREAKER_OFF, emulatorControl, RETRY_OFF } from './emulator-control';
import { as, buildTestApp, CANARY_SECRET, TEST_ACCESS_KEY, type TestApp } from './harness';

announcePostgresVariants('outcomes-takeover.test.ts');

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await startEmulator({ accessKey: TEST_ACCESS_KEY, secretKey: CANARY_SECRET, quiet: true });
});
afterAll(async () => {
  await emulator.close();
});

const { fault, clearFaults, purchases } = emulatorControl(() => emulator.url);

/** Adds a fault and returns a function removing just that one. */
async function faultUntilRemoved(spec: Record<string, unknown>): Promise<() => Promise<void>> {
  const res = await request(`${emulator.url}/__emulator/faults`, {
    method: 'POST',
    body: JSON.stringify(spec),
  });
  const { id } = (await res.body.json()) as { id: string };
  return async () => {
    await (await request(`${emulator.url}/__emulator/faults/${id}`, { method: 'DELETE' })).body.dump();
  };
}

async function routeChanges(number: string, routeId: string): Promise<number> {
  const res = await request(`${emulator.url}/__emulator/stats`);
  const s = (await res.body.json()) as { routeChanges: { number: string; route_id: string }[] };
  return s.routeChanges.filter((c) => c.number === number && c.route_id === routeId).length;
}

/** A database handle that fails every statement once `kill()` is called, as a killed process's would. */
function killable(db: Db): { db: Db; kill: () => void } {
  let dead = false;
  const proxy = new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) =>
        dead && ['query', 'exec', 'transaction'].includes(String(prop))
          ? Promise.reject(new Error('connection terminated: replica killed'))
          : (value as (...a: unknown[]) => unknown).apply(target, args);
    },
  });
  return { db: proxy, kill: () => (dead = true) };
}

const CONFIG = {
  logLevel: 'silent' as const,
  timeouts: { connectMs: 1000, readMs: 2000, mutationMs: 1000 },
  breaker: BREAKER_OFF,
  retry: RETRY_OFF,
  settle: { deadlineMs: 20_000, graceMs: 300, firstDelayMs: 50, maxIntervalMs: 150 },
};
/** A gives up after 1 s: its record is abandoned (deadline + 5 s) 6 s after the answer was lost. */
const A_SETTLE = { ...CONFIG.settle, deadlineMs: 1000 };
const ABANDONED_WAIT_MS = 1000 + 5000 + 500;

describe.each(DB_VARIANTS.filter((v) => v.enabled))('replica killed mid-check, $name', ({ name }) => {
  let storeA: TestStore;
  let storeB: Store | TestStore;
  let b: TestApp;
  let available: string[] = [];
  let own: string[] = [];
  let routeIds: string[] = [];

  beforeAll(async () => {
    storeA = await openTestStore(name);
    storeB =
      name === 'pglite'
        ? storeA
        : await openStore({
            databaseUrl: storeA.options.databaseUrl,
            schema: storeA.options.schema,
            scrypt: TEST_SCRYPT,
          });
    b = await buildTestApp(emulator.url, CONFIG, storeB);
    const get = async (url: string) =>
      (await b.app.inject({ method: 'GET', url, headers: as('viewer') })).json() as {
        data: { id: string }[];
      };
    const offset = name === 'pglite' ? 600 : 700;
    available = (await get(`/api/v2/numbers/available?limit=10&offset=${offset}`)).data.map((d) => d.id);
    own = (await get('/api/v2/numbers?limit=20')).data.map((d) => d.id);
    routeIds = (await get('/api/v2/routes?limit=20')).data.map((d) => d.id);
  });
  afterAll(async () => {
    await clearFaults();
    await b.app.close();
    if (storeB !== storeA) await storeB.close();
    await storeA.cleanup();
  });

  /** Replica A on the same database, through a handle that can be killed. */
  async function replicaA() {
    const handle = killable(storeA.db);
    const app = await buildTestApp(
      emulator.url,
      { ...CONFIG, settle: A_SETTLE },
      {
        db: handle.db,
        idempotency: new DbIdempotencyStore(handle.db),
        audit: new AuditStore(handle.db),
      },
    );
    return { ...app, kill: handle.kill };
  }

  const headers = (key: string) => ({
    ...as('admin', { 'x-test-user': 'alice' }),
    'idempotency-key': key,
  });
  const buy = (t: TestApp, number: string, key: string) =>
    t.app.inject({ method: 'POST', url: `/api/v2/numbers/${number}`, headers: headers(key), payload: {} });
  const setPrimary = (t: TestApp, number: string, routeId: string, key: string) =>
    t.app.inject({
      method: 'PATCH',
      url: `/api/v2/numbers/${number}/relationships/primary_route`,
      headers: headers(key),
      payload: { data: { type: 'route', id: routeId } },
    });
  const poll = async (t: TestApp, key: string) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/outcomes/${encodeURIComponent(key)}`,
      headers: as('viewer', { 'x-test-user': 'alice' }),
    });
    expect(res.statusCode).toBe(200);
    return res.json().outcome as { state: string; detail: string; answer?: { status: number } };
  };
  const adminList = async (t: TestApp) => {
    const res = await t.app.inject({ method: 'GET', url: '/admin/outcomes', headers: as('admin') });
    expect(res.statusCode).toBe(200);
    return res.json().items as { idempotencyKey: string; state: string; source: string; detail: string }[];
  };
  /** The latest audit outcome of the intent made with `key`. */
  const auditOutcome = async (key: string) => {
    const { items } = await storeB.audit.list({ limit: 500 });
    const intents = items.filter((i) => i.idempotencyKey === key && i.kind === 'intent');
    return intents.map((i) => i.outcome && { result: i.outcome.result, detail: i.outcome.detail });
  };

  it('a retry on B settles by reading Flowroute back: applied → replayed, not applied → nothing sent, one effect each', async () => {
    const a = await replicaA();
    const [nApplied, nNotApplied] = [available[0]!, available[1]!];
    const number = own[3]!;
    const detail = (
      await b.app.inject({
        method: 'GET',
        url: `/api/v2/numbers/${number}`,
        headers: as('viewer'),
      })
    ).json() as { data: { relationships?: { primary_route?: { data?: { id?: string } | null } } } };
    const current = detail.data.relationships?.primary_route?.data?.id ?? null;
    const routeId = routeIds.find((id) => id !== current)!;
    const k = { applied: `${name}-k-applied`, notApplied: `${name}-k-not`, route: `${name}-k-route` };

    // Flowroute carries out the purchase / route change but the answer is lost; the other purchase never arrives.
    // A cannot read Flowroute back before it is killed.
    await fault({ method: 'POST', path: `^/v2/numbers/${nApplied}$`, fault: 'reset_after', times: 1 });
    await fault({ method: 'POST', path: `^/v2/numbers/${nNotApplied}$`, fault: 'reset_before', times: 1 });
    const relPath = `^/v2/numbers/${number}/relationships/primary_route$`;
    await fault({ method: 'PATCH', path: relPath, fault: 'reset_after', times: 1 });
    const unreadable = await Promise.all(
      [nApplied, nNotApplied, number].map((n) =>
        faultUntilRemoved({ method: 'GET', path: `^/v2/numbers/${n}$`, fault: 'status', status: 503 }),
      ),
    );
    const firsts = [
      await buy(a, nApplied, k.applied),
      await buy(a, nNotApplied, k.notApplied),
      await setPrimary(a, number, routeId, k.route),
    ];
    for (const f of firsts) expect(f.headers['x-outcome-check']).toBe('pending');
    a.kill();
    for (const remove of unreadable) await remove();
    expect(await purchases(nApplied)).toBe(1);
    expect(await purchases(nNotApplied)).toBe(0);
    expect(await routeChanges(number, routeId)).toBe(1);

    // While A's deadline (+5 s) has not passed, a retry on B is "in flight" as before: nothing is checked or sent.
    const early = await buy(b, nApplied, k.applied);
    expect(early.statusCode).toBe(409);
    expect(early.headers['x-outcome-url']).toBe(`/api/outcomes/${k.applied}`);

    await new Promise((r) => setTimeout(r, ABANDONED_WAIT_MS));
    // The poll and the admin list on B both call them flagged (A's rows are still "checking").
    for (const key of Object.values(k)) expect((await poll(b, key)).state).toBe('flagged');
    const listed = await adminList(b);
    for (const key of Object.values(k)) {
      expect(listed.find((i) => i.idempotencyKey === key)).toMatchObject({
        state: 'flagged',
        source: 'proxy',
      });
    }

    // Applied: two retries at once on B — one takes the check over, the other does not check again; the purchase
    // is replayed from what Flowroute shows, never sent again.
    const [r1, r2] = await Promise.all([buy(b, nApplied, k.applied), buy(b, nApplied, k.applied)]);
    const statuses = [r1.statusCode, r2.statusCode].sort();
    expect(statuses[0]).toBe(201);
    expect([201, 409]).toContain(statuses[1]);
    const won = r1.statusCode === 201 ? r1 : r2;
    expect(won.headers['x-outcome']).toBe('applied');
    expect(won.headers['idempotent-replayed']).toBe('true');
    expect(won.json()).toMatchObject({ data: { id: nApplied } });
    const again = await buy(b, nApplied, k.applied);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await purchases(nApplied)).toBe(1);
    expect(await poll(b, k.applied)).toMatchObject({ state: 'applied', answer: { status: 201 } });
    expect(await auditOutcome(k.applied)).toEqual([
      {
        result: 'ok',
        detail: expect.stringMatching(/checking replica stopped.*Applied: .* is on the account/),
      },
    ]);

    // Route change applied: replayed as done (204), no second PATCH.
    const route = await setPrimary(b, number, routeId, k.route);
    expect(route.statusCode).toBe(204);
    expect(route.headers['x-outcome']).toBe('applied');
    expect(await routeChanges(number, routeId)).toBe(1);
    expect((await auditOutcome(k.route))[0]).toMatchObject({ result: 'ok' });

    // Not applied: the retry says so and sends nothing; the key is free again, and the user's next try buys it once.
    const notApplied = await buy(b, nNotApplied, k.notApplied);
    expect(notApplied.statusCode).toBe(502);
    expect(notApplied.headers['x-outcome']).toBe('not_applied');
    expect(notApplied.headers['idempotent-replayed']).toBeUndefined();
    expect(await purchases(nNotApplied)).toBe(0);
    expect(await poll(b, k.notApplied)).toMatchObject({ state: 'not_applied' });
    expect(await auditOutcome(k.notApplied)).toEqual([
      { result: 'failed', detail: expect.stringMatching(/Not applied: .* not on the account/) },
    ]);
    const bought = await buy(b, nNotApplied, k.notApplied);
    expect(bought.statusCode).toBe(201);
    expect(bought.headers['idempotent-replayed']).toBeUndefined();
    expect(await purchases(nNotApplied)).toBe(1);
    expect((await auditOutcome(k.notApplied)).map((o) => o?.result).sort()).toEqual(['failed', 'ok']);

    // Settled: off the admin list.
    const after = await adminList(b);
    for (const key of Object.values(k)) expect(after.some((i) => i.idempotencyKey === key)).toBe(false);
    await a.app.close();
  }, 60_000);

  it('Flowroute still unreadable when the retry comes: B goes on checking (poll, admin list), then settles it once', async () => {
    const a = await replicaA();
    const n = available[2]!;
    const key = `${name}-k-unreadable`;
    await fault({ method: 'POST', path: `^/v2/numbers/${n}$`, fault: 'reset_after', times: 1 });
    const unreadable = await faultUntilRemoved({
      method: 'GET',
      path: `^/v2/numbers/${n}$`,
      fault: 'status',
      status: 503,
    });
    expect((await buy(a, n, key)).headers['x-outcome-check']).toBe('pending');
    a.kill();
    await new Promise((r) => setTimeout(r, ABANDONED_WAIT_MS));
    expect((await poll(b, key)).state).toBe('flagged');

    const retry = await buy(b, n, key);
    expect(retry.statusCode).toBe(502);
    expect(retry.headers['x-proxy-error']).toBe('outcome_unknown');
    expect(retry.headers['x-outcome-check']).toBe('pending');
    expect(retry.headers['x-outcome-url']).toBe(`/api/outcomes/${key}`);
    // B checks now: the poll (on B, and from the database as another replica sees it) and the admin list agree.
    expect((await poll(b, key)).state).toBe('checking');
    expect(b.app.outcomes.get('alice', key)?.state).toBe('checking');
    const listed = (await adminList(b)).find((i) => i.idempotencyKey === key);
    expect(listed).toMatchObject({ state: 'checking', source: 'proxy' });
    const during = await buy(b, n, key);
    expect(during.statusCode).toBe(409);
    expect(during.headers['x-outcome-url']).toBe(`/api/outcomes/${key}`);

    await unreadable();
    await expect.poll(async () => (await poll(b, key)).state, { timeout: 10_000 }).toBe('applied');
    await b.app.outcomes.idle(); // the audit outcome is written right after the state
    const replay = await buy(b, n, key);
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(await purchases(n)).toBe(1);
    expect((await auditOutcome(key))[0]).toMatchObject({ result: 'ok' });
    await a.app.close();
  }, 60_000);

  it('the admin list shows a record as the poll does, whichever replica wrote it', async () => {
    // A flagged record (A's deadline passed while alive), and a settled one: flagged listed, settled not listed.
    const a = await buildTestApp(emulator.url, { ...CONFIG, settle: A_SETTLE }, storeA);
    const n = available[3]!;
    const m = available[4]!;
    const flaggedKey = `${name}-k-list-flagged`;
    const settledKey = `${name}-k-list-settled`;
    await fault({ method: 'POST', path: `^/v2/numbers/${n}$`, fault: 'reset_after', times: 1 });
    const unreadable = await faultUntilRemoved({
      method: 'GET',
      path: `^/v2/numbers/${n}$`,
      fault: 'status',
      status: 503,
    });
    await fault({ method: 'POST', path: `^/v2/numbers/${m}$`, fault: 'reset_after', times: 1 });
    await buy(a, n, flaggedKey);
    await buy(a, m, settledKey);
    await a.app.outcomes.idle();
    await unreadable();
    expect((await poll(b, flaggedKey)).state).toBe('flagged');
    expect((await poll(b, settledKey)).state).toBe('applied');
    const listed = await adminList(b);
    expect(listed.find((i) => i.idempotencyKey === flaggedKey)).toMatchObject({
      state: 'flagged',
      source: 'proxy',
      detail: expect.stringMatching(/^Flagged for an operator: no answer within 1000 ms/),
    });
    expect(listed.some((i) => i.idempotencyKey === settledKey)).toBe(false);
    // A flagged key replays "flagged" and is not checked again by a retry (it is not abandoned: A settled it).
    const retry = await buy(b, n, flaggedKey);
    expect(retry.statusCode).toBe(502);
    expect(retry.headers['x-outcome']).toBe('flagged');
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await purchases(n)).toBe(1);
    expect(await purchases(m)).toBe(1);
    await a.app.close();
  }, 60_000);
});
