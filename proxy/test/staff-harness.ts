// Test helper for staff access: the real app (B's buildApp) with the real staff-access plugin (sessions, CSRF,
// audit, admin API) on a fresh PGlite or PostgreSQL store, against a recording stub upstream.
import path from 'node:path';
import { tmpdir } from 'node:os';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../src/app';
import { makeConfig, type Config } from '../src/config';
import { createStaffAccess } from '../src/plugins/auth';
import { SESSION_COOKIE } from '../src/plugins/auth';
import { openTestStore, type DbVariant, type TestStore } from '../src/store/testing';
import type { ThrottleLimits } from '../src/store/throttle';
import type { Role } from '../src/store/types';
import { CANARY_SECRET, LogCapture, TEST_ACCESS_KEY, TEST_LIMITS } from './harness';
import { startStub, type Stub } from './stub-upstream';

export const ORIGIN = 'http://localhost';
export const PASSWORDS: Record<Role, string> = {
  viewer: 'viewer password 1',
  operator: 'operator password 1',
  admin: 'admin password 12',
};

export interface StaffApp {
  app: FastifyInstance;
  store: TestStore;
  stub: Stub;
  config: Config;
  logs: LogCapture;
  printed: string[];
  /** Signs in; returns the Cookie header value for later requests. */
  login(username: string, password: string): Promise<string>;
  /** Creates one user per role (viewer, operator, admin) and signs each in. */
  signInAll(): Promise<Record<Role, string>>;
  close(): Promise<void>;
}

export async function buildStaffApp(
  variant: DbVariant['name'] = 'pglite',
  overrides: Partial<Parameters<typeof makeConfig>[0]> = {},
  extra: { throttle?: ThrottleLimits; stub?: Stub } = {},
): Promise<StaffApp> {
  const store = await openTestStore(variant);
  const stub = extra.stub ?? (await startStub());
  const logs = new LogCapture();
  const printed: string[] = [];
  const config = makeConfig({
    upstream: { baseUrl: stub.url, accessKey: TEST_ACCESS_KEY, secretKey: CANARY_SECRET },
    mode: 'live',
    staticDir: path.join(tmpdir(), 'no-such-dist-dir'),
    limits: TEST_LIMITS, // R-5 limits out of the way (tested in test/limits.test.ts)
    ...overrides,
  });
  const app = await buildApp(config, {
    store,
    logStream: logs,
    auth: createStaffAccess(store, {
      print: (line) => printed.push(line),
      ...(extra.throttle ? { throttle: extra.throttle } : {}),
    }),
  });
  await app.ready();

  const login = async (username: string, password: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/auth/login',
      headers: { origin: ORIGIN, 'content-type': 'application/json', 'x-csrf': '1' },
      payload: { username, password },
    });
    if (res.statusCode !== 200) throw new Error(`login ${username} → ${res.statusCode} ${res.body}`);
    return cookieFrom(res);
  };

  return {
    app,
    store,
    stub,
    config,
    logs,
    printed,
    login,
    async signInAll() {
      const out = {} as Record<Role, string>;
      for (const role of ['viewer', 'operator', 'admin'] as const) {
        if (!(await store.users.findByUsername(role))) {
          await store.users.create({ username: role, role, password: PASSWORDS[role] });
        }
        out[role] = await login(role, PASSWORDS[role]);
      }
      return out;
    },
    async close() {
      await app.close();
      if (!extra.stub) await stub.close();
      await store.cleanup();
    },
  };
}

/** `__Host-session=…` from a response's Set-Cookie, ready for a Cookie header. */
export function cookieFrom(res: LightMyRequestResponse): string {
  const raw = res.headers['set-cookie'];
  const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
  const found = list.find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!found) throw new Error('no session cookie');
  return found.split(';')[0]!;
}

/** Headers of a well-formed same-origin mutation from the SPA. */
export function mutationHeaders(cookie: string, extra: Record<string, string> = {}): Record<string, string> {
  return { cookie, origin: ORIGIN, 'x-csrf': '1', 'content-type': 'application/json', ...extra };
}
