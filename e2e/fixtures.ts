// Shared Playwright fixtures: a page signed in as the demo admin (or any user), the emulator's control API
// (faults, stats, inventory) and a console-error collector that fails a test on any browser error.
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';
import { E2E_DEMO_PASSWORD, E2E_EMULATOR_PORT, E2E_PORT } from '../playwright.config';

export const ORIGIN = `http://localhost:${E2E_PORT}`;
export const EMULATOR_URL = `http://127.0.0.1:${E2E_EMULATOR_PORT}`;
export const DEMO_USER = { username: 'demo', password: E2E_DEMO_PASSWORD };

export interface Fault {
  method?: string;
  /** Regular expression (as a string) matched against the upstream path, e.g. '^/v2/numbers/1206' */
  path: string;
  fault: 'latency' | 'status' | 'reset_before' | 'reset_after' | 'malformed' | 'slow_body';
  ms?: number;
  status?: number;
  /** With status 429: the Retry-After seconds (default 1). */
  retryAfter?: number;
  times?: number;
}

export interface EmulatorStats {
  calls: Record<string, number>;
  purchases: { number: string }[];
  sends: unknown[];
  routeChanges: unknown[];
  [key: string]: unknown;
}

export class Emulator {
  constructor(private readonly request: APIRequestContext) {}
  async reset(): Promise<void> {
    expect((await this.request.post(`${EMULATOR_URL}/__emulator/reset`)).ok()).toBe(true);
  }
  async stats(): Promise<EmulatorStats> {
    const res = await this.request.get(`${EMULATOR_URL}/__emulator/stats`);
    expect(res.ok()).toBe(true);
    return (await res.json()) as EmulatorStats;
  }
  async fault(fault: Fault): Promise<string> {
    const res = await this.request.post(`${EMULATOR_URL}/__emulator/faults`, { data: fault });
    expect(res.ok()).toBe(true);
    return ((await res.json()) as { id: string }).id;
  }
  async clearFaults(): Promise<void> {
    expect((await this.request.delete(`${EMULATOR_URL}/__emulator/faults`)).ok()).toBe(true);
  }
  async sell(number: string): Promise<void> {
    expect(
      (await this.request.post(`${EMULATOR_URL}/__emulator/inventory/sell`, { data: { number } })).ok(),
    ).toBe(true);
  }
}

/** Signs the page's browser context in through the real /auth/login endpoint. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  const res = await page.request.post('/auth/login', {
    data: { username, password },
    headers: { 'X-CSRF': '1', Origin: ORIGIN },
  });
  expect(res.status(), await res.text()).toBe(200);
}

/** Fails on serious or critical accessibility violations of the current screen. */
export async function expectAccessible(page: Page): Promise<void> {
  // Let finite transitions (dialogs fading in) end first: mid-fade colours are not the real contrast.
  await page
    .waitForFunction(
      () =>
        document
          .getAnimations()
          .every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity),
      undefined,
      { timeout: 5_000 },
    )
    .catch(() => undefined);
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual(
    [],
  );
}

type Fixtures = {
  emulator: Emulator;
  consoleErrors: string[];
  /** A page signed in as the demo admin. */
  adminPage: Page;
};

export const test = base.extend<Fixtures>({
  emulator: async ({ playwright }, use) => {
    const request = await playwright.request.newContext();
    const emulator = new Emulator(request);
    await emulator.clearFaults();
    await emulator.reset();
    await use(emulator);
    await emulator.clearFaults();
    await request.dispose();
  },
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(msg.text());
      });
      page.on('pageerror', (err) => errors.push(String(err)));
      await use(errors);
    },
    { auto: true },
  ],
  adminPage: async ({ page }, use) => {
    await signIn(page, DEMO_USER.username, DEMO_USER.password);
    await use(page);
  },
});

export { expect };
