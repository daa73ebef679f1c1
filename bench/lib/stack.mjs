// Starts the pieces the bench measures, each on a loopback port in 9900-9999, each in its own process group:
// a standalone emulator, our proxy in live mode in front of it (real sessions, CSRF, rate limits, access log,
// embedded PGlite database), and Debian's nginx in front of it adding the Basic auth header.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROXY_DIR, DIST_DIR } from './build.mjs';
import { run, start, waitForHttp } from './procs.mjs';

export const HOST = '127.0.0.1';
/** BENCH_PORT_BASE (default 9900) moves every port, so two sections can run side by side on one machine. */
const BASE = Number(process.env.BENCH_PORT_BASE ?? 9900);
export const PORTS = {
  emulator: BASE + 1,
  proxy: BASE + 2,
  nginx: BASE + 3,
  /** The reference "bare node" proxy (bench/lib/bare-proxy.mjs). */
  bare: BASE + 5,
  /** A second, fresh proxy for the memory run. */
  proxyMemory: BASE + 4,
  /** Emulator + proxy for the browser runs with the default seed (page load). */
  emulatorSmall: BASE + 11,
  proxySmall: BASE + 12,
};

/** Per-user read limit given to the proxy under test: high enough that the bench measures throughput, not the limiter. */
export const BENCH_READ_LIMIT = 1_000_000;

export function tempDir(prefix) {
  return mkdtempSync(path.join(tmpdir(), `flowroute-bench-${prefix}-`));
}

export const KEYS = {
  accessKey: `bench${randomBytes(4).toString('hex')}`,
  secretKey: randomBytes(16).toString('hex'),
};

export function basicAuth() {
  return `Basic ${Buffer.from(`${KEYS.accessKey}:${KEYS.secretKey}`).toString('base64')}`;
}

export async function startEmulator({ port = PORTS.emulator, seed = 'large', dir, proxyDir = PROXY_DIR }) {
  const handle = start(`emulator:${port}`, process.execPath, [path.join(proxyDir, 'emulator.js')], {
    env: {
      PORT: String(port),
      HOST,
      EMULATOR_SEED: seed,
      EMULATOR_QUIET: '1',
      FLOWROUTE_ACCESS_KEY: KEYS.accessKey,
      FLOWROUTE_SECRET_KEY: KEYS.secretKey,
    },
    logFile: path.join(dir, `emulator-${port}.log`),
  });
  // The control API answers without credentials once the seed is built.
  await waitForHttp(`http://${HOST}:${port}/__emulator/stats`, { handle, timeoutMs: 120_000 });
  return { handle, url: `http://${HOST}:${port}`, port };
}

let proxyStarts = 0;

export const BENCH_USER = 'bench';
export const BENCH_PASSWORD = `bench-${randomBytes(12).toString('hex')}`;

/**
 * Our proxy, live mode, pointed at `upstreamUrl` over loopback http. A fresh embedded database per start with one
 * admin made by the users CLI (as an operator would), LOG_LEVEL=info access log to a file.
 */
export async function startProxy({
  port = PORTS.proxy,
  upstreamUrl,
  dir,
  extraEnv = {},
  nodeArgs = [],
  proxyDir = PROXY_DIR,
}) {
  // A fresh database for every start (the same port may be used by two sections).
  const dataDir = path.join(dir, `proxy-data-${port}-${++proxyStarts}`);
  mkdirSync(dataDir, { recursive: true });
  const env = {
    PORT: String(port),
    HOST,
    DATA_DIR: dataDir,
    STATIC_DIR: DIST_DIR,
    FLOWROUTE_ACCESS_KEY: KEYS.accessKey,
    FLOWROUTE_SECRET_KEY: KEYS.secretKey,
    FLOWROUTE_BASE_URL: upstreamUrl,
    LOG_LEVEL: 'info',
    RATE_LIMIT_READS_PER_MINUTE: String(BENCH_READ_LIMIT),
    DATABASE_URL: '',
    DEMO_PASSWORD: '',
    ...extraEnv,
  };
  await run(
    process.execPath,
    [path.join(proxyDir, 'users.js'), 'add', BENCH_USER, '--role', 'admin', '--password-stdin'],
    {
      env,
      input: `${BENCH_PASSWORD}\n`,
    },
  );
  const handle = start(`proxy:${port}`, process.execPath, [...nodeArgs, path.join(proxyDir, 'server.js')], {
    env,
    logFile: path.join(dir, `proxy-${port}.log`),
  });
  const url = `http://${HOST}:${port}`;
  await waitForHttp(`${url}/livez`, { handle, timeoutMs: 60_000 });
  return { handle, url, port, env };
}

/** Signs in like the SPA does (JSON body, X-CSRF: 1, same Origin) and returns the Cookie header value. */
export async function signIn(proxyUrl, username = BENCH_USER, password = BENCH_PASSWORD) {
  const res = await fetch(`${proxyUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf': '1', origin: proxyUrl },
    body: JSON.stringify({ username, password }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`sign-in failed: HTTP ${res.status} ${text.slice(0, 300)}`);
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('__Host-session='));
  if (!setCookie) throw new Error('sign-in answered 200 but set no session cookie');
  return setCookie.split(';')[0];
}

/**
 * The "bare node" reference proxy in front of the emulator (node:http + undici Pool + Basic auth, nothing else), with
 * the same V8 heap growth our proxy sets by default (GC_HEAP_GROWING_PERCENT), so that "ours / bare" compares like
 * with like.
 */
export const BARE_NODE_ARGS = ['--heap-growing-percent=300'];
export async function startBareProxy({ port = PORTS.bare, upstreamUrl, dir, nodeArgs = [] }) {
  const handle = start(
    `bare-node:${port}`,
    process.execPath,
    [
      ...BARE_NODE_ARGS,
      ...nodeArgs,
      path.join(path.dirname(new URL(import.meta.url).pathname), 'bare-proxy.mjs'),
    ],
    {
      env: {
        BARE_PORT: String(port),
        BARE_HOST: HOST,
        BARE_UPSTREAM: upstreamUrl,
        BARE_AUTHORIZATION: basicAuth(),
      },
      logFile: path.join(dir, `bare-node-${port}.log`),
    },
  );
  const url = `http://${HOST}:${port}`;
  await waitForHttp(`${url}/v2/numbers?limit=1`, { handle, timeoutMs: 20_000 });
  return { handle, url, port };
}

/** Debian's nginx in front of the emulator, adding the Basic auth header; generated config in `dir`. */
export async function startNginx({ port = PORTS.nginx, upstreamPort = PORTS.emulator, dir }) {
  const prefix = path.join(dir, 'nginx');
  mkdirSync(path.join(prefix, 'logs'), { recursive: true });
  const conf = path.join(prefix, 'nginx.conf');
  // One worker, like our single Node process; access log on (buffered), like our access log; keep-alive pool to
  // the upstream; buffers big enough that a 200-number page never spills to a temp file.
  writeFileSync(
    conf,
    `worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log ${prefix}/logs/access.log combined buffer=64k flush=1s;
  client_body_temp_path ${prefix}/client_body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  keepalive_requests 100000;
  upstream flowroute_emulator {
    server ${HOST}:${upstreamPort};
    keepalive 64;
  }
  server {
    listen ${HOST}:${port};
    location / {
      proxy_pass http://flowroute_emulator;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Authorization "${basicAuth()}";
      proxy_buffer_size 16k;
      proxy_buffers 64 16k;
    }
  }
}
`,
  );
  const handle = start(
    `nginx:${port}`,
    '/usr/sbin/nginx',
    ['-p', prefix, '-c', conf, '-e', `${prefix}/logs/error.log`, '-g', 'daemon off;'],
    {
      logFile: path.join(dir, `nginx-${port}.log`),
    },
  );
  const url = `http://${HOST}:${port}`;
  // Any answer (even the emulator's 404 for /) means nginx is up and reaching the emulator.
  await waitForHttp(`${url}/v2/numbers?limit=1`, { handle, timeoutMs: 20_000 });
  return { handle, url, port };
}
