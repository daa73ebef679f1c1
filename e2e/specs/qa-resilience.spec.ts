// QA: a failed read retries by itself with a live countdown and recovers without a reload; the messages log
// stops its progress bar when loading failed; a route chunk that cannot be downloaded (redeploy or offline)
// shows a clear message with Reload, and after a redeploy reloads once by itself (never in a loop).
import type { Page } from '@playwright/test';
import { expect, expectAccessible, test } from '../fixtures';

const markPage = (page: Page) =>
  page.evaluate(() => {
    (window as unknown as { __qaMarker: boolean }).__qaMarker = true;
  });
const pageWasReloaded = async (page: Page) =>
  (await page.evaluate(() => (window as unknown as { __qaMarker?: boolean }).__qaMarker)) !== true;

async function secondsLeft(page: Page): Promise<number> {
  const text = await page.getByTestId('auto-retry').innerText();
  const match = /in (\d+) s/.exec(text);
  expect(match, `countdown text: ${text}`).not.toBeNull();
  return Number(match![1]);
}

test.describe('Outage: error boxes retry by themselves', () => {
  test('a failed read counts down visibly, keeps "Try again", and recovers without a reload', async ({
    adminPage: page,
    emulator,
    consoleErrors,
  }) => {
    test.setTimeout(150_000);
    await page.goto('/routes');
    await expect(page.getByRole('heading', { level: 1, name: 'Routes' })).toBeVisible();
    await markPage(page);

    await emulator.fault({ path: '.*', fault: 'status', status: 503 });
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Numbers', exact: true })
      .click();
    const alert = page.getByRole('alert').filter({ hasText: 'Flowroute is unavailable' });
    await expect(alert).toBeVisible({ timeout: 30_000 });
    await expect(alert.getByRole('button', { name: 'Try again' })).toBeVisible();
    // The countdown is live, not a frozen "Try again in 26 s".
    await expect(page.getByTestId('auto-retry')).toContainText(/Trying again in \d+ s/);
    const first = await secondsLeft(page);
    await page.waitForTimeout(2_500);
    const later = await secondsLeft(page);
    expect(later).toBeLessThan(first);
    await expect(alert).not.toContainText(/Try again in \d+ s/);
    await page.screenshot({ path: 'test-results/qa-outage-countdown-1440.png' });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: 'test-results/qa-outage-countdown-390.png' });
    await expectAccessible(page);
    await page.setViewportSize({ width: 1440, height: 900 });

    // The messages log: the error box, and no progress bar or spinner still claiming to load.
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Messages', exact: true })
      .click();
    const logAlert = page.getByRole('alert').filter({ hasText: 'Could not load messages' });
    await expect(logAlert).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole('progressbar', { name: 'Loading messages' })).toHaveCount(0);
    await expect(page.getByTestId('load-status')).toHaveCount(0);
    await page.screenshot({ path: 'test-results/qa-outage-messages-1440.png' });

    // Flowroute is back: nobody clicks anything, the page recovers on its own (after the proxy's breaker).
    await emulator.clearFaults();
    await expect(logAlert).toHaveCount(0, { timeout: 90_000 });
    await expect(page.getByTestId('filter-count')).toContainText(/loaded/, { timeout: 30_000 });
    expect(await pageWasReloaded(page)).toBe(false);
    expect(consoleErrors.filter((e) => !/status of 50[234]/.test(e))).toEqual([]);
  });

  test('a single failed read recovers by itself within seconds', async ({
    adminPage: page,
    emulator,
    consoleErrors,
  }) => {
    await page.goto('/numbers');
    await expect(page.getByRole('heading', { level: 1, name: 'Numbers' })).toBeVisible();
    await markPage(page);
    // One unexpected 500 from Flowroute on the routes list (not retried by the proxy or the query client).
    await emulator.fault({ method: 'GET', path: '^/v2/routes$', fault: 'status', status: 500, times: 1 });
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Routes', exact: true })
      .click();
    await expect(page.getByTestId('auto-retry')).toContainText(/Trying again in [1-5] s/, {
      timeout: 15_000,
    });
    await expect(page.getByRole('table', { name: 'Routes' })).toBeVisible({ timeout: 15_000 });
    expect(await pageWasReloaded(page)).toBe(false);
    expect(consoleErrors.filter((e) => !/status of 500/.test(e))).toEqual([]);
  });
});

test.describe('Offline / redeploy: a route chunk that cannot be loaded', () => {
  const ROUTES_CHUNK = /\/assets\/routes-list-page-[^/]*\.js$/;

  test('after a redeploy (old chunk gone) the page reloads once by itself and shows the page', async ({
    adminPage: page,
  }) => {
    await page.goto('/numbers');
    await expect(page.getByRole('heading', { level: 1, name: 'Numbers' })).toBeVisible();
    await markPage(page);
    let gone = 0;
    await page.route(ROUTES_CHUNK, async (route) => {
      if (gone === 0) {
        gone++;
        await route.fulfill({ status: 404, body: 'Not found' });
      } else await route.continue();
    });
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Routes', exact: true })
      .click();
    await expect(page.getByRole('table', { name: 'Routes' })).toBeVisible({ timeout: 20_000 });
    expect(gone).toBe(1);
    expect(await pageWasReloaded(page)).toBe(true);
    await expect(page).toHaveURL(/\/routes$/);
  });

  test('when the chunk is still missing after that reload, it stops and offers Reload (no loop)', async ({
    adminPage: page,
  }) => {
    await page.goto('/numbers');
    await expect(page.getByRole('heading', { level: 1, name: 'Numbers' })).toBeVisible();
    let documents = 0;
    page.on('request', (r) => {
      if (r.resourceType() === 'document') documents++;
    });
    await page.route(ROUTES_CHUNK, (route) => route.fulfill({ status: 404, body: 'Not found' }));
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Routes', exact: true })
      .click();
    await expect(page.getByRole('heading', { name: 'This page could not be loaded' })).toBeVisible({
      timeout: 20_000,
    });
    await expect(page.getByRole('alert')).toContainText('new version');
    await expect(page.getByRole('button', { name: 'Reload' })).toBeVisible();
    await page.waitForTimeout(3_000);
    expect(documents).toBe(1); // exactly one automatic reload
    await page.screenshot({ path: 'test-results/qa-chunk-error-1440.png' });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: 'test-results/qa-chunk-error-390.png' });
    await expectAccessible(page);
  });

  test('offline: says so, offers Reload, and loads the page once the connection is back', async ({
    adminPage: page,
    context,
  }) => {
    await page.goto('/numbers');
    await expect(page.getByRole('heading', { level: 1, name: 'Numbers' })).toBeVisible();
    await context.setOffline(true);
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Routes', exact: true })
      .click();
    await expect(page.getByRole('heading', { name: 'You are offline' })).toBeVisible({ timeout: 20_000 });
    await expect(page.getByRole('button', { name: 'Reload' })).toBeVisible();
    await page.screenshot({ path: 'test-results/qa-chunk-offline-1440.png' });
    await context.setOffline(false);
    await expect(page.getByRole('table', { name: 'Routes' })).toBeVisible({ timeout: 20_000 });
  });
});
