// Sections 2 and 3: the SPA in Debian's Chromium (Playwright, headless), served by our proxy in live mode.
/* global window, document, MutationObserver, requestAnimationFrame -- functions passed to page.evaluate run in Chromium */
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { CHROMIUM_LAUNCH_OPTIONS } from '../e2e/chromium-launch.mjs';
import { BENCH_PASSWORD, BENCH_USER } from './lib/stack.mjs';

export const LAUNCH = { ...CHROMIUM_LAUNCH_OPTIONS, headless: true };

/** Runs in the page before any script: first-row time, long tasks, and a frame recorder for scrolling. */
const INIT = () => {
  const b = { rowsAt: null, longTasks: [] };
  window.__bench = b;
  const check = () => {
    if (
      b.rowsAt === null &&
      document.querySelector(
        'table[aria-rowcount] tbody tr[aria-rowindex="2"], table[aria-rowcount] tbody tr td',
      )
    ) {
      b.rowsAt = performance.now();
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    /* no longtask support */
  }
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};

async function newSignedInPage(browser, proxyUrl) {
  const context = await browser.newContext({ baseURL: proxyUrl, viewport: { width: 1440, height: 900 } });
  const res = await context.request.post('/auth/login', {
    data: { username: BENCH_USER, password: BENCH_PASSWORD },
    headers: { 'x-csrf': '1', origin: proxyUrl },
  });
  if (res.status() !== 200) throw new Error(`browser sign-in failed: HTTP ${res.status()}`);
  await context.addInitScript(INIT);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  return { context, page, errors };
}

/**
 * After the list is shown: the pointer rests on the first number link for `hoverMs` (as a person's would before a
 * click), then clicks it; ms from the click to the detail page's "Attributes" section (its data) being on screen.
 */
async function numberDetailNavigation(page, { hoverMs = 300 } = {}) {
  const link = page.locator('table[aria-rowcount] tbody a[href^="/numbers/1"]').first();
  await link.hover();
  await page.waitForTimeout(hoverMs);
  await page.evaluate(() => {
    window.__bench.clickAt = null;
    document.addEventListener('click', () => (window.__bench.clickAt ??= performance.now()), {
      capture: true,
      once: true,
    });
  });
  await link.click();
  const shownAt = await page.waitForFunction(
    () => document.querySelector('section[aria-label="Attributes"]') && performance.now(),
    null,
    { timeout: 30_000, polling: 'raf' },
  );
  return Math.round((await shownAt.jsonValue()) - (await page.evaluate(() => window.__bench.clickAt)));
}

/**
 * One cold load (fresh context = empty cache) of `path` with CPU throttling; JS bytes as transferred and gzipped.
 * `rttMs`: every request takes that much longer (Chromium's network emulation: a round trip to a distant proxy).
 */
export async function coldLoad(browser, proxyUrl, path, { throttle, navigate = false, rttMs = 0 }) {
  const { context, page, errors } = await newSignedInPage(browser, proxyUrl);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (throttle > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  if (rttMs > 0)
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: rttMs,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
  const scripts = new Map();
  cdp.on('Network.responseReceived', (e) => {
    if (e.type === 'Script') scripts.set(e.requestId, { url: e.response.url, encoded: 0 });
  });
  cdp.on('Network.loadingFinished', (e) => {
    const s = scripts.get(e.requestId);
    if (s) s.encoded = e.encodedDataLength;
  });
  const bodies = new Map();
  page.on('response', async (r) => {
    if (r.request().resourceType() === 'script') {
      try {
        bodies.set(r.url(), await r.body());
      } catch {
        /* navigated away */
      }
    }
  });
  await page.goto(path, { waitUntil: 'commit' });
  await page.waitForFunction(() => window.__bench.rowsAt !== null, null, { timeout: 60_000 });
  await page.waitForLoadState('load');
  // When the first paint already has the rows, the paint entry is recorded just after they are inserted.
  await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0, null, {
    timeout: 10_000,
  });
  const timing = await page.evaluate(() => {
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null;
    const rowsAt = window.__bench.rowsAt;
    // The first route's JS = every .js file that had arrived when the rows were shown (later idle loads excluded).
    const firstRouteJs = performance
      .getEntriesByType('resource')
      .filter((e) => /\.js(\?|$)/.test(e.name) && e.responseEnd <= rowsAt)
      .map((e) => e.name);
    // The critical path: when the document, the entry chunk, the API calls and the page chunk started and ended.
    const timeline = performance
      .getEntriesByType('resource')
      .filter((e) => /\/(api|auth)\/|index-|-page-/.test(e.name))
      .map((e) => ({
        what: new URL(e.name).pathname.replace(/-[\w-]{8}\.js$/, '.js'),
        start: Math.round(e.startTime),
        end: Math.round(e.responseEnd),
      }));
    return { fcp, rowsAt, longTasks: window.__bench.longTasks, firstRouteJs, timeline };
  });
  // Let the response bodies arrive.
  await page.waitForTimeout(200);
  // Optional: list → a number's detail, still throttled (prefetch on hover; the detail page's chunk and data).
  const detailNavMs = navigate ? await numberDetailNavigation(page) : null;
  let raw = 0;
  let gz = 0;
  const files = [];
  const firstRoute = new Set(timing.firstRouteJs);
  let laterKb = 0;
  for (const [url, body] of bodies) {
    if (!firstRoute.has(url)) {
      laterKb += kb(gzipSync(body, { level: 9 }).length);
      continue;
    }
    const g = gzipSync(body, { level: 9 }).length;
    raw += body.length;
    gz += g;
    files.push({ file: new URL(url).pathname, rawKb: kb(body.length), gzipKb: kb(g) });
  }
  const transferred = [...scripts.values()]
    .filter((s) => firstRoute.has(s.url))
    .reduce((n, s) => n + s.encoded, 0);
  await context.close();
  return {
    fcpMs: Math.round(timing.fcp),
    tableMs: Math.round(timing.rowsAt),
    jsRawKb: kb(raw),
    jsGzipKb: kb(gz),
    jsTransferredKb: kb(transferred),
    files: files.sort((a, b) => b.gzipKb - a.gzipKb),
    /** JS that arrived after the rows were shown (idle/deferred loads), gzip KB. */
    laterJsGzipKb: Math.round(laterKb * 10) / 10,
    longestTaskMs: Math.round(Math.max(0, ...timing.longTasks.map((t) => t.duration))),
    timeline: timing.timeline,
    detailNavMs,
    consoleErrors: errors,
  };
}

const kb = (n) => Math.round((n / 1024) * 10) / 10;

export async function runPageLoad({ proxyUrl, log, runs = 5 }) {
  const browser = await chromium.launch(LAUNCH);
  try {
    // The first navigation of a freshly launched Chromium pays the browser's own start-up (its processes, font and
    // GPU set-up): ~0.5-1 s more here. Every measured load is still cold (new context, HTTP cache off); the warm-up
    // load is logged and kept in the JSON, not in the median.
    const warmup = await coldLoad(browser, proxyUrl, '/numbers', { throttle: 4 });
    log(`  cold /numbers warm-up (not counted): FCP ${warmup.fcpMs} ms, rows ${warmup.tableMs} ms`);
    const results = [];
    for (let i = 0; i < runs; i++) {
      const r = await coldLoad(browser, proxyUrl, '/numbers', { throttle: 4 });
      log(
        `  cold /numbers #${i + 1}: FCP ${r.fcpMs} ms, rows ${r.tableMs} ms, JS ${r.jsGzipKb} KB gzip (${r.jsRawKb} KB raw, ${r.jsTransferredKb} KB transferred; ${r.laterJsGzipKb} KB gzip more after the rows)`,
      );
      results.push(r);
    }
    // The same with every request a round trip of RTT_MS away (a proxy in another region): what serial requests cost.
    const distant = [];
    for (let i = 0; i < RTT_RUNS; i++) {
      const r = await coldLoad(browser, proxyUrl, '/numbers', { throttle: 4, rttMs: RTT_MS });
      log(`  cold /numbers, ${RTT_MS} ms round trips #${i + 1}: FCP ${r.fcpMs} ms, rows ${r.tableMs} ms`);
      distant.push(r);
    }
    const best = results[0];
    return {
      throttle: 4,
      runs,
      fcpMs: median(results.map((r) => r.fcpMs)),
      tableMs: median(results.map((r) => r.tableMs)),
      jsGzipKb: best.jsGzipKb,
      jsRawKb: best.jsRawKb,
      jsTransferredKb: best.jsTransferredKb,
      laterJsGzipKb: best.laterJsGzipKb,
      files: best.files,
      warmup: { fcpMs: warmup.fcpMs, tableMs: warmup.tableMs },
      samples: results.map(({ fcpMs, tableMs, longestTaskMs, timeline }) => ({
        fcpMs,
        tableMs,
        longestTaskMs,
        timeline,
      })),
      distant: {
        rttMs: RTT_MS,
        runs: RTT_RUNS,
        fcpMs: median(distant.map((r) => r.fcpMs)),
        tableMs: median(distant.map((r) => r.tableMs)),
        samples: distant.map(({ fcpMs, tableMs, timeline }) => ({ fcpMs, tableMs, timeline })),
      },
      consoleErrors: [...new Set([...results, ...distant].flatMap((r) => r.consoleErrors))],
    };
  } finally {
    await browser.close();
  }
}

/** Section 2's second figure: cold loads with this round-trip time added to every request. */
const RTT_MS = 100;
const RTT_RUNS = 3;

/** Scrolls the first scrollable table region top to bottom over ~`ms`, recording frame gaps and long tasks. */
async function scrollTable(page, ms = 3000) {
  return page.evaluate(async (duration) => {
    const region = [...document.querySelectorAll('[role="region"]')].find(
      (el) => el.querySelector('table[aria-rowcount]') && el.scrollHeight > el.clientHeight,
    );
    if (!region) return { error: 'no scrollable table region' };
    const rows = Number(region.querySelector('table[aria-rowcount]').getAttribute('aria-rowcount')) - 1;
    const start = performance.now();
    const tasksBefore = window.__bench.longTasks.length;
    const frames = [];
    let last = start;
    const max = region.scrollHeight - region.clientHeight;
    await new Promise((resolve) => {
      const step = (now) => {
        frames.push(now - last);
        last = now;
        const f = Math.min(1, (now - start) / duration);
        region.scrollTop = f * max;
        if (f < 1) requestAnimationFrame(step);
        else resolve();
      };
      requestAnimationFrame(step);
    });
    // Long-task entries arrive asynchronously.
    await new Promise((r) => setTimeout(r, 300));
    const tasks = window.__bench.longTasks.slice(tasksBefore).filter((t) => t.start >= start - 1);
    const budget = 1000 / 60;
    const dropped = frames.slice(1).reduce((n, d) => n + Math.max(0, Math.round(d / budget) - 1), 0);
    return {
      rows,
      scrolledPx: max,
      frames: frames.length,
      droppedFrames: dropped,
      worstFrameMs: Math.round(Math.max(...frames.slice(1))),
      longTasks: tasks.length,
      longestTaskMs: Math.round(Math.max(0, ...tasks.map((t) => t.duration))),
    };
  }, ms);
}

/**
 * Types `query` into the Search box one key at a time (250 ms apart) and measures, per key, from the keydown to the
 * moment the "N of M loaded messages match" line is current again (text changed, not marked stale).
 */
async function measureFilter(page, query) {
  await page.evaluate(() => {
    const b = window.__bench;
    b.filter = [];
    const el = document.querySelector('[data-testid="filter-count"]');
    let pending = null;
    let lastText = el.textContent;
    document.addEventListener(
      'keydown',
      () => {
        pending = { t0: performance.now(), sawStale: false };
      },
      true,
    );
    const done = () => {
      if (!pending) return;
      const stale = el.getAttribute('data-stale') === 'true';
      if (stale) {
        pending.sawStale = true;
        return;
      }
      if (el.textContent !== lastText || pending.sawStale) {
        b.filter.push(performance.now() - pending.t0);
        lastText = el.textContent;
        pending = null;
      }
    };
    new MutationObserver(done).observe(el, {
      attributes: true,
      childList: true,
      subtree: true,
      characterData: true,
    });
  });
  const box = page.getByLabel('Search', { exact: true });
  await box.click();
  for (const ch of query) {
    await page.keyboard.type(ch);
    await page.waitForTimeout(250);
  }
  const samples = await page.evaluate(() => window.__bench.filter);
  const text = await page.locator('[data-testid="filter-count"]').textContent();
  return { samples: samples.map((s) => Math.round(s)), keys: query.length, finalText: text };
}

export async function runLargeAccount({ proxyUrl, log, days = 30 }) {
  const browser = await chromium.launch(LAUNCH);
  try {
    // Numbers, 200 per page: time to the first rows (no throttling), then scroll them.
    const n = await newSignedInPage(browser, proxyUrl);
    await n.page.goto('/numbers?limit=200', { waitUntil: 'commit' });
    await n.page.waitForFunction(() => window.__bench.rowsAt !== null, null, { timeout: 60_000 });
    const numbersFirstPageMs = Math.round(await n.page.evaluate(() => window.__bench.rowsAt));
    await n.page.waitForTimeout(1000);
    const numbersScroll = await scrollTable(n.page);
    log(`  numbers (200/page): first rows ${numbersFirstPageMs} ms; scroll ${JSON.stringify(numbersScroll)}`);
    await n.context.close();

    // Messages log over `days` days: wait until every page is loaded, scroll, then filter.
    const m = await newSignedInPage(browser, proxyUrl);
    const t0 = Date.now();
    await m.page.goto(`/messages?range=${days}d`, { waitUntil: 'commit' });
    await m.page.waitForFunction(() => window.__bench.rowsAt !== null, null, { timeout: 120_000 });
    const messagesFirstRowsMs = Math.round(await m.page.evaluate(() => window.__bench.rowsAt));
    await m.page
      .locator('[data-testid="load-status"]', { hasText: /All .* loaded/ })
      .waitFor({ timeout: 300_000 });
    const messagesAllLoadedMs = Date.now() - t0;
    const countText = (await m.page.locator('[data-testid="filter-count"]').textContent()) ?? '';
    const messagesRows = Number(countText.replace(/[^0-9]/g, '')) || null;
    await m.page.waitForTimeout(1000);
    const messagesScroll = await scrollTable(m.page);
    const filter = await measureFilter(m.page, 'hello');
    log(
      `  messages ${days} days: ${messagesRows} rows, first rows ${messagesFirstRowsMs} ms, all loaded ${messagesAllLoadedMs} ms; scroll ${JSON.stringify(messagesScroll)}; filter ${JSON.stringify(filter)}`,
    );
    await m.context.close();
    return {
      numbersFirstPageMs,
      numbersScroll,
      messagesDays: days,
      messagesRows,
      messagesFirstRowsMs,
      messagesAllLoadedMs,
      messagesScroll,
      filterMs: { median: median(filter.samples), worst: Math.max(...filter.samples), ...filter },
      consoleErrors: [...new Set([...n.errors, ...m.errors])],
    };
  } finally {
    await browser.close();
  }
}
