// Test helper: builds the proxy against a given upstream with a canary secret, a test-only sign-in, and captured logs.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { buildApp, type AppStore } from '../src/app';
import { makeConfig, type Config } from '../src/config';
import type { Role, SessionUser } from '../src/store/types';

/** A random secret per test run: it must show up in no response and no log line. */
export const CANARY_SECRET = `canary-${randomBytes(24).toString('hex')}`;
export const TEST_ACCESS_KEY = 'test-access-key';

/**
 * TEST-ONLY sign-in: the role comes from the `x-test-role` header (user id from `x-test-user`). This lives in
 * the test folder and is passed to buildApp explicitly; product code has no such back door.
 */
export const testAuth: FastifyPluginAsync = fp(async (app) => {
  app.decorateRequest('user', null);
  app.addHook('onRequest', async (request) => {
    const role = request.headers['x-test-role'];
    if (role === 'viewer' || role === 'operator' || role === 'admin') {
      const id =
        typeof request.headers['x-test-user'] === 'string' ? request.headers['x-test-user'] : `u-${role}`;
      const user: SessionUser = { id, username: id, role: role as Role, sessionId: 's-1' };
      (request as unknown as { user: SessionUser | null }).user = user;
    }
  });
});

export class LogCapture extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') this.lines.push(line);
    cb();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

/** A throwaway dist/ with an index.html and one hashed asset. */
export function makeDist(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'proxy-dist-'));
  writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>',
  );
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log("app");');
  writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

/**
 * Our own rate limits set out of the way for tests about something else: a suite buys or sends more than
 * 5 a minute as one user. Tests of the limits themselves pass `limits` explicitly.
 */
export const TEST_LIMITS = {
  readsPerMinute: 1_000_000,
  sendsPerMinute: 1_000_000,
  purchasesPerMinute: 1_000_000,
  routeChangesPerMinute: 1_000_000,
  purchasesPerDay: 1_000_000,
  sendsPerDay: 1_000_000,
};

export interface TestApp {
  app: FastifyInstance;
  logs: LogCapture;
  config: Config;
}

export async function buildTestApp(
  upstreamUrl: string,
  overrides: Partial<Parameters<typeof makeConfig>[0]> = {},
  store: AppStore | null = null,
): Promise<TestApp> {
  const logs = new LogCapture();
  const config = makeConfig({
    upstream: { baseUrl: upstreamUrl, accessKey: TEST_ACCESS_KEY, secretKey: CANARY_SECRET },
    mode: 'live',
    logLevel: 'info',
    staticDir: path.join(tmpdir(), 'no-such-dist-dir'),
    limits: TEST_LIMITS,
    ...overrides,
  });
  const app = await buildApp(config, { logStream: logs, auth: testAuth, store });
  await app.ready();
  return { app, logs, config };
}

export const as = (role: Role, extra: Record<string, string> = {}) => ({ 'x-test-role': role, ...extra });
