// Starts both deployment topologies for the deploy suite and returns the teardown that stops them:
//  - builds the separate-origins SPA (VITE_API_ORIGIN) into build/dist-cross;
//  - starts two production proxies (`node build/proxy/server.js`, demo mode, each with its own emulator);
//  - starts Debian's nginx (/usr/sbin/nginx) on loopback with a generated config that INCLUDES the snippets of
//    docs/deploy/nginx/snippets verbatim (copied next to the generated nginx.conf).
// Every process runs in its own process group and is killed as a group (also if the runner exits abruptly).
// Logs: test-results/deploy/logs/{proxy-same,proxy-cross,nginx-error,nginx-access}.log
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  bundle,
  DIST,
  DIST_CROSS,
  LOG_DIR,
  NGINX,
  ProcessGroup,
  ROOT,
  startNginx,
  staticServer,
  waitFor,
} from './processes';
import { CLIENT_IP, DEMO_PASSWORD, NGINX_SOURCE_IP, PORTS, SEPARATE_ORIGINS } from './topologies';

export { DIST, DIST_CROSS, LOG_DIR, ROOT };

function proxyEnv(dataDir: string, extra: Record<string, string>): Record<string, string> {
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DEMO_PASSWORD,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    // The static site is nginx's job in both topologies: the proxies have no dist/ at all.
    STATIC_DIR: path.join(dataDir, 'no-static'),
    ...extra,
  };
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  for (const p of [bundle('server'), path.join(DIST, 'index.html')]) {
    if (!existsSync(p)) throw new Error(`missing ${p}: run \`npm run build\` first`);
  }
  if (!existsSync(NGINX))
    throw new Error(`nginx not found at ${NGINX} (apt-get install nginx, or set NGINX_PATH)`);
  rmSync(LOG_DIR, { recursive: true, force: true });
  mkdirSync(LOG_DIR, { recursive: true });

  // The separate-origins build: the SPA calls the proxy's origin with credentials.
  const vite = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/vite/bin/vite.js'),
      'build',
      '--outDir',
      DIST_CROSS,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    { cwd: ROOT, stdio: 'inherit', env: { ...process.env, VITE_API_ORIGIN: SEPARATE_ORIGINS.apiOrigin } },
  );
  if (vite.status !== 0) throw new Error(`vite build of ${DIST_CROSS} failed`);

  const group = new ProcessGroup();
  const work = mkdtempSync(path.join(tmpdir(), 'flowroute-deploy-'));
  try {
    const same = group.start(
      'proxy-same',
      process.execPath,
      [bundle('server')],
      proxyEnv(path.join(work, 'data-same'), {
        PORT: String(PORTS.sameProxy),
        EMULATOR_PORT: String(PORTS.sameEmulator),
        TRUST_PROXY: NGINX_SOURCE_IP,
      }),
    );
    const cross = group.start(
      'proxy-cross',
      process.execPath,
      [bundle('server')],
      proxyEnv(path.join(work, 'data-cross'), {
        PORT: String(PORTS.crossProxy),
        EMULATOR_PORT: String(PORTS.crossEmulator),
        CORS_ORIGINS: SEPARATE_ORIGINS.appOrigin,
      }),
    );
    const nginx = startNginx(
      group,
      'nginx',
      path.join(work, 'nginx'),
      `
    upstream flowroute_proxy {
        server 127.0.0.1:${PORTS.sameProxy};
    }

    # Topology 1: same origin.
${staticServer(
  PORTS.sameNginx,
  DIST,
  "'self'",
  `        proxy_bind ${NGINX_SOURCE_IP};
        include snippets/flowroute/same-origin-locations.conf;`,
)}

    # Topology 2: the static site; the API is the proxy on its own origin.
${staticServer(PORTS.crossStatic, DIST_CROSS, `'self' ${SEPARATE_ORIGINS.apiOrigin}`)}

    # Topology 2, a site the proxy does NOT allow (same build, other origin).
${staticServer(PORTS.foreignStatic, DIST_CROSS, `'self' ${SEPARATE_ORIGINS.apiOrigin}`)}
`,
    );
    await Promise.all([
      waitFor(`http://${CLIENT_IP}:${PORTS.sameProxy}/livez`, same, 'proxy-same'),
      waitFor(`http://${CLIENT_IP}:${PORTS.crossProxy}/livez`, cross, 'proxy-cross'),
    ]);
    await waitFor(`http://${CLIENT_IP}:${PORTS.sameNginx}/`, nginx, 'nginx');
  } catch (err) {
    await group.stopAll();
    rmSync(work, { recursive: true, force: true });
    throw err;
  }

  return async () => {
    await group.stopAll();
    rmSync(work, { recursive: true, force: true });
  };
}
