// The app as a whole: it loads with no console errors, every section opens from the navigation, and the
// shell passes axe at desktop and phone sizes.
import { expect, expectAccessible, test } from '../fixtures';

const sections = [
  { link: 'Numbers', path: '/numbers', heading: 'Numbers' },
  { link: 'Buy numbers', path: '/buy', heading: /Buy numbers/ },
  { link: 'Routes', path: '/routes', heading: 'Routes' },
  { link: 'Messages', path: '/messages', heading: 'Messages' },
];

test('signed-out visitors are sent to the sign-in page and come back after signing in', async ({
  page,
  consoleErrors,
}) => {
  await page.goto('/routes');
  await expect(page).toHaveURL(/\/login\?next=%2Froutes/);
  await expect(page.getByRole('heading', { level: 1, name: 'Flowroute ops' })).toBeVisible();
  await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
  await expectAccessible(page);
  // The only console noise allowed here is the browser's own report of the 401 from /auth/me.
  expect(consoleErrors.filter((e) => !/401/.test(e))).toEqual([]);
});

test('every section opens from the navigation with no console errors', async ({
  adminPage: page,
  emulator,
  consoleErrors,
}) => {
  void emulator;
  await page.goto('/');
  await expect(page).toHaveURL(/\/numbers/);
  await expect(page.getByText('Demo — emulated Flowroute', { exact: false })).toBeVisible();
  for (const s of sections) {
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: s.link, exact: true })
      .click();
    await expect(page).toHaveURL(new RegExp(`${s.path}(\\?|$|/)`));
    await expect(page.getByRole('heading', { level: 1, name: s.heading })).toBeVisible();
    await expectAccessible(page);
  }
  // A deep link survives a reload (history fallback in the proxy).
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Messages' })).toBeVisible();
  expect(consoleErrors).toEqual([]);
});

test('the shell works on a phone', async ({ adminPage: page, consoleErrors }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/numbers');
  await page.getByRole('button', { name: 'Open navigation' }).click();
  await page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('link', { name: 'Routes', exact: true })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: 'Routes' })).toBeVisible();
  await expectAccessible(page);
  expect(consoleErrors).toEqual([]);
});
