// Routes: create a host route and make it a number's failover (seen after a reload), and a bulk primary
// change on 25 numbers with 2 injected upstream failures, retried, then reverted to the saved "before".
import { ORIGIN, expect, expectAccessible, test } from '../fixtures';
import { BulkBar, ProxyApi, RouteCreatePage, RoutesPage, RoutingPanel } from '../pages/routes.page';

test.describe('routes', () => {
  test('create a host route and set it as failover of a number', async ({
    adminPage: page,
    emulator,
    consoleErrors,
  }) => {
    await emulator.reset();
    const api = new ProxyApi(page.request, ORIGIN);
    const alias = `E2E PBX ${Date.now()}`;

    // The list and its usage counts.
    const routes = new RoutesPage(page);
    await routes.goto();
    await expect(routes.row('sip-reg')).toBeVisible();
    await expect(page.getByText(/Usage counted from \d+ numbers/)).toBeVisible();
    await expectAccessible(page);

    // The form validates as you type, with the contract's rules.
    const form = new RouteCreatePage(page);
    await form.goto();
    await expect(form.type('Host')).toBeChecked();
    await form.alias.fill(alias);
    await form.host.fill('pbx..example.com');
    await expect(page.getByText('A host name cannot contain empty parts (..).')).toBeVisible();
    await form.host.fill('[2001:db8::1]:5060x');
    await expect(page.getByText('The port must be a number from 1 to 65535.')).toBeVisible();
    await expectAccessible(page);
    await form.host.fill('pbx-e2e.example.com:5070');
    await expect(page.getByText('The port must be a number from 1 to 65535.')).toBeHidden();
    await form.submit.click();
    await expect(page.getByText('Route created', { exact: true }).first()).toBeVisible();
    await expect(routes.row(alias)).toContainText('pbx-e2e.example.com:5070');

    const createdId = await api.findRoute(alias);
    expect(createdId).not.toBeNull();

    // Set it as failover on a number's detail page.
    const numbers = await api.get<{ data: { id: string }[] }>('/api/v2/numbers?limit=5');
    const number = numbers.data[0]!.id;
    await page.goto(`/numbers/${number}`);
    const panel = new RoutingPanel(page);
    await panel.change.click();
    await panel.pick('Failover', alias);
    await expectAccessible(page);
    await panel.review.click();
    await expect(panel.confirmDialog).toContainText(alias);
    await expect(panel.confirmDialog).toContainText('unchanged'); // primary stays
    await panel.confirmDialog.getByRole('button', { name: /^Apply/ }).click();
    await expect(panel.region.getByText('Routing saved')).toBeVisible();
    await expect(panel.region).toContainText(`failover ${alias}`);

    await page.reload();
    await expect(panel.region.getByRole('table', { name: 'Current routes' })).toContainText(alias);
    expect((await api.slots(number)).failover).toBe(createdId);

    expect(consoleErrors).toEqual([]);
  });

  test('bulk-assign a primary route to 25 numbers, retry 2 failures, then revert all', async ({
    adminPage: page,
    emulator,
  }) => {
    // The proxy allows 20 route changes a minute per user by default: 52 changes include waits.
    test.setTimeout(300_000);
    await emulator.reset();
    const api = new ProxyApi(page.request, ORIGIN);
    const alias = `E2E bulk ${Date.now()}`;
    const routeId = await api.createRoute(alias, 'host', 'bulk-e2e.example.com:5060');
    const numbers = (await api.get<{ data: { id: string }[] }>('/api/v2/numbers?limit=25')).data.map(
      (n) => n.id,
    );
    expect(numbers).toHaveLength(25);
    const before = new Map<string, string | null>();
    for (const n of numbers) before.set(n, (await api.slots(n)).primary);

    // Two numbers' PATCHes fail upstream with a 500.
    const failing = [numbers[3]!, numbers[17]!];
    for (const n of failing) {
      await emulator.fault({
        method: 'PATCH',
        path: `^/v2/numbers/${n}/relationships/primary_route$`,
        fault: 'status',
        status: 500,
      });
    }

    await page.goto(`/numbers?selected=${numbers.join(',')}`);
    const bulk = new BulkBar(page);
    await expect(bulk.region).toContainText('25 numbers selected');
    await bulk.slot('Primary').click();
    await bulk.pickRoute(alias);
    await bulk.preview.click();
    await expect(bulk.badge(/25 will change/)).toBeVisible();
    await expectAccessible(page);

    await bulk.button(/Apply to 25 numbers/).click();
    await expect(bulk.badge(/23 changed/)).toBeVisible({ timeout: 120_000 });
    await expect(bulk.badge(/2 failed/)).toBeVisible();
    for (const n of failing) {
      await expect(bulk.dialog.locator(`tr[data-number="${n}"]`)).toContainText('Failed');
    }
    await expectAccessible(page);

    // The upstream recovers; only the 2 failures are sent again.
    await emulator.clearFaults();
    const changesBefore = (await emulator.stats()).routeChanges.length;
    await bulk.button(/Retry 2 failed/).click();
    await expect(bulk.badge(/25 changed/)).toBeVisible({ timeout: 120_000 });
    expect((await emulator.stats()).routeChanges.length - changesBefore).toBe(2);
    for (const n of numbers) expect((await api.slots(n)).primary).toBe(routeId);

    // The "before" values survive a reload; revert puts every number back.
    await page.reload();
    await page.getByRole('button', { name: 'Open' }).click();
    await bulk.button(/Revert all 25/).click();
    await expect(bulk.badge(/25 reverted/)).toBeVisible({ timeout: 120_000 });
    for (const n of numbers) expect((await api.slots(n)).primary).toBe(before.get(n));
    await bulk.button(/Finish and forget/).click();
    await expect(page.getByRole('button', { name: 'Open' })).toBeHidden();
  });
});
