// Test helper for the unknown-outcome tests across replicas (I-3): outcomes-replicas.test.ts,
// outcomes-takeover.test.ts (in-process apps on the emulator) and proxy/src/store/processes.test.ts (whole proxy
// processes on a stub). One place for what they all set up:
// - the emulator for a test file, with its fault control and effect counters;
// - two replicas' stores on one database (one PGlite shared in this process; on PostgreSQL a second pool on the same
//   schema, as a second replica would have) and the settle settings the tests use;
// - database handles that die (a killed replica) or stall (a replica alive but stuck past its deadline);
// - the requests: buy, change a primary route, poll the outcome, list unsettled changes, read the audit outcome;
// - proxy processes (`server.ts`): start, stop or kill, sign in, buy, and a stub Flowroute that loses purchase answers.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, expect } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../emulator/index';
import { openStore, type Store } from '../src/store';
import { AuditStore } from '../src/store/audit';
import type { Db } from '../src/store/db';
import { DbIdempotencyStore } from '../src/store/idempotency';
import { openTestStore, TEST_SCRYPT, type DbVariant, type TestStore } from '../src/store/testing';
import { BREAKER_OFF, emulatorControl, RETRY_OFF, type EmulatorControl } from './emulator-control';
import { as, buildTestApp, CANARY_SECRET, TEST_ACCESS_KEY, type TestApp } from './harness';
import { json, type Stub } from './stub-upstream';

// ---- the emulator -------------------------------------------------------------------------------------------

export interface TestEmulator extends EmulatorControl {
  readonly url: string;
  /** Adds a fault and returns a function removing just that one. */
  faultUntilRemoved(spec: Record<string, unknown>): Promise<() => Promise<void>>;
  /** How many times `number`'s primary route was set to `routeId` at the emulator. */
  routeChanges(number: string, routeId: string): Promise<number>;
}

/** Starts the emulator before the file's tests and closes it after (call at the top level of a test file). */
export function useEmulator(): TestEmulator {
  let emulator: EmulatorHandle | null = null;
  beforeAll(async () => {
    emulator = await startEmulator({ accessKey: TEST_ACCESS_KEY, secretKey: CANARY_SECRET, quiet: true });
  });
  afterAll(async () => {
    await emulator?.close();
  });
  const url = () => {
    if (!emulator)
      throw new Error('the emulator is not running (useEmulator() at the top level of the file)');
    return emulator.url;
  };
  return {
    get url() {
      return url();
    },
    ...emulatorControl(url),
    async faultUntilRemoved(spec) {
      const res = await request(`${url()}/__emulator/faults`, { method: 'POST', body: JSON.stringify(spec) });
      const { id } = (await res.body.json()) as { id: string };
      return async () => {
        await (await request(`${url()}/__emulator/faults/${id}`, { method: 'DELETE' })).body.dump();
      };
    },
    async routeChanges(number, routeId) {
      const res = await request(`${url()}/__emulator/stats`);
      const s = (await res.body.json()) as { routeChanges: { number: string; route_id: string }[] };
      return s.routeChanges.filter((c) => c.number === number && c.route_id === routeId).length;
    },
  };
}

// ---- replicas in this process ---------------------------------------------------------------------------------

/** Short timeouts; the breaker and read retries out of the way (the read-backs fail on purpose for a while). */
export const OUTCOME_CONFIG = {
  logLevel: 'silent' as 'silent' | 'warn' | 'info',
  timeouts: { connectMs: 1000, readMs: 2000, mutationMs: 1000 },
  breaker: BREAKER_OFF,
  retry: RETRY_OFF,
  settle: { deadlineMs: 20_000, graceMs: 300, firstDelayMs: 50, maxIntervalMs: 150 },
};

/** A replica that gives up after 1 s: its record is abandoned (deadline + 5 s) 6 s after the answer was lost. */
export const SHORT_SETTLE = { ...OUTCOME_CONFIG.settle, deadlineMs: 1000 };
export const ABANDONED_WAIT_MS = 1000 + 5000 + 500;

export interface ReplicaStores {
  /** Replica A's store (owns the test schema / PGlite). */
  a: TestStore;
  /** Replica B's: the same PGlite, or a second pool on the same PostgreSQL schema. */
  b: Store | TestStore;
  close(): Promise<void>;
}

export async function openReplicaStores(variant: DbVariant['name']): Promise<ReplicaStores> {
  const a = await openTestStore(variant);
  const b =
    variant === 'pglite'
      ? a
      : await openStore({
          databaseUrl: a.options.databaseUrl,
          schema: a.options.schema,
          scrypt: TEST_SCRYPT,
        });
  return {
    a,
    b,
    async close() {
      if (b !== a) await b.close();
      await a.cleanup();
    },
  };
}

/** A database handle that fails every statement once `kill()` is called, as a killed process's would. */
export function killable(db: Db): { db: Db; kill: () => void } {
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

/**
 * A database handle whose statements wait while paused, as a stalled replica's would (a long GC pause, a frozen VM,
 * a hung connection): nothing is lost, everything arrives late, in order, once `resume()` is called.
 */
export function pausable(db: Db): { db: Db; pause: () => void; resume: () => void } {
  let gate: Promise<void> | null = null;
  let open: () => void = () => undefined;
  const proxy = new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      if (!['query', 'exec', 'transaction'].includes(String(prop))) return value.bind(target) as unknown;
      return async (...args: unknown[]) => {
        while (gate) await gate;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    db: proxy,
    pause: () => {
      gate ??= new Promise<void>((resolve) => (open = resolve));
    },
    resume: () => {
      gate = null;
      open();
    },
  };
}

/** Replica A on `db` (a killable or pausable handle on the shared database), with its own idempotency and audit. */
export function buildReplicaOn(
  emulatorUrl: string,
  db: Db,
  overrides: Parameters<typeof buildTestApp>[1] = {},
): Promise<TestApp> {
  return buildTestApp(
    emulatorUrl,
    { ...OUTCOME_CONFIG, ...overrides },
    { db, idempotency: new DbIdempotencyStore(db), audit: new AuditStore(db) },
  );
}

const keyed = (key: string, user: string) => ({
  ...as('admin', { 'x-test-user': user }),
  'idempotency-key': key,
});

export function buy(t: TestApp, number: string, key: string, user = 'alice') {
  return t.app.inject({
    method: 'POST',
    url: `/api/v2/numbers/${number}`,
    headers: keyed(key, user),
    payload: {},
  });
}

export function setPrimary(t: TestApp, number: string, routeId: string, key: string, user = 'alice') {
  return t.app.inject({
    method: 'PATCH',
    url: `/api/v2/numbers/${number}/relationships/primary_route`,
    headers: keyed(key, user),
    payload: { data: { type: 'route', id: routeId } },
  });
}

/** GET /api/outcomes/:key as `user` (the raw answer). */
export function pollRaw(t: TestApp, key: string, user = 'alice') {
  return t.app.inject({
    method: 'GET',
    url: `/api/outcomes/${encodeURIComponent(key)}`,
    headers: as('viewer', { 'x-test-user': user }),
  });
}

export interface PolledOutcome {
  state: string;
  detail: string;
  checks: number;
  answer?: { status: number; headers: Record<string, string>; body: string };
  [k: string]: unknown;
}

/** GET /api/outcomes/:key, expecting 200: the outcome. */
export async function poll(t: TestApp, key: string, user = 'alice'): Promise<PolledOutcome> {
  const res = await pollRaw(t, key, user);
  expect(res.statusCode).toBe(200);
  return res.json().outcome as PolledOutcome;
}

/** GET /admin/outcomes as an admin: the unsettled changes. */
export async function adminList(t: TestApp) {
  const res = await t.app.inject({ method: 'GET', url: '/admin/outcomes', headers: as('admin') });
  expect(res.statusCode).toBe(200);
  return res.json().items as { idempotencyKey: string; state: string; source: string; detail: string }[];
}

/** The latest audit outcome of each intent made with `key`. */
export async function auditOutcomes(store: Store, key: string) {
  const { items } = await store.audit.list({ limit: 500 });
  return items
    .filter((i) => i.idempotencyKey === key && i.kind === 'intent')
    .map((i) => i.outcome && { result: i.outcome.result, detail: i.outcome.detail });
}

/** Numbers to buy, numbers on the account and route ids, read through `t` (offset keeps test files apart). */
export async function emulatorInventory(t: TestApp, availableOffset: number) {
  const get = async (url: string) =>
    (await t.app.inject({ method: 'GET', url, headers: as('viewer') })).json() as {
      data: { id: string }[];
    };
  return {
    available: (await get(`/api/v2/numbers/available?limit=10&offset=${availableOffset}`)).data.map(
      (d) => d.id,
    ),
    own: (await get('/api/v2/numbers?limit=20')).data.map((d) => d.id),
    routeIds: (await get('/api/v2/routes?limit=20')).data.map((d) => d.id),
  };
}

// ---- proxy processes ------------------------------------------------------------------------------------------

const ROOT = path.resolve(__dirname, '../..');
export const PROCESS_ADMIN_PW = 'process test password';
export const PROCESS_NUMBER = '12065550100';

export interface ProxyProcess {
  proc: ChildProcess;
  url: string;
  output: string[];
}

/** `node --import tsx proxy/src/server.ts` with `env`; resolves once it listens. */
export function startProxy(env: Record<string, string>): Promise<ProxyProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'proxy/src/server.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      STATIC_DIR: path.join(tmpdir(), 'no-such-dist'),
      FLOWROUTE_ACCESS_KEY: 'proc-test-key',
      FLOWROUTE_SECRET_KEY: `canary-${randomUUID()}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`proxy did not start:\n${output.join('')}`)), 90_000);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output.push(text);
      const m = /listening on (http:\/\/[^\s"]+)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1]!, output });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`proxy exited with ${code} before listening:\n${output.join('')}`));
    });
  });
}

export function stopProxy(c: ProxyProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!c || c.proc.exitCode !== null || c.proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    c.proc.once('exit', () => resolve());
    c.proc.kill(signal);
  });
}

/** Signs in as the admin the tests seed (PROCESS_ADMIN_PW); the session cookie. */
export async function login(base: string): Promise<string> {
  const res = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { origin: base, 'content-type': 'application/json', 'x-csrf': '1' },
    body: JSON.stringify({ username: 'admin', password: PROCESS_ADMIN_PW }),
  });
  expect(res.status).toBe(200);
  return res.headers.getSetCookie()[0]!.split(';')[0]!;
}

/** Buys PROCESS_NUMBER through a proxy process with `key`. */
export function purchase(base: string, cookie: string, key: string): Promise<Response> {
  return fetch(`${base}/api/v2/numbers/${PROCESS_NUMBER}`, {
    method: 'POST',
    headers: {
      cookie,
      origin: base,
      'x-csrf': '1',
      'content-type': 'application/json',
      'idempotency-key': key,
    },
    body: '{}',
  });
}

export async function waitFor(cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The stub as a Flowroute that buys PROCESS_NUMBER but drops the connection before answering, and answers the
 * read-back of the number with 503 until `readable()` is called (then: the number is on the account;
 * `readable(false)` makes it unreadable again).
 */
export function lostPurchaseStub(stub: Stub): { readable: (on?: boolean) => void } {
  let readable = false;
  stub.requests.length = 0;
  stub.setHandler((req, res) => {
    if (req.method === 'POST') res.socket?.destroy();
    else if (req.url === `/v2/numbers/${PROCESS_NUMBER}` && readable)
      json(res, 200, {
        data: { id: PROCESS_NUMBER, type: 'number', attributes: { value: PROCESS_NUMBER } },
      });
    else if (req.url === `/v2/numbers/${PROCESS_NUMBER}`) json(res, 503, { errors: [{ detail: 'busy' }] });
    else json(res, 200, { data: [] });
  });
  return { readable: (on = true) => (readable = on) };
}
