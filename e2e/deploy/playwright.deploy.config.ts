// Playwright config of the DEPLOY suite: the production build behind Debian's nginx in both supported topologies
// (same origin; separate origins with CORS), started on loopback by global-setup.ts. Run after `npm run build`:
//   npx playwright test -c e2e/deploy/playwright.deploy.config.ts
// Ports DEPLOY_PORT_BASE..+24 (default 9800–9824); see topologies.ts. rotation.spec.ts needs TEST_DATABASE_URL.
import { defineConfig } from '@playwright/test';
import { CHROMIUM_PROJECT, DESKTOP_VIEWPORT } from '../chromium';
import { BASE } from './topologies';

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  globalSetup: './global-setup.ts',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: `../../test-results/deploy/artifacts-${BASE}`,
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: DESKTOP_VIEWPORT,
  },
  projects: [CHROMIUM_PROJECT],
});
