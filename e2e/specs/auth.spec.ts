// Staff access end to end: sign-in page, the admin creating a viewer and an operator on the Staff screen,
// what each role sees and what the proxy refuses (403, nothing reaches Flowroute), the audit log showing what
// just happened, and sign-out.
import type { APIRequestContext, Page } from '@playwright/test';
import { DEMO_USER, ORIGIN, expect, expectAccessible, test } from '../fixtures';
import { AuditPage, SignInPage, StaffPage } from '../pages/auth.page';

test.describe.configure({ mode: 'serial' });

const suffix = Date.now().toString(36).slice(-5);
const VIEWER = { username: `vera-${suffix}`, password: 'tqvm-Zhkr-wpx3-bnsa-viewer' };
const OPERATOR = { username: `otto-${suffix}`, password: 'tqvm-Zhkr-wpx3-bnsa-operator' };
const ROUTE_ALIAS = `e2e operator route ${suffix}`;
const NUMBER = '12065550100';

const mutationHeaders = () => ({
  'X-CSRF': '1',
  Origin: ORIGIN,
  'Content-Type': 'application/json',
  'Idempotency-Key': crypto.randomUUID(),
});

/** The four kinds of change the UI hides from viewers, sent directly. */
async function tryEveryChange(request: APIRequestContext) {
  return {
    createRoute: await request.post('/api/v2/routes', {
      headers: mutationHeaders(),
      data: {
        data: { type: 'route', attributes: { route_type: 'host', value: 'sip.example.com', alias: 'nope' } },
      },
    }),
    setPrimary: await request.patch(`/api/v2/numbers/${NUMBER}/relationships/primary_route`, {
      headers: mutationHeaders(),
      data: { data: { type: 'route', id: '0' } },
    }),
    send: await request.post('/api/v2.1/messages', {
      headers: mutationHeaders(),
      data: { data: { type: 'message', attributes: { to: '12065550199', from: NUMBER, body: 'hi' } } },
    }),
    buy: await request.post(`/api/v2/numbers/${NUMBER}`, { headers: mutationHeaders(), data: {} }),
  };
}

async function signInThroughPage(
  page: Page,
  user: { username: string; password: string },
  next = '/numbers',
) {
  const signIn = new SignInPage(page);
  await signIn.goto(next);
  await signIn.signIn(user.username, user.password);
  await expect(page).toHaveURL(new RegExp(`${next.replace('/', '\\/')}(\\?|$)`));
}

test('the sign-in page says it is a demo, explains a wrong password and returns to ?next=', async ({
  page,
  consoleErrors,
}) => {
  const signIn = new SignInPage(page);
  await signIn.goto('/routes');
  await expect(signIn.demoNotice).toContainText('demo');
  await expect(signIn.demoNotice).toContainText('DEMO_PASSWORD');
  await expectAccessible(page);

  await signIn.submit.click();
  await expect(page.getByText('Enter your username')).toBeVisible();

  await signIn.signIn(DEMO_USER.username, 'not-the-password');
  await expect(signIn.error).toContainText('Wrong username or password.');
  await expect(signIn.password).toHaveValue('');
  await expectAccessible(page);

  await signIn.signIn(DEMO_USER.username, DEMO_USER.password);
  await expect(page).toHaveURL(/\/routes$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Routes' })).toBeVisible();
  // The browser reports the 401s of /auth/me and the wrong password; nothing else.
  expect(consoleErrors.filter((e) => !/401/.test(e))).toEqual([]);
});

test('an admin adds a viewer and an operator on the Staff screen', async ({
  adminPage: page,
  consoleErrors,
}) => {
  const staff = new StaffPage(page);
  await staff.goto();
  await expect(staff.row(DEMO_USER.username)).toContainText('you');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Add staff member' }).click();
  await expect(page.getByRole('dialog', { name: 'Add staff member' })).toBeVisible();
  await expectAccessible(page);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();

  await staff.addUser(VIEWER.username, 'Viewer', VIEWER.password);
  await staff.addUser(OPERATOR.username, 'Operator', OPERATOR.password);
  await expect(staff.row(VIEWER.username)).toContainText('Viewer');
  await expect(staff.row(VIEWER.username)).toContainText('Active');
  await expect(staff.row(OPERATOR.username)).toContainText('Operator');
  await expectAccessible(page);
  expect(consoleErrors).toEqual([]);
});

test('a viewer sees no buy, send or route-change controls, and the proxy refuses those calls', async ({
  page,
  emulator,
  consoleErrors,
}) => {
  await signInThroughPage(page, VIEWER);
  const main = page.getByRole('main');
  await expect(page.getByRole('heading', { level: 1, name: 'Numbers' })).toBeVisible();
  await expect(main.getByRole('link', { name: 'Buy numbers' })).toHaveCount(0);
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await expect(nav.getByRole('link', { name: 'Staff' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: 'Audit log' })).toHaveCount(0);

  await page.goto('/routes');
  await expect(page.getByRole('heading', { level: 1, name: 'Routes' })).toBeVisible();
  await expect(main.getByRole('link', { name: 'New route' })).toHaveCount(0);

  await page.goto('/messages');
  await expect(page.getByRole('heading', { level: 1, name: 'Messages' })).toBeVisible();
  await expect(
    page.getByRole('navigation', { name: 'Messages sections' }).getByRole('link', { name: 'Compose' }),
  ).toHaveCount(0);

  const before = await emulator.stats();
  const answers = await tryEveryChange(page.request);
  for (const [name, res] of Object.entries(answers)) {
    expect(res.status(), name).toBe(403);
    expect(res.headers()['x-proxy-error'], name).toBe('forbidden_role');
  }
  const staffApi = await page.request.get('/admin/users');
  expect(staffApi.status()).toBe(403);
  await page.goto('/admin/audit');
  await expect(page.getByText('Only admins can read the audit log.')).toBeVisible();
  await expect(page.getByTestId('audit-row')).toHaveCount(0);
  const after = await emulator.stats();
  expect(after.purchases).toEqual(before.purchases);
  expect(after.sends).toEqual(before.sends);
  expect(after.routeChanges).toEqual(before.routeChanges);
  // The browser logs the refused requests the test itself made (403); nothing else.
  expect(consoleErrors.filter((e) => !/40[13]/.test(e))).toEqual([]);
});

test('an operator sees route and send controls but not buy, and creates a route', async ({
  page,
  consoleErrors,
}) => {
  await signInThroughPage(page, OPERATOR, '/routes');
  const main = page.getByRole('main');
  await expect(main.getByRole('link', { name: 'New route' })).toBeVisible();

  await page.goto('/messages');
  await expect(
    page.getByRole('navigation', { name: 'Messages sections' }).getByRole('link', { name: 'Compose' }),
  ).toBeVisible();

  await page.goto('/numbers');
  await expect(page.getByRole('heading', { level: 1, name: 'Numbers' })).toBeVisible();
  await expect(main.getByRole('link', { name: 'Buy numbers' })).toHaveCount(0);
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await expect(nav.getByRole('link', { name: 'Audit log' })).toHaveCount(0);

  const buy = await page.request.post(`/api/v2/numbers/${NUMBER}`, { headers: mutationHeaders(), data: {} });
  expect(buy.status()).toBe(403);
  expect(buy.headers()['x-proxy-error']).toBe('forbidden_role');

  const created = await page.request.post('/api/v2/routes', {
    headers: mutationHeaders(),
    data: {
      data: {
        type: 'route',
        attributes: { route_type: 'host', value: 'sip.e2e-operator.example', alias: ROUTE_ALIAS },
      },
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  expect(consoleErrors.filter((e) => !/401/.test(e))).toEqual([]);
});

test('the admin audit log shows what just happened, with intent and outcome, and the chain verifies', async ({
  adminPage: page,
  consoleErrors,
}) => {
  const audit = new AuditPage(page);
  await audit.goto();
  await expect(audit.rows.first()).toBeVisible();
  await expectAccessible(page);

  // The operator's route, and the refusal of their purchase attempt never became an intent.
  await audit.filter({ who: OPERATOR.username });
  await expect(page).toHaveURL(new RegExp(`who=${OPERATOR.username}`));
  const routeRow = audit.rows.filter({ hasText: 'Create route' });
  await expect(routeRow).toHaveCount(1);
  await expect(routeRow).toContainText('Succeeded');
  await expect(audit.rows.filter({ hasText: 'Sign-in' }).first()).toBeVisible();
  await expect(audit.rows.filter({ hasText: 'Buy number' })).toHaveCount(0);

  await routeRow.getByRole('button', { name: /Details: Create route/ }).click();
  const drawer = audit.drawer();
  await expect(drawer.getByText('Intent (before forwarding)')).toBeVisible();
  await expect(drawer.getByText('Outcome (after Flowroute answered)')).toBeVisible();
  await expect(drawer.getByRole('cell', { name: ROUTE_ALIAS, exact: true })).toBeVisible();
  await expect(drawer.getByText('201', { exact: true })).toBeVisible();
  await expectAccessible(page);
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();

  // The admin's staff changes are there too.
  await audit.filter({ who: DEMO_USER.username });
  await expect(
    audit.rows.filter({ hasText: 'Add staff member' }).filter({ hasText: VIEWER.username }),
  ).toHaveCount(1);
  await expect(
    audit.rows.filter({ hasText: 'Add staff member' }).filter({ hasText: OPERATOR.username }),
  ).toHaveCount(1);

  const verified = await audit.verifyChain();
  await expect(verified).toContainText('Chain intact');

  const csv = page.getByRole('link', { name: 'Export CSV' });
  await expect(csv).toHaveAttribute(
    'href',
    new RegExp(`/admin/audit/export\\.csv\\?who=${DEMO_USER.username}`),
  );
  const exported = await page.request.get((await csv.getAttribute('href'))!);
  expect(exported.status()).toBe(200);
  expect(await exported.text()).toContain(VIEWER.username);
  expect(consoleErrors).toEqual([]);
});

test('signing out returns to /login, and /api then answers 401', async ({ adminPage: page }) => {
  await page.goto('/numbers');
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await expect(new SignInPage(page).form).toBeVisible();
  const res = await page.request.get('/api/v2/numbers?limit=1');
  expect(res.status()).toBe(401);
  expect(res.headers()['x-proxy-error']).toBe('unauthenticated');
  expect(res.headers()['content-type']).toContain('application/json');
});
