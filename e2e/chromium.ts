// The one Chromium setup of both Playwright configs (playwright.config.ts and e2e/deploy/playwright.deploy.config.ts):
// Debian's Chromium (CHROMIUM_PATH to use another), flags for a headless box with no network beyond loopback, and the
// 1440×900 desktop viewport. Specs that need the phone size set their own viewport.
import { devices, type LaunchOptions, type Project } from '@playwright/test';

export const CHROMIUM_LAUNCH_OPTIONS: LaunchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
};

export const DESKTOP_VIEWPORT = { width: 1440, height: 900 };

/** The `chromium` project both configs run. */
export const CHROMIUM_PROJECT: Project = {
  name: 'chromium',
  use: {
    ...devices['Desktop Chrome'],
    viewport: DESKTOP_VIEWPORT,
    launchOptions: CHROMIUM_LAUNCH_OPTIONS,
  },
};
