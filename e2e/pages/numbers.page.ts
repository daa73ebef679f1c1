// Page object for the account numbers list (/numbers) and one number's detail (/numbers/:number).
import { expect, type Locator, type Page } from '@playwright/test';

export class NumbersPage {
  constructor(readonly page: Page) {}

  async goto(query = ''): Promise<void> {
    await this.page.goto(`/numbers${query}`);
    await expect(this.page.getByRole('heading', { level: 1, name: 'Numbers' })).toBeVisible();
  }

  get table(): Locator {
    return this.page.getByRole('table', { name: /^Account numbers/ });
  }

  /** The table on wide screens, or the list of cards it becomes on a phone. */
  get listing(): Locator {
    return this.table.or(this.page.getByRole('list', { name: /^Account numbers/ }));
  }

  /** Links in the Number column (or on each card), formatted like "+1 206-555-0100". */
  get numberLinks(): Locator {
    return this.listing.getByRole('link', { name: /^\+1 \d{3}-\d{3}-\d{4}$/ });
  }

  filter(name: 'Starts with' | 'Contains' | 'Ends with'): Locator {
    return this.page.getByRole('search', { name: 'Filter numbers' }).getByLabel(name);
  }

  get nextButton(): Locator {
    return this.page.getByRole('button', { name: 'Next' }).first();
  }

  get previousButton(): Locator {
    return this.page.getByRole('button', { name: 'Previous' }).first();
  }

  get rowsPerPage(): Locator {
    return this.page.getByLabel('Rows per page');
  }

  async visibleNumbers(): Promise<string[]> {
    await expect(this.numberLinks.first()).toBeVisible();
    return this.numberLinks.allTextContents();
  }

  /** 11-digit form of a displayed "+1 206-555-0100". */
  static digits(formatted: string): string {
    return formatted.replace(/\D/g, '');
  }
}

export class NumberDetailPage {
  constructor(readonly page: Page) {}

  async goto(number: string): Promise<void> {
    await this.page.goto(`/numbers/${number}`);
  }

  heading(formatted: string): Locator {
    return this.page.getByRole('heading', { level: 1, name: formatted });
  }

  copyButton(form: 'E.164' | '11-digit'): Locator {
    return this.page.getByRole('button', { name: new RegExp(`^Copy ${form.replace('.', '\\.')} form`) });
  }

  section(name: string | RegExp): Locator {
    return this.page.getByRole('region', { name });
  }
}
