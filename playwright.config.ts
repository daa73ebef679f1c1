// Playwright: browser tests in Debian's Chromium against the production build, served by the real proxy in
// demo mode with the embedded emulator (its control API on E2E_EMULATOR_PORT so tests can inject faults).
// Several engineers running e2e at once: give each run its own ports, e.g.
//   E2E_PORT=9480 E2E_EMULATOR_PORT=9481 npx playwright test e2e/specs/numbers.spec.ts
import { defineConfig } from '@playwright/test';
import { CHROMIUM_PROJECT, DESKTOP_VIEWPORT } from './e2e/chromium';

export const E2E_PORT = Number(process.env.E2E_PORT ?? 8180);
export const E2E_EMULATOR_PORT = Number(process.env.E2E_EMULATOR_PORT ?? 8181);
export const E2E_DEMO_PASSWORD = process.env.E2E_DEMO_PASSWORD ?? 'e2e-demo-password-7f3a';
/**
 * The build under test: `npm run build`'s build/proxy and dist/ by default; E2E_BUILD_DIR=<dir> runs <dir>/proxy
 * and serves <dir>/dist instead (e.g. `BENCH_BUILD_DIR=<dir>` with bench/lib/build.mjs), so a run does not depend on
 * — or replace — the shared build others are testing.
 */
const E2E_BUILD_DIR = process.env.E2E_BUILD_DIR;

export default defineConfig({
  testDir: './e2e/specs',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: `test-results/${E2E_PORT}`,
  use: {
    baseURL: `http://localhost:${E2E_PORT}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: DESKTOP_VIEWPORT,
  },
  projects: [CHROMIUM_PROJECT],
  webServer: {
    // A fresh database per run; the proxy serves dist/ (build first: `npm run build`).
    command: `rm -rf .data/e2e-${E2E_PORT} && node ${E2E_BUILD_DIR ? `${E2E_BUILD_DIR}/proxy` : 'build/proxy'}/server.js`,
    url: `http://localhost:${E2E_PORT}/livez`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
    env: {
      PORT: String(E2E_PORT),
      HOST: '127.0.0.1',
      EMULATOR_PORT: String(E2E_EMULATOR_PORT),
      DEMO_PASSWORD: E2E_DEMO_PASSWORD,
      DATA_DIR: `.data/e2e-${E2E_PORT}`,
      LOG_LEVEL: 'warn',
      // One signed-in browser runs every spec against one database: lift our own per-user limits so the
      // specs test the screens, not the limiter (proxy tests cover the limits themselves).
      RATE_LIMIT_READS_PER_MINUTE: '100000',
      RATE_LIMIT_PURCHASES_PER_MINUTE: '1000',
      RATE_LIMIT_SENDS_PER_MINUTE: '1000',
      DAILY_CAP_PURCHASES: '100000',
      DAILY_CAP_SENDS: '100000',
      FLOWROUTE_ACCESS_KEY: '',
      FLOWROUTE_SECRET_KEY: '',
      ...(E2E_BUILD_DIR ? { STATIC_DIR: `${E2E_BUILD_DIR}/dist` } : {}),
    },
  },
});
