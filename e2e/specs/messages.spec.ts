// Messages: compose with the UCS-2 counter, detail reaching "delivered", log filter + CSV export,
// conversation reply, Flowroute's 429 shown with the wait time; axe on every screen.
import { readFile } from 'node:fs/promises';
import { isFailingDestination } from '../../proxy/emulator/mdr';
import { expect, expectAccessible, test } from '../fixtures';
import { MessagesPage, parseCsv } from '../pages/messages.page';

/** The emulator fails every message to about one destination in ten; pick one that delivers. */
function deliverableNumber(): string {
  for (let n = 100; n < 200; n++) {
    const digits = `1312555${String(n).padStart(4, '0')}`;
    if (!isFailingDestination(digits)) return digits;
  }
  throw new Error('no deliverable test number');
}

test.describe('messages', () => {
  test('send an SMS with an emoji, see UCS-2 and segments, watch its detail reach delivered', async ({
    adminPage: page,
    emulator,
    consoleErrors,
  }) => {
    const m = new MessagesPage(page);
    await m.gotoCompose();
    await m.chooseFirstSender();
    // 66 ASCII characters + one emoji: UCS-2 counts the emoji as 2 units → 68 ≤ 70, 1 segment; add more → 2.
    const body = `Your order has shipped and will arrive on Tuesday between 9 and 5 🚚 thanks!`;
    const to = deliverableNumber();
    await m.compose(`(${to.slice(1, 4)}) ${to.slice(4, 7)}-${to.slice(7)}`, body);
    await expect(m.ucs2Warning).toBeVisible();
    await expect(m.ucs2Warning).toContainText('🚚');
    await expect(page.getByTestId('body-counter')).toContainText('UCS-2');
    await expect(m.flowrouteSegments).toContainText('2 segments');
    await expect(page.getByTestId('segments-standard')).toContainText('standard rule: 2');
    await expectAccessible(page);

    const before = (await emulator.stats()).sends.length;
    await m.sendButton.click();
    await expect(m.sentId).toHaveText(/^mdr2-[0-9a-f]{32}$/);
    expect((await emulator.stats()).sends).toHaveLength(before + 1);

    await page.getByRole('link', { name: 'Open its detail and delivery receipts' }).click();
    await expect(page).toHaveURL(/\/messages\/mdr2-[0-9a-f]{32}$/);
    await expect(page.getByTestId('detail-body')).toHaveText(body);
    await expect(page.getByText('UCS-2', { exact: false }).first()).toBeVisible();
    await expect(m.detailStatus).toHaveText('delivered', { timeout: 30_000 });
    await expect(page.getByTestId('dlr-timeline')).toContainText('delivered');
    await expectAccessible(page);
    expect(consoleErrors).toEqual([]);
  });

  test('filter the log to one remote number and export it as CSV', async ({
    adminPage: page,
    consoleErrors,
  }) => {
    const m = new MessagesPage(page);
    await m.gotoLog('?range=30d&dir=outbound');
    await m.waitForLogLoaded();
    await expect(page.getByTestId('volume-chart')).toBeVisible();
    await expect(m.rows.first()).toBeVisible();
    // The remote party of an outbound message is its "To" (4th column).
    const remote = ((await m.rows.first().locator('td').nth(3).textContent()) ?? '').trim();
    const digits = remote.replace(/\D/g, '');
    expect(digits).toMatch(/^1\d{10}$/);

    await page.getByRole('combobox', { name: 'Direction' }).click();
    await page.getByRole('option', { name: 'Both' }).click();
    await m.theirNumberFilter.fill(remote);
    await expect(page).toHaveURL(new RegExp(`theirs=${digits}`));
    await expect(m.filterCount).toHaveAttribute('data-stale', 'false');
    await expect(m.filterCount).toContainText('match');
    const matched = Number(
      ((await m.filterCount.textContent()) ?? '').replace(/,/g, '').match(/^(\d+)/)?.[1],
    );
    expect(matched).toBeGreaterThan(0);
    for (const row of await m.rows.all()) {
      await expect(row).toContainText(remote);
    }
    await expectAccessible(page);

    const download = page.waitForEvent('download');
    await m.exportButton.click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^messages_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = parseCsv(await readFile(await file.path(), 'utf8'));
    expect(csv[0]).toEqual([
      'time_utc',
      'direction',
      'from',
      'to',
      'status',
      'segments',
      'encoding',
      'amount_usd',
      'body',
      'id',
    ]);
    const data = csv.slice(1);
    expect(data).toHaveLength(matched);
    for (const r of data) {
      expect(r[2] === digits || r[3] === digits).toBe(true);
      expect(r[9]).toMatch(/^mdr2-/);
      expect(r[0]).toMatch(/Z$/);
    }

    // Selecting a row keeps it in the URL and shows its detail.
    await m.rows.first().click();
    await expect(page).toHaveURL(/sel=mdr2-/);
    await expect(page.getByRole('dialog')).toContainText('Delivery receipts');
    expect(consoleErrors).toEqual([]);
  });

  test('open a conversation and reply', async ({ adminPage: page, emulator, consoleErrors }) => {
    const m = new MessagesPage(page);
    await m.gotoConversations();
    await m.conversationItems.first().click();
    await expect(page).toHaveURL(/ours=1\d{10}&theirs=1\d{10}/);
    await expect(m.bubbles.first()).toBeVisible();
    const count = await m.bubbles.count();
    await expectAccessible(page);

    const before = (await emulator.stats()).sends.length;
    const text = `Reply from the e2e test ${Date.now()}`;
    await m.replyInput.fill(text);
    await page.getByRole('form', { name: 'Reply' }).getByTestId('send-button').click();
    await expect(m.bubbles).toHaveCount(count + 1, { timeout: 15_000 });
    const last = m.bubbles.last();
    await expect(last).toContainText(text);
    await expect(last).toHaveAttribute('data-direction', 'outbound');
    await expect(last.getByTestId('ticks')).toContainText('✓✓', { timeout: 30_000 });
    expect((await emulator.stats()).sends).toHaveLength(before + 1);
    await expect(m.replyInput).toHaveValue('');
    expect(consoleErrors).toEqual([]);
  });

  test('a send refused with 429 shows the wait time, then goes through once', async ({
    adminPage: page,
    emulator,
  }) => {
    const m = new MessagesPage(page);
    await m.gotoCompose();
    await m.chooseFirstSender();
    await m.compose('312-555-0122', 'Rate limit check');
    await emulator.fault({
      method: 'POST',
      path: '^/v2\\.1/messages$',
      fault: 'status',
      status: 429,
      retryAfter: 4,
      times: 1,
    });
    const before = (await emulator.stats()).sends.length;
    await m.sendButton.click();
    // Retry-After 4: the countdown is still running when it is read, even on a busy machine.
    await expect(m.rateLimitAlert).toContainText(/Flowroute allows 5 SMS per second — try again in [1-4] s/);
    await expect(m.sendButton).toBeDisabled();
    await expect(m.sendButton).toBeEnabled({ timeout: 10_000 });
    await expect(m.rateLimitAlert).toContainText('you can try again now');
    await m.sendButton.click();
    await expect(m.sentId).toHaveText(/^mdr2-/);
    expect((await emulator.stats()).sends).toHaveLength(before + 1);
  });
});
