// Page object for the Buy numbers screens (/buy, /buy/areacodes/:code, /buy/search, /buy/cart).
import { expect, type Locator, type Page } from '@playwright/test';

export class PurchasePage {
  constructor(readonly page: Page) {}

  async gotoAreacodes(query = ''): Promise<void> {
    await this.page.goto(`/buy${query}`);
    await expect(this.areacodeLinks.first()).toBeVisible();
  }

  async gotoSearch(query: string): Promise<void> {
    await this.page.goto(`/buy/search${query}`);
  }

  get areacodeLinks(): Locator {
    return this.page.getByRole('list', { name: 'Area codes' }).getByRole('link');
  }

  get exchangeLinks(): Locator {
    return this.page.getByRole('list', { name: /^Exchanges in area code/ }).getByRole('link');
  }

  get resultsTable(): Locator {
    return this.page.getByRole('table', { name: 'Available numbers' });
  }

  /** Result rows: table rows on wide screens, cards on phones (both carry data-number). */
  get resultRows(): Locator {
    return this.page.locator(
      'table[aria-label="Available numbers"] tbody tr[data-number], ul[aria-label="Available numbers"] > li[data-number]',
    );
  }

  /** Adds the first `count` numbers of the results to the cart; returns their 11-digit values. */
  async addFirstResults(count: number): Promise<string[]> {
    await expect(this.resultRows.first()).toBeVisible();
    const numbers: string[] = [];
    for (let i = 0; i < count; i++) {
      const row = this.resultRows.nth(i);
      const number = await row.getAttribute('data-number');
      expect(number).toMatch(/^1\d{10}$/);
      await row.getByRole('button', { name: /^Add .* to cart$/ }).click();
      await expect(row.getByRole('button', { name: /^Remove .* from cart$/ })).toBeVisible();
      numbers.push(number!);
    }
    return numbers;
  }

  get cartNavLink(): Locator {
    return this.page
      .getByRole('navigation', { name: 'Buy numbers sections' })
      .getByRole('link', { name: /^Cart/ });
  }

  get sideCart(): Locator {
    return this.page.getByRole('complementary', { name: 'Cart' });
  }

  async openCart(): Promise<void> {
    await this.cartNavLink.click();
    await expect(this.page).toHaveURL(/\/buy\/cart/);
  }

  get cartTable(): Locator {
    return this.page.getByRole('table', { name: 'Numbers in the cart' });
  }

  get buyButton(): Locator {
    return this.page.getByRole('button', { name: /^Buy \d+ numbers?$/ });
  }

  get confirmDialog(): Locator {
    return this.page.getByRole('dialog');
  }

  get confirmButton(): Locator {
    return this.confirmDialog.getByRole('button', { name: /^Buy \d+ numbers? for / });
  }

  get resultsPerNumber(): Locator {
    return this.page.getByRole('table', { name: 'Result per number' });
  }

  resultRow(number: string): Locator {
    return this.resultsPerNumber.locator(`tr[data-number="${number}"]`);
  }

  get summary(): Locator {
    return this.page.getByTestId('purchase-summary');
  }

  /** Waits until the run is over and `bought` numbers were bought. */
  async expectFinished(total: number, bought: number): Promise<void> {
    await expect(this.summary).toContainText(`${total} of ${total} done`, { timeout: 130_000 });
    await expect(this.summary).toContainText(`${bought} bought`);
  }
}

/** "12065550100" → "+1 206-555-0100" (as the UI shows numbers). */
export function shown(number: string): string {
  return `+1 ${number.slice(1, 4)}-${number.slice(4, 7)}-${number.slice(7)}`;
}
