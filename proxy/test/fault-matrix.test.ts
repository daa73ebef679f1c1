// T-1 / I-2 / I-3 fault matrix: each mutation × each upstream fault, over real HTTP, proxy → emulator with its fault
// switches. For every case: how many upstream effects happened (from /__emulator/stats: exactly one or none, as the
// fault implies), what the API answered first (Flowroute's 429, or "outcome unknown, checking"), what the outcome
// was settled to by reading Flowroute back (applied / not applied), what a retry with the same key gets, and the
// audit outcome written for it. Short deadlines (800 ms) keep it fast. Prints the matrix with passed/total.
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../emulator/index';
import type { AuditStore } from '../src/store/audit';
import { openTestStore, type TestStore } from '../src/store/testing';
import { buildTestApp, CANARY_SECRET, TEST_ACCESS_KEY, type TestApp } from './harness';

/** Short, but with room for a loaded CI machine: a plain answer must never look like a timeout. */
const MUTATION_MS = 800;

type FaultName =
  | 'latency past the timeout'
  | '500'
  | '503'
  | '429'
  | 'reset before the change'
  | 'reset after the change'
  | 'malformed JSON'
  | 'slow body';

interface FaultCase {
  spec: { fault: string; ms?: number; status?: number };
  /** Upstream effects expected (the emulator applies the change or not). */
  effects: 0 | 1;
  /** First answer: Flowroute's 429 passed through, or "outcome unknown" while the proxy checks. */
  first: '429' | 'checking';
  /** After settling. */
  settled: 'applied' | 'not_applied' | 'none';
}

const FAULTS: Record<FaultName, FaultCase> = {
  'latency past the timeout': {
    spec: { fault: 'latency', ms: 1600 },
    effects: 1,
    first: 'checking',
    settled: 'applied',
  },
  '500': { spec: { fault: 'status', status: 500 }, effects: 0, first: 'checking', settled: 'not_applied' },
  '503': { spec: { fault: 'status', status: 503 }, effects: 0, first: 'checking', settled: 'not_applied' },
  '429': { spec: { fault: 'status', status: 429 }, effects: 0, first: '429', settled: 'none' },
  'reset before the change': {
    spec: { fault: 'reset_before' },
    effects: 0,
    first: 'checking',
    settled: 'not_applied',
  },
  'reset after the change': {
    spec: { fault: 'reset_after' },
    effects: 1,
    first: 'checking',
    settled: 'applied',
  },
  'malformed JSON': { spec: { fault: 'malformed' }, effects: 1, first: 'checking', settled: 'applied' },
  'slow body': { spec: { fault: 'slow_body', ms: 1600 }, effects: 1, first: 'checking', settled: 'applied' },
};

type MutationName = 'purchase' | 'send' | 'create route' | 'set primary' | 'set failover';

interface Stats {
  purchases: { number: string }[];
  sends: { id: string; from: string; to: string }[];
  routeChanges: { number: string; relationship: string; route_id: string }[];
  routesCreated: { id: string; alias: string | null }[];
}

interface Prepared {
  method: 'POST' | 'PATCH';
  path: string;
  body: unknown;
  /** Emulator fault path (regex) that hits only this mutation. */
  faultPath: string;
  /** Success status of this operation (what a settled "applied" replays). */
  okStatus: number;
  effects(before: Stats, after: Stats): number;
}

let emulator: EmulatorHandle;
let store: TestStore;
let t: TestApp;
let base: string;
let ownNumbers: string[] = [];
let routeIds: string[] = [];
let available: string[] = [];
let seq = 0;
const results = new Map<string, { ok: boolean; note: string }>();

async function stats(): Promise<Stats> {
  const res = await request(`${emulator.url}/__emulator/stats`);
  return (await res.body.json()) as Stats;
}

async function fault(spec: Record<string, unknown>): Promise<void> {
  const res = await request(`${emulator.url}/__emulator/faults`, {
    method: 'POST',
    body: JSON.stringify({ ...spec, times: 1 }),
  });
  expect(res.statusCode).toBe(201);
  await res.body.dump();
}

async function call(
  method: string,
  path: string,
  opts: { role?: string; body?: unknown; key?: string } = {},
) {
  const headers: Record<string, string> = { 'x-test-role': opts.role ?? 'admin', 'x-test-user': 'matrix' };
  if (method !== 'GET') {
    headers['content-type'] = 'application/json';
    if (opts.key) headers['idempotency-key'] = opts.key;
  }
  const res = await request(`${base}${path}`, {
    method: method as 'GET',
    headers,
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers as Record<string, string | undefined>, text };
}

async function currentRoute(number: string, relationship: string): Promise<string | null> {
  const res = await call('GET', `/api/v2/numbers/${number}`, { role: 'viewer' });
  const doc = JSON.parse(res.text) as {
    data: { relationships: Record<string, { data: { id: string } | null }> };
  };
  return doc.data.relationships[relationship]?.data?.id ?? null;
}

async function prepare(mutation: MutationName, n: number): Promise<Prepared> {
  switch (mutation) {
    case 'purchase': {
      const number = available[n]!;
      return {
        method: 'POST',
        path: `/api/v2/numbers/${number}`,
        body: {},
        faultPath: `^/v2/numbers/${number}$`,
        okStatus: 201,
        effects: (b, a) =>
          a.purchases.filter((p) => p.number === number).length -
          b.purchases.filter((p) => p.number === number).length,
      };
    }
    case 'send': {
      const to = `1206555${String(1000 + n).padStart(4, '0')}`;
      return {
        method: 'POST',
        path: '/api/v2.1/messages',
        body: { from: ownNumbers[0], to, body: `fault matrix case ${n}` },
        faultPath: '^/v2\\.1/messages$',
        okStatus: 202,
        effects: (b, a) =>
          a.sends.filter((s) => s.to === to).length - b.sends.filter((s) => s.to === to).length,
      };
    }
    case 'create route': {
      const alias = `fm-${n}-${Date.now()}`;
      return {
        method: 'POST',
        path: '/api/v2/routes',
        body: {
          data: { type: 'route', attributes: { alias, route_type: 'host', value: `sip${n}.fm.example.com` } },
        },
        faultPath: '^/v2/routes$',
        okStatus: 201,
        effects: (b, a) =>
          a.routesCreated.filter((r) => r.alias === alias).length -
          b.routesCreated.filter((r) => r.alias === alias).length,
      };
    }
    case 'set primary':
    case 'set failover': {
      const relationship = mutation === 'set primary' ? 'primary_route' : 'failover_route';
      const number = ownNumbers[mutation === 'set primary' ? 1 : 2]!;
      const now = await currentRoute(number, relationship);
      const routeId = routeIds.find((id) => id !== now)!;
      const match = (c: Stats['routeChanges'][number]) =>
        c.number === number && c.relationship === relationship && c.route_id === routeId;
      return {
        method: 'PATCH',
        path: `/api/v2/numbers/${number}/relationships/${relationship}`,
        body: { data: { type: 'route', id: routeId } },
        faultPath: `^/v2/numbers/${number}/relationships/${relationship}$`,
        okStatus: 204,
        effects: (b, a) => a.routeChanges.filter(match).length - b.routeChanges.filter(match).length,
      };
    }
  }
}

async function waitSettled(key: string): Promise<{ state: string; answer?: { status: number } }> {
  const until = Date.now() + 15_000;
  for (;;) {
    const res = await call('GET', `/api/outcomes/${encodeURIComponent(key)}`);
    expect(res.status).toBe(200);
    const { outcome } = JSON.parse(res.text) as { outcome: { state: string; answer?: { status: number } } };
    if (outcome.state !== 'checking') return outcome;
    if (Date.now() > until) return outcome;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function auditOutcome(key: string): Promise<{ result: string | null; detail: string | null } | null> {
  const audit = store.audit as AuditStore;
  const { items } = await audit.list({ limit: 500 });
  const intent = items.find((i) => i.idempotencyKey === key && i.kind === 'intent');
  if (!intent) return null;
  const full = await audit.get(intent.id);
  const last = full?.outcomes.at(-1);
  return last ? { result: last.result, detail: last.detail } : null;
}

/** Runs one case; throws with a reason when it does not match. */
async function runCase(mutation: MutationName, faultName: FaultName): Promise<string> {
  const n = ++seq;
  const c = FAULTS[faultName];
  const m = await prepare(mutation, n);
  const key = `matrix-${n}-${mutation.replace(/ /g, '-')}`;
  await fault({ method: m.method, path: m.faultPath, ...c.spec });
  const before = await stats();
  const started = Date.now();
  const first = await call(m.method, m.path, { body: m.body, key });
  const took = Date.now() - started;
  if (took > MUTATION_MS + 3000) throw new Error(`first answer took ${took} ms`);

  if (c.first === '429') {
    if (first.status !== 429) throw new Error(`expected Flowroute's 429, got ${first.status}`);
    if (first.headers['retry-after'] !== '1') throw new Error('Retry-After not passed on');
  } else {
    if (![502, 504].includes(first.status) || first.headers['x-proxy-error'] !== 'outcome_unknown')
      throw new Error(
        `expected 502/504 outcome_unknown, got ${first.status} ${first.headers['x-proxy-error']}`,
      );
    if (first.headers['x-outcome-check'] !== 'pending') throw new Error('no X-Outcome-Check: pending');
  }

  let settledNote = '';
  if (c.settled !== 'none') {
    const outcome = await waitSettled(key);
    if (outcome.state !== c.settled) throw new Error(`settled to ${outcome.state}, expected ${c.settled}`);
    settledNote = outcome.state;
    if (c.settled === 'applied') {
      // A retry with the same key replays the settled success; it is not sent again.
      const replay = await call(m.method, m.path, { body: m.body, key });
      if (replay.status !== m.okStatus || replay.headers['idempotent-replayed'] !== 'true')
        throw new Error(
          `replay answered ${replay.status} (replayed=${replay.headers['idempotent-replayed']})`,
        );
      if (replay.headers['x-outcome'] !== 'applied') throw new Error('replay lacks X-Outcome: applied');
    } else if (outcome.answer?.status !== 502) {
      throw new Error(`not-applied answer is ${outcome.answer?.status}`);
    }
  }

  // Let anything late (the emulator finishing a slow request) land before counting.
  await new Promise((r) => setTimeout(r, 50));
  const effects = m.effects(before, await stats());
  if (effects !== c.effects) throw new Error(`${effects} upstream effects, expected ${c.effects}`);

  const audit = await auditOutcome(key);
  const expectedResult = c.settled === 'applied' ? 'ok' : 'failed';
  if (!audit) throw new Error('no audit outcome');
  if (audit.result !== expectedResult)
    throw new Error(`audit outcome ${audit.result}, expected ${expectedResult}`);
  if (c.settled !== 'none' && !/settled after/.test(audit.detail ?? ''))
    throw new Error('audit outcome does not say it was settled');
  return `${first.status}${settledNote ? ` → ${settledNote}` : ''}, ${effects} effect${effects === 1 ? '' : 's'}, audit ${audit.result}`;
}

beforeAll(async () => {
  emulator = await startEmulator({ accessKey: TEST_ACCESS_KEY, secretKey: CANARY_SECRET, quiet: true });
  store = await openTestStore('pglite');
  t = await buildTestApp(
    emulator.url,
    {
      logLevel: 'silent',
      timeouts: { connectMs: 1000, readMs: 2000, mutationMs: MUTATION_MS },
      // The matrix provokes failures on purpose; the breaker is tested on its own (test/upstream-policy.test.ts).
      breaker: {
        consecutiveFailures: 10_000,
        failureRatio: 1,
        windowMs: 10_000,
        minVolume: 1_000_000,
        openMs: 1000,
      },
      settle: { deadlineMs: 10_000, graceMs: 2500, firstDelayMs: 100, maxIntervalMs: 300 },
    },
    store,
  );
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  const numbers = JSON.parse((await call('GET', '/api/v2/numbers?limit=5', { role: 'viewer' })).text) as {
    data: { id: string }[];
  };
  ownNumbers = numbers.data.map((d) => d.id);
  const routes = JSON.parse((await call('GET', '/api/v2/routes?limit=20', { role: 'viewer' })).text) as {
    data: { id: string }[];
  };
  routeIds = routes.data
    .map((r) => r.id)
    .filter((id) => id !== '0')
    .slice(0, 3);
  const avail = JSON.parse(
    (await call('GET', '/api/v2/numbers/available?limit=50&offset=200', { role: 'viewer' })).text,
  ) as { data: { id: string }[] };
  available = avail.data.map((d) => d.id);
}, 30_000);

afterAll(async () => {
  const mutations: MutationName[] = ['purchase', 'send', 'create route', 'set primary', 'set failover'];
  const faults = Object.keys(FAULTS) as FaultName[];
  const passed = [...results.values()].filter((r) => r.ok).length;
  const lines = [
    `Fault matrix (mutation × fault): ${passed}/${mutations.length * faults.length} cases passed`,
  ];
  for (const m of mutations) {
    for (const f of faults) {
      const r = results.get(`${m} | ${f}`);
      lines.push(`  ${r?.ok ? 'PASS' : 'FAIL'}  ${m.padEnd(13)} × ${f.padEnd(25)} ${r?.note ?? 'not run'}`);
    }
  }
  console.log(lines.join('\n'));
  await t?.app.close();
  await emulator?.close();
  await store?.cleanup();
});

describe('fault matrix: each mutation × each upstream fault', () => {
  const mutations: MutationName[] = ['purchase', 'send', 'create route', 'set primary', 'set failover'];
  // The five mutations run side by side (their faults target only their own upstream path); faults one by one.
  for (const mutation of mutations) {
    it.concurrent(
      `${mutation}: 8 faults, one upstream effect or none, settled, audited`,
      async () => {
        const failures: string[] = [];
        for (const faultName of Object.keys(FAULTS) as FaultName[]) {
          try {
            const note = await runCase(mutation, faultName);
            results.set(`${mutation} | ${faultName}`, { ok: true, note });
          } catch (err) {
            results.set(`${mutation} | ${faultName}`, { ok: false, note: (err as Error).message });
            failures.push(`${faultName}: ${(err as Error).message}`);
          }
          if (mutation === 'send') await new Promise((r) => setTimeout(r, 250)); // Flowroute: 5 SMS/s
        }
        expect(failures).toEqual([]);
      },
      120_000,
    );
  }
});
