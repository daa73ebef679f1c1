// Buy numbers: browse → cart → confirm → one purchase per number, exactly once, whatever the user does.
import { DEMO_USER, expect, expectAccessible, ORIGIN, signIn, test, type Emulator } from '../fixtures';
import { PurchasePage, shown } from '../pages/purchase.page';

/** How many times the emulator sold each of `numbers` to us. */
async function purchaseCounts(emulator: Emulator, numbers: string[]): Promise<Record<string, number>> {
  const stats = await emulator.stats();
  const counts: Record<string, number> = Object.fromEntries(numbers.map((n) => [n, 0]));
  for (const p of stats.purchases) if (p.number in counts) counts[p.number]! += 1;
  return counts;
}

async function fillCartFromFirstExchange(buy: PurchasePage, count: number): Promise<string[]> {
  await buy.gotoAreacodes();
  await buy.areacodeLinks.first().click();
  await expect(buy.page).toHaveURL(/\/buy\/areacodes\/\d{3}/);
  await buy.exchangeLinks.first().click();
  await expect(buy.page).toHaveURL(/\/buy\/search\?starts_with=\d{6}/);
  return buy.addFirstResults(count);
}

test.describe('buy numbers', () => {
  // The proxy allows 5 purchases per user per minute; runs that hit it wait for the next window.
  test.describe.configure({ timeout: 180_000 });

  test('browse area code → exchange, buy 3 from the cart, see them in the account list', async ({
    adminPage: page,
    emulator,
  }) => {
    const buy = new PurchasePage(page);
    const numbers = await fillCartFromFirstExchange(buy, 3);
    await expect(buy.sideCart.getByTestId('cart-count')).toHaveText('3');

    await buy.openCart();
    await expect(buy.cartTable.locator('tbody tr')).toHaveCount(3);
    await buy.buyButton.click();
    await expect(buy.confirmDialog).toContainText('Buy 3 numbers?');
    await expect(buy.confirmDialog.getByTestId('cart-count')).toHaveText('3');
    await expect(buy.confirmDialog.getByTestId('cart-setup-total')).toContainText('USD');
    await expect(buy.confirmDialog.getByTestId('cart-monthly-total')).toContainText('USD');
    await buy.confirmButton.click();

    await buy.expectFinished(3, 3);
    expect(await purchaseCounts(emulator, numbers)).toEqual(Object.fromEntries(numbers.map((n) => [n, 1])));

    // The account list knows them without a manual reload (navigate inside the SPA).
    await page.getByRole('link', { name: 'Numbers', exact: true }).first().click();
    await expect(page).toHaveURL(/\/numbers/);
    for (const n of numbers) await expect(page.getByText(shown(n)).first()).toBeVisible();

    // Each bought number links to its detail.
    await page.goBack();
    await buy.resultRow(numbers[0]!).getByRole('link', { name: 'Open number' }).click();
    await expect(page).toHaveURL(new RegExp(`/numbers/${numbers[0]}$`));
    await expect(page.getByText(shown(numbers[0]!)).first()).toBeVisible();
  });

  test('a double click on the final buy button buys each number once', async ({
    adminPage: page,
    emulator,
  }) => {
    const buy = new PurchasePage(page);
    const numbers = await fillCartFromFirstExchange(buy, 3);
    await buy.openCart();
    await buy.buyButton.click();
    await buy.confirmButton.dblclick();
    await buy.expectFinished(3, 3);
    expect(await purchaseCounts(emulator, numbers)).toEqual(Object.fromEntries(numbers.map((n) => [n, 1])));
  });

  test('a number sold in between fails alone and can be dropped', async ({ adminPage: page, emulator }) => {
    const buy = new PurchasePage(page);
    const numbers = await fillCartFromFirstExchange(buy, 3);
    const sold = numbers[1]!;

    await buy.openCart();
    await buy.buyButton.click();
    await expect(buy.confirmDialog).toContainText('Buy 3 numbers?');
    await emulator.sell(sold); // someone else buys it while the dialog is open
    await buy.confirmButton.click();
    await buy.expectFinished(3, 2);
    await expect(buy.resultRow(sold)).toContainText('No longer available — someone else bought it');
    expect(await purchaseCounts(emulator, numbers)).toEqual({
      [numbers[0]!]: 1,
      [sold]: 0,
      [numbers[2]!]: 1,
    });

    await buy
      .resultRow(sold)
      .getByRole('button', { name: `Drop ${shown(sold)} from cart` })
      .click();
    await expect(buy.resultRow(sold)).toHaveCount(0);
    await expect(buy.cartTable).toHaveCount(0);
  });

  test('a number sold before checkout is flagged in the cart and left out', async ({
    adminPage: page,
    emulator,
  }) => {
    const buy = new PurchasePage(page);
    const numbers = await fillCartFromFirstExchange(buy, 2);
    const sold = numbers[0]!;
    await emulator.sell(sold);

    await buy.openCart();
    await expect(page.getByRole('alert').filter({ hasText: 'No longer available' })).toContainText(
      shown(sold),
    );
    await expect(buy.buyButton).toHaveText('Buy 1 number');
    await page.getByRole('button', { name: 'Drop it' }).click();
    await expect(buy.cartTable.locator('tbody tr')).toHaveCount(1);
    await buy.buyButton.click();
    await buy.confirmButton.click();
    await buy.expectFinished(1, 1);
    expect(await purchaseCounts(emulator, numbers)).toEqual({ [sold]: 0, [numbers[1]!]: 1 });
  });

  test('a reload in the middle of a purchase resumes it without buying twice', async ({
    adminPage: page,
    emulator,
  }) => {
    const buy = new PurchasePage(page);
    const numbers = await fillCartFromFirstExchange(buy, 3);
    await emulator.fault({ method: 'POST', path: '^/v2/numbers/1\\d{10}$', fault: 'latency', ms: 1500 });
    await buy.openCart();
    await buy.buyButton.click();
    await buy.confirmButton.click();
    await expect(buy.resultsPerNumber.getByText('Buying…').first()).toBeVisible();
    await page.reload();
    await buy.expectFinished(3, 3);
    expect(await purchaseCounts(emulator, numbers)).toEqual(Object.fromEntries(numbers.map((n) => [n, 1])));
  });

  test('a viewer browses the inventory read-only: no cart, nothing to buy', async ({
    page,
    playwright,
    emulator,
  }) => {
    const admin = await playwright.request.newContext({ baseURL: ORIGIN });
    const headers = { 'X-CSRF': '1', Origin: ORIGIN };
    expect((await admin.post('/auth/login', { data: DEMO_USER, headers })).ok()).toBe(true);
    const created = await admin.post('/admin/users', {
      data: { username: `viewer-${Date.now()}`, role: 'viewer' },
      headers,
    });
    expect(created.status(), await created.text()).toBe(201);
    const { user, password } = (await created.json()) as { user: { username: string }; password: string };
    await admin.dispose();

    await signIn(page, user.username, password);
    const buy = new PurchasePage(page);
    await buy.gotoSearch('?starts_with=206');
    await expect(buy.resultRows.first()).toContainText('+1 206-');
    // DESIGN.md roles: only admins buy, so a viewer is offered no cart and no add-to-cart at all.
    await expect(page.getByRole('button', { name: /cart/i })).toHaveCount(0);
    await page.goto('/buy/cart');
    await expect(page.getByText('Buying numbers needs the admin role').first()).toBeVisible();
    await expect(page.getByRole('button', { name: /^Buy \d/ })).toHaveCount(0);
    expect((await emulator.stats()).purchases).toEqual([]);
  });

  test('search form: typed digits, rate center needs a state, results in the URL', async ({
    adminPage: page,
  }) => {
    const buy = new PurchasePage(page);
    await buy.gotoSearch('');
    await page.getByLabel('Rate center').isDisabled();
    await expect(page.getByText('Needs a state')).toBeVisible();
    await page.getByLabel('Starts with').fill('(206) 3');
    await expect(page.getByText('Searches for digits 2063')).toBeVisible();
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(page).toHaveURL(/starts_with=2063/);
    await expect(buy.resultRows.first()).toContainText('+1 206-3');
    await expect(buy.resultRows.first()).toContainText('$');
  });

  test('search and cart have no serious accessibility violations', async ({ adminPage: page }) => {
    const buy = new PurchasePage(page);
    await buy.gotoAreacodes();
    await expectAccessible(page);
    await buy.gotoSearch('?starts_with=206');
    await expect(buy.resultRows.first()).toBeVisible();
    await buy.addFirstResults(2);
    await expectAccessible(page);
    await buy.openCart();
    await expectAccessible(page);
    await buy.buyButton.click();
    await expect(buy.confirmDialog).toBeVisible();
    await expectAccessible(page);
  });
});

test.describe('buy numbers screenshots', () => {
  test.describe.configure({ timeout: 180_000 });
  for (const viewport of [
    { width: 1440, height: 900 },
    { width: 390, height: 844 },
  ]) {
    test(`screens at ${viewport.width}x${viewport.height}`, async ({ adminPage: page }) => {
      await page.setViewportSize(viewport);
      const tag = `${viewport.width}x${viewport.height}`;
      const dir = process.env.SCREENS_DIR ?? 'test-results/screens';
      const shot = (name: string) =>
        page.screenshot({ path: `${dir}/purchase-${name}-${tag}.png`, animations: 'disabled' });
      const buy = new PurchasePage(page);
      await buy.gotoAreacodes();
      await shot('areacodes');
      await buy.areacodeLinks.first().click();
      await expect(buy.exchangeLinks.first()).toBeVisible();
      await shot('exchanges');
      await buy.gotoSearch('?starts_with=206&limit=25');
      await buy.addFirstResults(4);
      await shot('search');
      await buy.openCart();
      await shot('cart');
      await buy.buyButton.click();
      await expect(buy.confirmDialog).toBeVisible();
      await shot('confirm');
      await buy.confirmButton.click();
      await buy.expectFinished(4, 4);
      await shot('results');
    });
  }
});
