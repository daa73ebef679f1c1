// The one Chromium setup of both Playwright configs (playwright.config.ts and e2e/deploy/playwright.deploy.config.ts):
// Debian's Chromium with the project's flags (chromium-launch.mjs, shared with bench/) and the 1440×900 desktop
// viewport. Specs that need the phone size set their own viewport.
import { devices, type Project } from '@playwright/test';
import { CHROMIUM_LAUNCH_OPTIONS } from './chromium-launch.mjs';

export { CHROMIUM_LAUNCH_OPTIONS };

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
