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
  // Chromium warns about a preload still unused 3 s after the load event: index.html's preloads (the sign-in check,
  // the landing page's code) must be used or harmless on every page, this one included.
  const preloadNotes: string[] = [];
  page.on('console', (msg) => {
    if (/preload/i.test(msg.text())) preloadNotes.push(msg.text());
  });
  await page.goto('/routes');
  await expect(page).toHaveURL(/\/login\?next=%2Froutes/);
  await expect(page.getByRole('heading', { level: 1, name: 'Flowroute ops' })).toBeVisible();
  await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
  await expectAccessible(page);
  // Nothing to wait for but time: the warning would come 3 s after the load event.
  // eslint-disable-next-line playwright/no-wait-for-timeout
  await page.waitForTimeout(3_500);
  expect(preloadNotes).toEqual([]);
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

test('a cold load asks once for the sign-in check and the settings: the requests index.html preloads are the ones used', async ({
  adminPage: page,
  consoleErrors,
}) => {
  const asked: string[] = [];
  const notes: string[] = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/auth/')) asked.push(path);
  });
  // Chromium says so when a preload goes unused (e.g. the app's fetch uses other credentials).
  page.on('console', (msg) => {
    if (/preload/i.test(msg.text())) notes.push(msg.text());
  });
  await page.goto('/numbers');
  await expect(page.getByRole('heading', { level: 1, name: 'Numbers' })).toBeVisible();
  await expect(page.locator('table[aria-rowcount] tbody tr td').first()).toBeVisible();
  expect(asked.sort()).toEqual(['/auth/config', '/auth/me']);
  expect(notes).toEqual([]);
  expect(consoleErrors).toEqual([]);
});
