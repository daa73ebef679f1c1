// QA: each role is offered only what it may do (DESIGN.md roles: viewer reads everything, operator changes
// routes and sends, admin buys); the buy results fit a phone; the audit pager fits a phone; message status pills
// and conversation ticks are readable in dark mode; rate centers read as words.
import type { APIRequestContext, Page } from '@playwright/test';
import { DEMO_USER, expect, expectAccessible, ORIGIN, signIn, test } from '../fixtures';

const PASSWORD = 'qa-roles-Passw0rd-2026';

/** Creates a staff user through the real admin API (signed in as the demo admin). */
async function createUser(request: APIRequestContext, role: 'viewer' | 'operator'): Promise<string> {
  const headers = { 'X-CSRF': '1', Origin: ORIGIN };
  const login = await request.post('/auth/login', { data: DEMO_USER, headers });
  expect(login.status()).toBe(200);
  const username = `qa-${role}-${Date.now().toString(36)}`;
  const res = await request.post('/admin/users', { data: { username, role, password: PASSWORD }, headers });
  expect(res.status(), await res.text()).toBe(201);
  return username;
}

const nav = (page: Page) => page.getByRole('navigation', { name: 'Main navigation' });

test.describe('Roles: buying is offered to admins only', () => {
  test('a viewer browses the inventory read-only and cannot select numbers for route changes', async ({
    page,
    playwright,
    consoleErrors,
  }) => {
    test.setTimeout(120_000);
    const admin = await playwright.request.newContext({ baseURL: ORIGIN });
    const viewer = await createUser(admin, 'viewer');
    await admin.dispose();
    await signIn(page, viewer, PASSWORD);

    await page.goto('/numbers');
    await expect(page.getByRole('heading', { level: 1, name: 'Numbers' })).toBeVisible();
    await expect(nav(page).getByRole('link', { name: 'Buy numbers' })).toHaveCount(0);
    await expect(nav(page).getByRole('link', { name: 'Number inventory' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Buy numbers' })).toHaveCount(0);
    await expect(
      page.getByRole('table', { name: 'Account numbers' }).getByRole('link', { name: /^\+1 / }).first(),
    ).toBeVisible();
    await expect(page.getByRole('checkbox')).toHaveCount(0);

    await page.goto('/buy/search?starts_with=213');
    await expect(page.getByRole('heading', { level: 1, name: 'Number inventory' })).toBeVisible();
    await expect(page.getByText('Buying numbers needs the admin role')).toBeVisible();
    const results = page.getByRole('table', { name: 'Available numbers' });
    await expect(results).toBeVisible();
    await expect(results.getByText('Los Angeles').first()).toBeVisible();
    await expect(page.getByRole('button', { name: /cart/i })).toHaveCount(0);
    await expect(page.getByRole('link', { name: /cart/i })).toHaveCount(0);
    await expect(page.getByRole('checkbox')).toHaveCount(0);
    await expect(page.getByRole('complementary', { name: 'Cart' })).toHaveCount(0);
    await page.screenshot({ path: 'test-results/qa-roles-viewer-buy-1440.png' });
    await expectAccessible(page);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await expect(page.getByRole('list', { name: 'Available numbers' })).toBeVisible();
    await expect(page.getByRole('button', { name: /cart/i })).toHaveCount(0);
    await expect(page.getByRole('complementary', { name: 'Cart summary' })).toHaveCount(0);
    await page.screenshot({ path: 'test-results/qa-roles-viewer-buy-390.png' });

    await page.goto('/buy/cart');
    await expect(page.getByText('Buying numbers needs the admin role').first()).toBeVisible();
    await expect(page.getByRole('button', { name: /^Buy/ })).toHaveCount(0);
    expect(consoleErrors).toEqual([]);
  });

  test('an operator may select numbers (route changes) but is not offered buying', async ({
    page,
    playwright,
  }) => {
    const admin = await playwright.request.newContext({ baseURL: ORIGIN });
    const operator = await createUser(admin, 'operator');
    await admin.dispose();
    await signIn(page, operator, PASSWORD);
    await page.goto('/numbers');
    await expect(page.getByRole('checkbox', { name: 'Select all numbers on this page' })).toBeVisible();
    await expect(nav(page).getByRole('link', { name: 'Buy numbers' })).toHaveCount(0);
    await page.goto('/buy/search?starts_with=213');
    await expect(page.getByRole('table', { name: 'Available numbers' })).toBeVisible();
    await expect(page.getByRole('button', { name: /Add .* to cart/ })).toHaveCount(0);
  });

  test('an admin on a phone sees whole result cards with their add-to-cart button', async ({
    adminPage: page,
  }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/buy/search?starts_with=213');
    const cards = page.getByRole('list', { name: 'Available numbers' }).getByRole('listitem');
    await expect(cards.first()).toBeVisible();
    for (let i = 0; i < 3; i++) {
      const card = cards.nth(i);
      const button = card.getByRole('button', { name: /Add .* to cart/ });
      await expect(button).toBeVisible();
      const [cardBox, buttonBox] = [await card.boundingBox(), await button.boundingBox()];
      expect(buttonBox!.x + buttonBox!.width).toBeLessThanOrEqual(cardBox!.x + cardBox!.width);
      // The label is not clipped inside the button.
      const clipped = await button.evaluate((el) => {
        const label = el.querySelector('.mantine-Button-label') ?? el;
        return label.scrollWidth > label.clientWidth + 1;
      });
      expect(clipped).toBe(false);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: 'test-results/qa-buy-admin-390.png' });
  });
});

test.describe('Phone layout and dark-mode contrast', () => {
  test('the audit log pager stays within a phone screen', async ({ adminPage: page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/admin/audit');
    await expect(page.getByRole('button', { name: 'Next' })).toBeVisible();
    for (const name of ['Previous', 'Next']) {
      const box = await page.getByRole('button', { name }).boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    }
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: 'test-results/qa-audit-390.png', fullPage: true });
  });

  test('message status pills and an undeliverable tick pass axe in dark mode', async ({
    adminPage: page,
  }) => {
    test.setTimeout(180_000); // three axe runs over long pages on a shared 2-core machine
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.addInitScript(() => localStorage.setItem('flowroute-ops-color-scheme', 'dark'));
    await page.goto('/messages?range=30d');
    await expect(page.getByTestId('filter-count')).toContainText(/loaded/, { timeout: 30_000 });
    await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
    await page.screenshot({ path: 'test-results/qa-messages-dark-1440.png' });
    await expectAccessible(page);

    // An outbound message Flowroute could not deliver, opened as a conversation.
    const end = new Date();
    const start = new Date(end.getTime() - 30 * 86_400_000);
    const res = await page.request.get('/api/v2.1/messages', {
      params: { start_date: start.toISOString(), end_date: end.toISOString(), limit: 1000 },
    });
    expect(res.ok()).toBe(true);
    const body = (await res.json()) as {
      data: { id: string; attributes: { direction: string; status: string; from: string; to: string } }[];
    };
    const failed = body.data.find(
      (m) => m.attributes.direction === 'outbound' && m.attributes.status === 'undeliverable',
    );
    expect(failed, 'an undeliverable outbound message in the seed').toBeDefined();
    await page.goto(
      `/messages/conversations?range=30d&ours=${failed!.attributes.from}&theirs=${failed!.attributes.to}`,
    );
    const tick = page.getByTestId('ticks').filter({ hasText: 'undeliverable' }).first();
    await expect(tick).toBeVisible({ timeout: 30_000 });
    await tick.scrollIntoViewIfNeeded();
    await page.screenshot({ path: 'test-results/qa-conversation-dark-1440.png' });
    await expectAccessible(page);

    // Its detail page: the status badge and the delivery-receipt timeline.
    await page.goto(`/messages/${failed!.id}`);
    await expect(page.getByText('undeliverable').first()).toBeVisible({ timeout: 30_000 });
    await page.screenshot({ path: 'test-results/qa-message-detail-dark-1440.png' });
    await expectAccessible(page);
  });
});
