// Proves that the production build runs WITHOUT dev dependencies: copies build/proxy, dist/, package.json and
// package-lock.json into a temp dir, runs `npm ci --omit=dev --ignore-scripts` there (needs the npm registry),
// starts `npm run serve` in demo mode and checks /livez, /readyz, /auth/config, the SPA's cache headers, a
// sign-in and one proxied API read. Not part of `npm test` (the install takes a while); run by hand after
// `npm run build`:
//
//   node .ci/check-prod-install.mjs            # uses ./build/proxy and ./dist
//   PORT=9890 node .ci/check-prod-install.mjs  # another port (default 9890)
//
// Exits 0 when every check passed; prints the install time.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = process.cwd();
const port = Number(process.env.PORT ?? 9890);
const emulatorPort = port + 1;
const password = 'prod-install-check-password-1';
const results = [];

function check(name, ok, detail = '') {
  results.push({ name, ok });
  console.log(`${ok ? '✓' : '✗'} ${name}${detail ? ` — ${detail}` : ''}`);
}

for (const p of ['build/proxy/server.js', 'dist/index.html', 'package.json', 'package-lock.json']) {
  if (!existsSync(path.join(root, p))) {
    console.error(`missing ${p}: run \`npm run build\` first (from the repository root).`);
    process.exit(1);
  }
}

const dir = mkdtempSync(path.join(tmpdir(), 'flowroute-prod-'));
let server = null;
try {
  cpSync(path.join(root, 'build/proxy'), path.join(dir, 'build/proxy'), { recursive: true });
  cpSync(path.join(root, 'dist'), path.join(dir, 'dist'), { recursive: true });
  cpSync(path.join(root, 'package.json'), path.join(dir, 'package.json'));
  cpSync(path.join(root, 'package-lock.json'), path.join(dir, 'package-lock.json'));

  console.log(`▶ npm ci --omit=dev --ignore-scripts in ${dir}`);
  const t0 = Date.now();
  const install = spawnSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: dir,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  check('npm ci --omit=dev --ignore-scripts', install.status === 0, `${seconds} s`);
  if (install.status !== 0) throw new Error('install failed');

  const installed = new Set(readdirSync(path.join(dir, 'node_modules')));
  const devOnly = ['vite', 'vitest', 'tsx', 'typescript', 'esbuild', '@playwright', 'eslint', 'jsdom'];
  const leaked = devOnly.filter((name) => installed.has(name));
  check(
    'no dev tools installed',
    leaked.length === 0,
    leaked.length ? leaked.join(', ') : devOnly.join(', '),
  );

  console.log(`▶ npm run serve on 127.0.0.1:${port}`);
  server = spawn('npm', ['run', '-s', 'serve'], {
    cwd: dir,
    detached: true, // own process group: killed as a group below (npm → node)
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      EMULATOR_PORT: String(emulatorPort),
      DATA_DIR: path.join(dir, 'data'),
      DEMO_PASSWORD: password,
      LOG_LEVEL: 'info',
    },
  });
  let output = '';
  server.stdout.on('data', (b) => (output += b));
  server.stderr.on('data', (b) => (output += b));

  const base = `http://localhost:${port}`;
  const deadline = Date.now() + 30_000;
  let live = null;
  while (Date.now() < deadline) {
    try {
      live = await fetch(`${base}/livez`);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
    if (server.exitCode !== null) break;
  }
  check(
    'GET /livez → 200',
    live?.status === 200,
    live ? String(live.status) : `not up: ${output.slice(-2000)}`,
  );
  const ready = await fetch(`${base}/readyz`);
  check('GET /readyz → 200', ready.status === 200, JSON.stringify(await ready.json()));
  const cfg = await fetch(`${base}/auth/config`);
  const cfgBody = await cfg.json();
  check('GET /auth/config → demo', cfg.status === 200 && cfgBody.mode === 'demo', JSON.stringify(cfgBody));

  const index = await fetch(`${base}/`);
  const html = await index.text();
  check('index.html: Cache-Control no-cache', index.headers.get('cache-control') === 'no-cache');
  check(
    'index.html: CSP without inline scripts',
    /script-src 'self'(;|$)/.test(index.headers.get('content-security-policy') ?? ''),
  );
  const asset = html.match(/\/assets\/[^"']+\.js/)?.[0];
  check(
    'index.html references hashed assets',
    asset !== undefined && /-[A-Za-z0-9_-]{8}\.js$/.test(asset),
    asset,
  );
  if (asset) {
    const a = await fetch(`${base}${asset}`);
    check(
      'hashed asset: immutable for a year',
      a.status === 200 && a.headers.get('cache-control') === 'public, max-age=31536000, immutable',
      a.headers.get('cache-control') ?? '',
    );
  }

  const login = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ username: 'demo', password }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  check(
    'POST /auth/login (demo) → 200 + __Host-session',
    login.status === 200 && cookie.startsWith('__Host-session='),
  );
  const numbers = await fetch(`${base}/api/v2/numbers?limit=1`, { headers: { cookie } });
  check(
    'GET /api/v2/numbers through the embedded emulator → 200',
    numbers.status === 200,
    String(numbers.status),
  );
  const logLine = output.split('\n').find((l) => l.includes('"route"'));
  check(
    'JSON access log line written',
    logLine !== undefined && JSON.parse(logLine).msg === 'request',
    logLine,
  );
} catch (err) {
  check('unexpected error', false, err instanceof Error ? err.message : String(err));
} finally {
  if (server?.pid) {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  rmSync(dir, { recursive: true, force: true });
}

const failed = results.filter((r) => !r.ok).length;
console.log(`${results.length - failed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
