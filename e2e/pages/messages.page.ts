// Page object for the Messages screens: compose, log, detail, conversations.
import { expect, type Locator, type Page } from '@playwright/test';
import { readCsv } from '../../web/src/test-csv';

export class MessagesPage {
  constructor(readonly page: Page) {}

  // --- compose ---------------------------------------------------------------------------------------
  async gotoCompose(query = '') {
    await this.page.goto(`/messages/compose${query}`);
    await expect(this.page.getByRole('heading', { name: 'Compose message' })).toBeVisible();
  }

  get fromSelect(): Locator {
    return this.page.getByRole('combobox', { name: 'From' });
  }
  get toInput(): Locator {
    return this.page.getByRole('textbox', { name: 'To' });
  }
  get bodyInput(): Locator {
    return this.page.getByRole('textbox', { name: 'Message' });
  }
  get sendButton(): Locator {
    return this.page.getByTestId('send-button');
  }
  get ucs2Warning(): Locator {
    return this.page.getByTestId('ucs2-warning');
  }
  get flowrouteSegments(): Locator {
    return this.page.getByTestId('segments-flowroute');
  }
  get sentId(): Locator {
    return this.page.getByTestId('sent-id');
  }
  get rateLimitAlert(): Locator {
    return this.page.getByTestId('rate-limit-alert');
  }

  /** Picks the first of the account's numbers as sender and returns its label. */
  async chooseFirstSender(): Promise<string> {
    await this.fromSelect.click();
    const option = this.page.getByRole('option').first();
    await expect(option).toBeVisible();
    const label = (await option.textContent()) ?? '';
    await option.click();
    return label;
  }

  async compose(to: string, body: string) {
    await this.toInput.fill(to);
    await this.bodyInput.fill(body);
  }

  // --- log -------------------------------------------------------------------------------------------
  async gotoLog(query = '?range=30d') {
    await this.page.goto(`/messages${query}`);
    await expect(this.page.getByRole('heading', { name: 'Messages', exact: true })).toBeVisible();
  }

  get loadStatus(): Locator {
    return this.page.getByTestId('load-status');
  }
  get rows(): Locator {
    return this.page.getByTestId('message-row');
  }
  get filterCount(): Locator {
    return this.page.getByTestId('filter-count');
  }
  get theirNumberFilter(): Locator {
    return this.page.getByRole('textbox', { name: 'Their number' });
  }
  get exportButton(): Locator {
    return this.page.getByTestId('export-csv');
  }

  async waitForLogLoaded() {
    await expect(this.loadStatus).toContainText('are loaded', { timeout: 30_000 });
  }

  // --- detail ----------------------------------------------------------------------------------------
  get detailStatus(): Locator {
    return this.page.getByTestId('detail-status');
  }

  // --- conversations ---------------------------------------------------------------------------------
  async gotoConversations(query = '?range=30d') {
    await this.page.goto(`/messages/conversations${query}`);
    await expect(this.page.getByRole('heading', { name: 'Conversations' })).toBeVisible();
  }
  get conversationItems(): Locator {
    return this.page.getByTestId('conversation-item');
  }
  get bubbles(): Locator {
    return this.page.getByTestId('bubble');
  }
  get replyInput(): Locator {
    return this.page.getByRole('form', { name: 'Reply' }).getByRole('textbox');
  }
}

/**
 * Reads a downloaded CSV export with the strict RFC 4180 reader the writer's unit tests use (web/src/test-csv.ts).
 * The download carries a UTF-8 byte-order mark (for Excel): required here, then dropped.
 */
export function parseCsv(text: string): string[][] {
  return readCsv(text, { bom: 'required' });
}
