// Page objects for staff access: the sign-in page, the admin Staff screen and the admin Audit log screen.
import { expect, type Locator, type Page } from '@playwright/test';

export class SignInPage {
  constructor(readonly page: Page) {}

  async goto(next?: string): Promise<void> {
    await this.page.goto(next ? `/login?next=${encodeURIComponent(next)}` : '/login');
    await expect(this.form).toBeVisible();
  }

  get form(): Locator {
    return this.page.getByRole('form', { name: 'Sign in' });
  }
  get username(): Locator {
    return this.form.getByRole('textbox', { name: 'Username' });
  }
  get password(): Locator {
    return this.form.getByRole('textbox', { name: 'Password' });
  }
  get submit(): Locator {
    return this.form.getByRole('button', { name: /sign in|try again/i });
  }
  get error(): Locator {
    return this.page.getByTestId('sign-in-error');
  }
  get demoNotice(): Locator {
    return this.page.getByTestId('demo-notice');
  }

  async signIn(username: string, password: string): Promise<void> {
    await this.username.fill(username);
    await this.password.fill(password);
    await this.submit.click();
  }
}

export class StaffPage {
  constructor(readonly page: Page) {}

  async goto(): Promise<void> {
    await this.page.goto('/admin/staff');
    await expect(this.page.getByRole('heading', { level: 1, name: 'Staff' })).toBeVisible();
  }

  row(username: string): Locator {
    return this.page.getByTestId(`staff-row-${username}`);
  }

  async addUser(username: string, role: 'Viewer' | 'Operator' | 'Admin', password: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Add staff member' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Add staff member' });
    await dialog.getByRole('textbox', { name: 'Username' }).fill(username);
    await dialog.getByRole('radio', { name: role }).check();
    await dialog.getByRole('textbox', { name: 'Initial password' }).fill(password);
    await dialog.getByRole('button', { name: 'Add staff member' }).click();
    await expect(dialog).toBeHidden();
    await expect(this.row(username)).toBeVisible();
  }
}

export class AuditPage {
  constructor(readonly page: Page) {}

  async goto(query = ''): Promise<void> {
    await this.page.goto(`/admin/audit${query}`);
    await expect(this.page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  }

  get rows(): Locator {
    return this.page.getByTestId('audit-row');
  }

  async filter(values: { who?: string; number?: string }): Promise<void> {
    const form = this.page.getByRole('form', { name: 'Audit filters' });
    if (values.who !== undefined) await form.getByRole('textbox', { name: 'Who' }).fill(values.who);
    if (values.number !== undefined)
      await form.getByRole('textbox', { name: 'Number or target' }).fill(values.number);
    await form.getByRole('button', { name: 'Apply filters' }).click();
  }

  async verifyChain(): Promise<Locator> {
    await this.page.getByRole('button', { name: 'Verify chain' }).click();
    const result = this.page.getByTestId('verify-result');
    await expect(result).toBeVisible();
    return result;
  }

  drawer(): Locator {
    return this.page.getByRole('dialog', { name: 'Audit record' });
  }
}
