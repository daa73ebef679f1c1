// A Flowroute outage (the emulator answers 503 on every path): the UI says Flowroute is unavailable — not "signed
// out", not a blank page — and, once Flowroute is back, recovers without a page reload (after the proxy's circuit
// breaker lets a probe through).
import { expect, test } from '../fixtures';
import { RouteCreatePage, RoutesPage } from '../pages/routes.page';

test.describe('Flowroute outage', () => {
  test('the UI degrades with a clear message and recovers without a reload', async ({
    adminPage: page,
    emulator,
    consoleErrors,
  }) => {
    test.setTimeout(120_000);
    await page.goto('/routes');
    await expect(page.getByRole('heading', { level: 1, name: 'Routes' })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Routes' })).toBeVisible();
    // Anything that reloads the page would drop this marker.
    await page.evaluate(() => {
      (window as unknown as { __noReload: boolean }).__noReload = true;
    });

    await emulator.fault({ path: '.*', fault: 'status', status: 503 });
    // A screen that needs Flowroute now: the numbers list.
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Numbers', exact: true })
      .click();
    await expect(page.getByRole('heading', { level: 1, name: 'Numbers' })).toBeVisible();
    const alert = page.getByRole('alert').filter({ hasText: 'Flowroute is unavailable' });
    await expect(alert).toBeVisible({ timeout: 30_000 });
    await expect(alert).toContainText(/Flowroute/);
    // Still signed in: the shell and navigation stay, no sign-in page.
    await expect(page.getByRole('navigation', { name: 'Main navigation' })).toBeVisible();
    await expect(page).toHaveURL(/\/numbers/);
    await page.screenshot({ path: `test-results/reliability-outage.png`, fullPage: false });

    // The proxy stops calling Flowroute while it is failing (circuit open): not ready (R-8, READYZ_BREAKER=fail).
    const ready = await page.request.get('/readyz');
    expect(ready.status()).toBe(503);
    expect(((await ready.json()) as { upstream: { circuit: string } }).upstream.circuit).toBe('open');

    // Flowroute comes back. The user presses "Try again" until the proxy lets a probe through (≤ 30 s).
    await emulator.clearFaults();
    await expect(async () => {
      const retry = page.getByRole('button', { name: 'Try again' });
      // The button goes away the moment the table is back (the UI's own refetch may get there first): a click that
      // waited for it to come back would wait for the rest of the test's time, so each click gets 2 s at most.
      if (await retry.isVisible()) await retry.click({ timeout: 2_000 }).catch(() => undefined);
      await expect(page.getByRole('table').first()).toBeVisible({ timeout: 3_000 });
    }).toPass({ timeout: 60_000, intervals: [2_000] });
    await expect(alert).toHaveCount(0);
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    await page.screenshot({ path: `test-results/reliability-recovered.png`, fullPage: false });
    expect((await page.request.get('/readyz')).status()).toBe(200);

    // The browser logs each failed request (503) as a console error; nothing else may appear.
    const unexpected = consoleErrors.filter((e) => !/status of 50[234]/.test(e));
    expect(unexpected).toEqual([]);
  });

  test('a change whose answer is lost shows "Checking with Flowroute…", then the confirmed result, sent once', async ({
    adminPage: page,
    emulator,
    consoleErrors,
  }) => {
    const alias = `E2E lost answer ${Date.now()}`;
    // Flowroute creates the route, then the connection drops before the answer arrives.
    await emulator.fault({ method: 'POST', path: '^/v2/routes$', fault: 'reset_after', times: 1 });
    const form = new RouteCreatePage(page);
    await form.goto();
    await form.alias.fill(alias);
    await form.host.fill('lost-answer.example.com');
    await form.submit.click();
    await expect(page.getByText('Checking with Flowroute…')).toBeVisible();
    await page.screenshot({ path: 'test-results/reliability-checking.png' });
    await expect(page.getByText('Confirmed with Flowroute')).toBeVisible({ timeout: 20_000 });
    await expect(page.getByText('Route created', { exact: true }).first()).toBeVisible();
    await new RoutesPage(page).goto();
    await expect(new RoutesPage(page).row(alias)).toBeVisible();
    const stats = await emulator.stats();
    expect((stats.routesCreated as { alias: string }[]).filter((r) => r.alias === alias)).toHaveLength(1);
    expect(consoleErrors.filter((e) => !/status of 502/.test(e))).toEqual([]);
  });
});
