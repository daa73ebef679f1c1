// I-3 when the checking replica is killed: replica A loses a mutation's answer, starts reading Flowroute back, and
// dies mid-check — its record stays "checking" and the key "in flight". Once the record is past its deadline + 5 s
// (the poll shows it flagged), a retry with the same key on replica B takes the check over: it reads Flowroute back
// first and answers with what it finds, never forwarding the retry. Every case ends with exactly one effect at the
// emulator and the final outcome in the audit log. Also: GET /admin/outcomes shows what the poll shows, from
// outcome_checks. Two apps on one PGlite, and (TEST_DATABASE_URL) two pools on one PostgreSQL schema.
//
// Also: a replica that only stalled (alive, but stuck past its deadline + 5 s) and was taken over — its late answer
// is dropped, the key goes on replaying the takeover's; and the orphan sweep (audit markOrphans) run before and during
// a takeover changes nothing.
//
// "Killed" in-process: A's database handle starts failing every statement (as a dead process's connection would),
// so A writes nothing more — not its check count, not its flag at the deadline, not the audit outcome. "Stalled": its
// statements wait until it resumes (killable / pausable in outcome-replicas.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announcePostgresVariants, DB_VARIANTS } from '../src/store/testing';
import { as, type TestApp } from './harness';
import {
  ABANDONED_WAIT_MS,
  adminList,
  auditOutcomes,
  buildReplicaOn,
  buy,
  emulatorInventory,
  killable,
  openReplicaStores,
  pausable,
  poll,
  type ReplicaStores,
  setPrimary,
  SHORT_SETTLE,
  useEmulator,
} from './outcome-replicas';

announcePostgresVariants('outcomes-takeover.test.ts');

const emulator = useEmulator();
const { fault, clearFaults, purchases, faultUntilRemoved, routeChanges } = emulator;

describe.each(DB_VARIANTS.filter((v) => v.enabled))('replica killed mid-check, $name', ({ name }) => {
  let stores: ReplicaStores;
  let b: TestApp;
  let available: string[] = [];
  let own: string[] = [];
  let routeIds: string[] = [];

  beforeAll(async () => {
    stores = await openReplicaStores(name);
    b = await buildReplicaOn(emulator.url, stores.b.db);
    ({ available, own, routeIds } = await emulatorInventory(b, name === 'pglite' ? 600 : 700));
  });
  afterAll(async () => {
    await clearFaults();
    await b.app.close();
    await stores.close();
  });

  /** Replica A on the same database, through a handle that can be killed; it gives up checking after 1 s. */
  async function replicaA() {
    const handle = killable(stores.a.db);
    const app = await buildReplicaOn(emulator.url, handle.db, { settle: SHORT_SETTLE });
    return { ...app, kill: handle.kill };
  }
  const auditOutcome = (key: string) => auditOutcomes(stores.b, key);

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
    const a = await buildReplicaOn(emulator.url, stores.a.db, { settle: SHORT_SETTLE });
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

  it('a replica that stalled past its deadline loses the check to a takeover: its late answer is dropped, never replayed', async () => {
    // A is alive but stuck: its database writes wait (a GC pause, a frozen VM, a hung connection). Its check gives
    // up at its 1 s deadline and wants to write "flagged"; meanwhile B takes the check over and finds "applied".
    const handle = pausable(stores.a.db);
    const a = await buildReplicaOn(emulator.url, handle.db, { settle: SHORT_SETTLE, logLevel: 'warn' });
    const n = available[5]!;
    const key = `${name}-k-stalled`;
    await fault({ method: 'POST', path: `^/v2/numbers/${n}$`, fault: 'reset_after', times: 1 });
    const unreadable = await faultUntilRemoved({
      method: 'GET',
      path: `^/v2/numbers/${n}$`,
      fault: 'status',
      status: 503,
    });
    expect((await buy(a, n, key)).headers['x-outcome-check']).toBe('pending');
    handle.pause();
    await new Promise((r) => setTimeout(r, ABANDONED_WAIT_MS));
    await unreadable();
    expect((await poll(b, key)).state).toBe('flagged'); // abandoned, as far as B can tell

    const retry = await buy(b, n, key);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['x-outcome']).toBe('applied');
    await b.app.outcomes.idle();

    // A wakes up: its "flagged" (check count, settled state, key, audit outcome) arrives late and is dropped.
    handle.resume();
    await a.app.outcomes.idle();
    expect(a.logs.text).toMatch(/outcome check lost to another check of the same key/);
    expect(a.app.outcomes.get('alice', key)).toBeUndefined();
    for (const t of [a, b]) {
      expect(await poll(t, key)).toMatchObject({ state: 'applied', answer: { status: 201 } });
      const again = await buy(t, n, key);
      expect(again.statusCode).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
    }
    expect(await purchases(n)).toBe(1);
    expect(await auditOutcome(key)).toEqual([
      { result: 'ok', detail: expect.stringMatching(/checking replica stopped.*Applied: /) },
    ]);
    await a.app.close();
  }, 60_000);

  it('the orphan sweep before and during a takeover changes nothing: the retry still settles the key', async () => {
    const a = await replicaA();
    const [nApplied, nNotApplied] = [available[6]!, available[7]!];
    const k = { applied: `${name}-k-orphan-applied`, notApplied: `${name}-k-orphan-not` };
    await fault({ method: 'POST', path: `^/v2/numbers/${nApplied}$`, fault: 'reset_after', times: 1 });
    await fault({ method: 'POST', path: `^/v2/numbers/${nNotApplied}$`, fault: 'reset_before', times: 1 });
    const unreadable = await Promise.all(
      [nApplied, nNotApplied].map((n) =>
        faultUntilRemoved({ method: 'GET', path: `^/v2/numbers/${n}$`, fault: 'status', status: 503 }),
      ),
    );
    expect((await buy(a, nApplied, k.applied)).headers['x-outcome-check']).toBe('pending');
    expect((await buy(a, nNotApplied, k.notApplied)).headers['x-outcome-check']).toBe('pending');
    a.kill(); // its intents stay without a settled outcome; its process is gone for the orphan sweep
    await new Promise((r) => setTimeout(r, ABANDONED_WAIT_MS));

    // Not applied, and Flowroute still unreadable when the retry comes: B takes the check over and goes on checking.
    const retry = await buy(b, nNotApplied, k.notApplied);
    expect(retry.headers['x-outcome-check']).toBe('pending');
    // The sweep runs during that takeover (and, for the other key, just before its takeover).
    await stores.b.audit.markOrphans();
    await unreadable[1]!();
    await expect
      .poll(async () => (await poll(b, k.notApplied)).state, { timeout: 10_000 })
      .toBe('not_applied');
    await b.app.outcomes.idle();
    // The key is free again (not "outcome unknown"): the user's next try buys it, once.
    const bought = await buy(b, nNotApplied, k.notApplied);
    expect(bought.statusCode).toBe(201);
    expect(bought.headers['idempotent-replayed']).toBeUndefined();

    // Applied: the retry takes over and replays the purchase (not "outcome unknown").
    await unreadable[0]!();
    const applied = await buy(b, nApplied, k.applied);
    expect(applied.statusCode).toBe(201);
    expect(applied.headers['x-outcome']).toBe('applied');
    expect(await purchases(nApplied)).toBe(1);
    expect(await purchases(nNotApplied)).toBe(1);
    expect(await auditOutcome(k.applied)).toEqual([{ result: 'ok', detail: expect.any(String) }]);
    expect((await auditOutcome(k.notApplied)).map((o) => o?.result).sort()).toEqual(['failed', 'ok']);
    await a.app.close();
  }, 60_000);
});
