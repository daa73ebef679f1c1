// Rotating the Flowroute API key without downtime, exactly as docs/deployment.md §9 says: two replicas on one
// PostgreSQL behind nginx (the documented proxy.conf, no upstream keepalive), steady traffic (reads and route
// creations), then: a second key is created "at Flowroute", the secret file and access key are changed, each
// replica is restarted in turn (SIGTERM → drain → start → ready → wait out nginx's fail_timeout), and the old key
// is expired. "Flowroute" is a stub that checks HTTP Basic against the keys currently valid and forwards to the
// emulator. Needs PostgreSQL (TEST_DATABASE_URL, as .ci/run sets); skipped without it.
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import pg from 'pg';
import { bundle, ProcessGroup, startNginx, waitFor } from './processes';
import { NGINX_SOURCE_IP, PORTS } from './topologies';

const DATABASE_URL = process.env.TEST_DATABASE_URL;
const EMULATOR_KEY = { access: 'emulator-key', secret: 'emulator-secret' };
const OLD = { access: 'dashboard-2026-11', secret: `old-${randomBytes(16).toString('hex')}` };
const NEW = { access: 'dashboard-2026-12', secret: `new-${randomBytes(16).toString('hex')}` };
const PASSWORD = 'rolling-restart-password-1';
const ORIGIN = `http://localhost:${PORTS.rollNginx}`;

/** "Flowroute": accepts the keys in `valid`, counts their use, forwards to the emulator with its own key. */
interface KeyStub {
  server: Server;
  valid: Map<string, string>;
  used: Map<string, number>;
  refused: number;
}

function startKeyStub(port: number, emulatorPort: number): Promise<KeyStub> {
  const stub: KeyStub = { server: null as unknown as Server, valid: new Map(), used: new Map(), refused: 0 };
  const emulatorAuth = `Basic ${Buffer.from(`${EMULATOR_KEY.access}:${EMULATOR_KEY.secret}`).toString('base64')}`;
  stub.server = createServer((req, res) => {
    const m = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    const [user, pass] = m ? Buffer.from(m[1]!, 'base64').toString().split(':') : [];
    if (!user || stub.valid.get(user) !== pass) {
      stub.refused++;
      res.writeHead(401, { 'content-type': 'application/vnd.api+json' });
      res.end(JSON.stringify({ errors: [{ status: 401, title: 'Unauthorized' }] }));
      return;
    }
    stub.used.set(user, (stub.used.get(user) ?? 0) + 1);
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: emulatorPort,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: `127.0.0.1:${emulatorPort}`, authorization: emulatorAuth },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  return new Promise((resolve) => stub.server.listen(port, '127.0.0.1', () => resolve(stub)));
}

async function dropSchema(schema: string): Promise<void> {
  if (!DATABASE_URL) return;
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every route alias at the emulator (read directly with its own key, all pages). */
async function emulatorRouteAliases(): Promise<string[]> {
  const auth = `Basic ${Buffer.from(`${EMULATOR_KEY.access}:${EMULATOR_KEY.secret}`).toString('base64')}`;
  const aliases: string[] = [];
  for (let offset = 0; ; offset += 200) {
    const res = await fetch(`http://127.0.0.1:${PORTS.rollEmulator}/v2/routes?limit=200&offset=${offset}`, {
      headers: { authorization: auth },
    });
    expect(res.status).toBe(200);
    const page = ((await res.json()) as { data: { attributes: { alias: string | null } }[] }).data;
    aliases.push(...page.map((r) => r.attributes.alias ?? ''));
    if (page.length < 200) return aliases;
  }
}

/**
 * Steady traffic through nginx: reads, and route creations each with its own Idempotency-Key. A mutation answered
 * by nginx itself with 502 (the replica's socket closed under it while it shut down: nginx never re-sends a POST
 * it has sent) is retried once with the SAME key, as a client should.
 */
function trafficThrough(origin: string, cookie: string) {
  const tally = {
    reads: 0,
    creates: 0,
    nginx502Retried: 0,
    failures: [] as string[],
    aliases: [] as string[],
  };
  const read = async () => {
    try {
      const res = await fetch(`${origin}/api/v2/numbers?limit=1`, { headers: { cookie } });
      if (res.status === 200) tally.reads++;
      else tally.failures.push(`read ${res.status} ${res.headers.get('x-proxy-error') ?? ''}`);
    } catch (err) {
      tally.failures.push(`read network error: ${String(err)}`);
    }
  };
  const create = async () => {
    const key = randomUUID();
    const alias = `roll ${key.slice(0, 8)}`;
    const body = JSON.stringify({
      data: { type: 'route', attributes: { alias, route_type: 'host', value: 'pbx.example.com:5060' } },
    });
    for (let attempt = 1; attempt <= 2; attempt++) {
      try {
        const res = await fetch(`${origin}/api/v2/routes`, {
          method: 'POST',
          headers: {
            cookie,
            origin,
            'content-type': 'application/json',
            'x-csrf': '1',
            'idempotency-key': key,
          },
          body,
        });
        if (res.status === 201) {
          tally.creates++;
          tally.aliases.push(alias);
          return;
        }
        const fromNginx = res.status === 502 && !res.headers.get('x-proxy-error');
        if (fromNginx && attempt === 1) {
          tally.nginx502Retried++;
          await sleep(200);
          continue;
        }
        tally.failures.push(
          `create ${res.status} ${res.headers.get('x-proxy-error') ?? ''} (attempt ${attempt})`,
        );
        return;
      } catch (err) {
        tally.failures.push(`create network error: ${String(err)}`);
        return;
      }
    }
  };
  return { tally, read, create };
}

test('rotating the Flowroute key by a rolling restart of two replicas fails 0 requests', async () => {
  test.skip(
    !DATABASE_URL,
    'needs PostgreSQL: set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)',
  );
  test.setTimeout(180_000);
  const group = new ProcessGroup();
  const work = mkdtempSync(path.join(tmpdir(), 'flowroute-rolling-'));
  const schema = `deploy_roll_${randomBytes(4).toString('hex')}`;
  const secretFile = path.join(work, 'flowroute-secret-key');
  const stub = await startKeyStub(PORTS.rollUpstream, PORTS.rollEmulator);
  let stopLoad = true;
  try {
    const emulator = group.start('rolling-emulator', process.execPath, [bundle('emulator')], {
      PORT: String(PORTS.rollEmulator),
      HOST: '127.0.0.1',
      FLOWROUTE_ACCESS_KEY: EMULATOR_KEY.access,
      FLOWROUTE_SECRET_KEY: EMULATOR_KEY.secret,
      EMULATOR_QUIET: '1',
    });
    await waitFor(`http://127.0.0.1:${PORTS.rollEmulator}/__emulator/stats`, emulator, 'rolling-emulator');

    // Before: the account's one dashboard key is OLD, and the replicas use it.
    stub.valid.set(OLD.access, OLD.secret);
    writeFileSync(secretFile, `${OLD.secret}\n`, { mode: 0o600 });
    const env = (key: { access: string }, port: number): Record<string, string> => ({
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      FLOWROUTE_BASE_URL: `http://127.0.0.1:${PORTS.rollUpstream}`,
      FLOWROUTE_ACCESS_KEY: key.access,
      FLOWROUTE_SECRET_KEY_FILE: secretFile,
      DATABASE_URL: DATABASE_URL!,
      DATABASE_SCHEMA: schema,
      TRUST_PROXY: NGINX_SOURCE_IP,
      STATIC_DIR: path.join(work, 'no-static'),
      LOG_LEVEL: 'info',
      RATE_LIMIT_READS_PER_MINUTE: '0',
      RATE_LIMIT_ROUTE_CHANGES_PER_MINUTE: '0',
    });
    const users = spawnSync(
      process.execPath,
      [bundle('users'), 'add', 'ops', '--role', 'admin', '--password-stdin'],
      { input: `${PASSWORD}\n`, encoding: 'utf8', env: { PATH: process.env.PATH, ...env(OLD, 0) } },
    );
    expect(users.status, users.stderr + users.stdout).toBe(0);

    const replicas = [
      {
        name: 'rolling-a',
        port: PORTS.rollReplicaA,
        child: group.start('rolling-a', process.execPath, [bundle('server')], env(OLD, PORTS.rollReplicaA)),
      },
      {
        name: 'rolling-b',
        port: PORTS.rollReplicaB,
        child: group.start('rolling-b', process.execPath, [bundle('server')], env(OLD, PORTS.rollReplicaB)),
      },
    ];
    for (const r of replicas) await waitFor(`http://127.0.0.1:${r.port}/readyz`, r.child, r.name);
    const nginx = startNginx(
      group,
      'nginx-rolling',
      path.join(work, 'nginx'),
      `
    upstream flowroute_proxy {
        server 127.0.0.1:${PORTS.rollReplicaA};
        server 127.0.0.1:${PORTS.rollReplicaB};
    }
    server {
        listen 127.0.0.1:${PORTS.rollNginx};
        server_name localhost;
        proxy_bind ${NGINX_SOURCE_IP};
        location / {
            include snippets/flowroute/proxy.conf;
        }
    }`,
    );
    await waitFor(`${ORIGIN}/auth/config`, nginx, 'nginx-rolling');

    const login = await fetch(`${ORIGIN}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN },
      body: JSON.stringify({ username: 'ops', password: PASSWORD }),
    });
    expect(login.status, await login.clone().text()).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;

    // Steady traffic through nginx: three read loops and one mutation loop.
    const { tally, read, create } = trafficThrough(ORIGIN, cookie);
    stopLoad = false;
    const loop = async (step: () => Promise<void>, pauseMs: number) => {
      while (!stopLoad) {
        await step();
        await sleep(pauseMs);
      }
    };
    const load = Promise.all([loop(read, 20), loop(read, 20), loop(read, 20), loop(create, 250)]);
    await sleep(2_000);

    // 1. A second key is created at Flowroute. 2. The hosts get the new key. 3. Rolling restart.
    stub.valid.set(NEW.access, NEW.secret);
    writeFileSync(secretFile, `${NEW.secret}\n`, { mode: 0o600 });
    for (const r of replicas) {
      await group.stop(r.child);
      r.child = group.start(r.name, process.execPath, [bundle('server')], env(NEW, r.port));
      await waitFor(`http://127.0.0.1:${r.port}/readyz`, r.child, r.name);
      await sleep(12_000); // nginx's fail_timeout (10 s) must pass before the other replica may go
    }
    // 5. The old key is expired at Flowroute.
    const usedOldBeforeExpiry = stub.used.get(OLD.access) ?? 0;
    stub.valid.delete(OLD.access);
    await sleep(2_000);
    stopLoad = true;
    await load;

    expect(tally.failures).toEqual([]);
    expect(tally.reads).toBeGreaterThan(300);
    expect(tally.creates).toBeGreaterThan(30);
    // At most one such 502 per restarted replica, and every route exists exactly once at "Flowroute".
    console.log(
      `rolling restart: ${tally.reads} reads, ${tally.creates} creates, ${tally.nginx502Retried} nginx 502 retried with the same key`,
    );
    expect(tally.nginx502Retried).toBeLessThanOrEqual(replicas.length);
    const aliases = await emulatorRouteAliases();
    for (const alias of tally.aliases)
      expect(
        aliases.filter((a) => a === alias),
        alias,
      ).toHaveLength(1);
    expect(usedOldBeforeExpiry).toBeGreaterThan(0);
    expect(stub.used.get(NEW.access) ?? 0).toBeGreaterThan(0);
    expect(stub.used.get(OLD.access) ?? 0).toBe(usedOldBeforeExpiry); // nobody used the old key after the roll
    expect(stub.refused).toBe(0);
  } finally {
    stopLoad = true;
    await group.stopAll();
    await new Promise((r) => stub.server.close(r));
    rmSync(work, { recursive: true, force: true });
    await dropSchema(schema);
  }
});
