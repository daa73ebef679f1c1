// The two deployment topologies the deploy suite starts on loopback (ports from DEPLOY_PORT_BASE, default 9800).
//  1. same origin: nginx serves dist/ on :BASE and reverse-proxies /api /auth /admin to the proxy on :BASE+1.
//     nginx connects to the proxy FROM 127.0.0.2 (proxy_bind) and the proxy trusts only that address
//     (TRUST_PROXY=127.0.0.2), so the test can tell the browser's address (127.0.0.1) from nginx's.
//  2. separate origins: nginx serves a build made with VITE_API_ORIGIN on :BASE+10, the proxy answers on its own
//     origin :BASE+11 with CORS_ORIGINS=http://localhost:BASE+10. :BASE+13 serves the same build from an origin
//     that is NOT allowed.
// rotation.spec.ts uses :BASE+20..24 (two replicas on PostgreSQL behind nginx).
export const BASE = Number(process.env.DEPLOY_PORT_BASE ?? 9800);

export const PORTS = {
  sameNginx: BASE,
  sameProxy: BASE + 1,
  sameEmulator: BASE + 2,
  crossStatic: BASE + 10,
  crossProxy: BASE + 11,
  crossEmulator: BASE + 12,
  foreignStatic: BASE + 13,
  // rolling restart + key rotation (rotation.spec.ts): nginx → two replicas → key-checking stub → emulator
  rollNginx: BASE + 20,
  rollReplicaA: BASE + 21,
  rollReplicaB: BASE + 22,
  rollUpstream: BASE + 23,
  rollEmulator: BASE + 24,
} as const;

export const DEMO_PASSWORD = 'deploy-e2e-demo-password-3c9d';
/** The address nginx uses towards the proxy in topology 1 (proxy_bind), and the proxy's TRUST_PROXY. */
export const NGINX_SOURCE_IP = '127.0.0.2';
/** Where the browser and Node's test client connect from. */
export const CLIENT_IP = '127.0.0.1';

export interface Topology {
  name: string;
  /** Origin the browser loads the SPA from. */
  appOrigin: string;
  /** Origin the SPA sends API calls to. */
  apiOrigin: string;
  /** The proxy itself, bypassing nginx. */
  proxyDirect: string;
  emulatorUrl: string;
}

export const SAME_ORIGIN: Topology = {
  name: 'same origin (nginx → proxy)',
  appOrigin: `http://localhost:${PORTS.sameNginx}`,
  apiOrigin: `http://localhost:${PORTS.sameNginx}`,
  proxyDirect: `http://localhost:${PORTS.sameProxy}`,
  emulatorUrl: `http://127.0.0.1:${PORTS.sameEmulator}`,
};

export const SEPARATE_ORIGINS: Topology = {
  name: 'separate origins (nginx static + proxy with CORS)',
  appOrigin: `http://localhost:${PORTS.crossStatic}`,
  apiOrigin: `http://localhost:${PORTS.crossProxy}`,
  proxyDirect: `http://localhost:${PORTS.crossProxy}`,
  emulatorUrl: `http://127.0.0.1:${PORTS.crossEmulator}`,
};

export const FOREIGN_ORIGIN = `http://localhost:${PORTS.foreignStatic}`;

export const TOPOLOGIES: Topology[] = [SAME_ORIGIN, SEPARATE_ORIGINS];
