// The production build in both supported topologies behind Debian's nginx (global-setup.ts starts them):
// the same core journey in each (sign in, find a number, set its failover route, send a message, see it in the
// log) with 0 CSP violations; security and cache headers of what nginx serves; the real client IP behind nginx
// and spoofed X-Forwarded-* ignored; a non-allowed origin refused in the separate-origins topology.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect, type APIRequestContext, type Page } from '@playwright/test';
import { MessagesPage } from '../pages/messages.page';
import { NumbersPage, NumberDetailPage } from '../pages/numbers.page';
import { RoutingPanel } from '../pages/routes.page';
import { DIST, DIST_CROSS, LOG_DIR, ROOT } from './global-setup';
import {
  CLIENT_IP,
  DEMO_PASSWORD,
  FOREIGN_ORIGIN,
  NGINX_SOURCE_IP,
  SAME_ORIGIN,
  SEPARATE_ORIGINS,
  TOPOLOGIES,
  type Topology,
} from './topologies';

interface Stats {
  sends: unknown[];
  routeChanges: unknown[];
}

async function emulatorStats(request: APIRequestContext, topo: Topology): Promise<Stats> {
  const res = await request.get(`${topo.emulatorUrl}/__emulator/stats`);
  expect(res.ok()).toBe(true);
  return (await res.json()) as Stats;
}

/** Collects CSP violations (DOM events and console reports) across every navigation of `page`. */
async function watchCsp(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeFunction('__deployReportCsp', (line: string) => violations.push(line));
  await page.addInitScript(() => {
    document.addEventListener(
      'securitypolicyviolation',
      (e) => {
        const report = (window as unknown as { __deployReportCsp: (l: string) => void }).__deployReportCsp;
        report(
          `${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`,
        );
      },
      { capture: true },
    );
  });
  page.on('console', (msg) => {
    if (/content security policy/i.test(msg.text())) violations.push(`console: ${msg.text()}`);
  });
  return violations;
}

/** Console errors, except the browser's own line for the expected 401 of /auth/me before sign-in. */
function watchConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/401/.test(msg.text())) errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(String(err)));
  return errors;
}

async function signInThroughUi(page: Page, topo: Topology): Promise<void> {
  await page.goto(`${topo.appOrigin}/numbers`);
  await expect(page).toHaveURL(/\/login/);
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.getByRole('textbox', { name: 'Username' }).fill('demo');
  await form.getByRole('textbox', { name: 'Password' }).fill(DEMO_PASSWORD);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/numbers/);
  await expect(page.getByRole('heading', { level: 1, name: 'Numbers' })).toBeVisible();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function cspDirectives(header: string | undefined): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of (header ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name.toLowerCase(), values);
  }
  return map;
}

test('the build has content-hashed asset names (both builds)', () => {
  for (const dist of [DIST, DIST_CROSS]) {
    const assets = readdirSync(path.join(dist, 'assets'));
    expect(assets.length).toBeGreaterThan(5);
    for (const name of assets)
      expect(name, `${dist}/assets/${name}`).toMatch(/-[A-Za-z0-9_-]{8}\.(js|css)(\.(br|gz))?$/);
    const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
  }
  // The separate-origins build calls the proxy's origin; the same-origin build has no origin baked in.
  const crossJs = readdirSync(path.join(DIST_CROSS, 'assets'))
    .filter((n) => n.endsWith('.js'))
    .map((n) => readFileSync(path.join(DIST_CROSS, 'assets', n), 'utf8'))
    .join('\n');
  expect(crossJs).toContain(SEPARATE_ORIGINS.apiOrigin);
});

test('the documented nginx site files (TLS, both topologies) pass `nginx -t`', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'flowroute-nginx-t-'));
  try {
    const docs = path.join(ROOT, 'docs', 'deploy', 'nginx');
    mkdirSync(path.join(dir, 'snippets'));
    cpSync(path.join(docs, 'snippets'), path.join(dir, 'snippets', 'flowroute'), { recursive: true });
    const cert = spawnSync('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=ops.example.com',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
    ]);
    expect(cert.status).toBe(0);
    for (const site of ['same-origin.conf', 'separate-origins.conf']) {
      // Only the certificate paths change: they must exist for `nginx -t`.
      const text = readFileSync(path.join(docs, site), 'utf8')
        .replace(/\/etc\/letsencrypt\/live\/[^/]+\/fullchain\.pem/g, path.join(dir, 'cert.pem'))
        .replace(/\/etc\/letsencrypt\/live\/[^/]+\/privkey\.pem/g, path.join(dir, 'key.pem'));
      writeFileSync(path.join(dir, site), text);
      writeFileSync(
        path.join(dir, 'nginx.conf'),
        `events {}\nhttp {\n  include /etc/nginx/mime.types;\n  include ${site};\n}\n`,
      );
      const t = spawnSync(
        process.env.NGINX_PATH ?? '/usr/sbin/nginx',
        [
          '-t',
          '-p',
          dir,
          '-c',
          path.join(dir, 'nginx.conf'),
          '-e',
          path.join(dir, 'error.log'),
          '-g',
          `pid ${dir}/t.pid;`,
        ],
        { encoding: 'utf8' },
      );
      expect(t.status, `${site}: ${t.stderr}`).toBe(0);
      expect(t.stderr).toContain('syntax is ok');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const topo of TOPOLOGIES) {
  test.describe(topo.name, () => {
    test.use({ baseURL: topo.appOrigin });

    test('security and cache headers of the served site', async ({ request }) => {
      for (const url of ['/', '/numbers', '/messages/compose', '/admin/audit']) {
        const res = await request.get(url);
        expect(res.status(), url).toBe(200);
        expect(res.headers()['content-type'], url).toMatch(/^text\/html/);
        const h = res.headers();
        const csp = cspDirectives(h['content-security-policy']);
        expect(csp.get('script-src'), url).toEqual(["'self'"]);
        expect(csp.get('default-src'), url).toEqual(["'self'"]);
        expect(csp.get('frame-ancestors'), url).toEqual(["'none'"]);
        expect(csp.get('object-src'), url).toEqual(["'none'"]);
        expect(csp.get('base-uri'), url).toEqual(["'none'"]);
        expect(csp.get('connect-src'), url).toEqual(
          topo.apiOrigin === topo.appOrigin ? ["'self'"] : ["'self'", topo.apiOrigin],
        );
        expect(h['x-frame-options'], url).toBe('DENY');
        expect(h['x-content-type-options'], url).toBe('nosniff');
        expect(h['referrer-policy'], url).toBe('no-referrer');
        expect(h['cache-control'], url).toBe('no-cache');
        expect(h['server'], url).toBe('nginx'); // served by nginx, not the proxy
        const html = await res.text();
        expect(html).toContain('<div id="root">');
        expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      }
      const html = await (await request.get('/')).text();
      const asset = html.match(/\/assets\/[^"']+\.js/)?.[0];
      expect(asset).toBeDefined();
      const js = await request.get(asset!);
      expect(js.status()).toBe(200);
      expect(js.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(js.headers()['content-type']).toMatch(/javascript/);
      expect(js.headers()['x-content-type-options']).toBe('nosniff');
      expect((await request.get('/assets/missing-00000000.js')).status()).toBe(404);

      // The proxy's own answers: never cached, same header set.
      const api = await request.get(`${topo.apiOrigin}/auth/config`);
      expect(api.status()).toBe(200);
      expect(await api.json()).toEqual({ mode: 'demo', demoUser: 'demo' });
      expect(api.headers()['cache-control']).toBe('no-store');
      expect(api.headers()['x-content-type-options']).toBe('nosniff');
      expect(cspDirectives(api.headers()['content-security-policy']).get('frame-ancestors')).toEqual([
        "'none'",
      ]);
    });

    test('a load asks the proxy once for the sign-in check and the settings (index.html preloads them)', async ({
      page,
    }) => {
      const consoleErrors = watchConsoleErrors(page);
      await signInThroughUi(page, topo);
      const asked: string[] = [];
      const notes: string[] = [];
      page.on('request', (r) => {
        if (r.url().startsWith(`${topo.apiOrigin}/auth/`)) asked.push(new URL(r.url()).pathname);
      });
      page.on('console', (msg) => {
        if (/preload/i.test(msg.text())) notes.push(msg.text());
      });
      await page.reload();
      await expect(page.getByRole('heading', { level: 1, name: 'Numbers' })).toBeVisible();
      await expect(page.locator('table[aria-rowcount] tbody tr td').first()).toBeVisible();
      expect(asked.sort()).toEqual(['/auth/config', '/auth/me']);
      expect(notes).toEqual([]);
      expect(consoleErrors).toEqual([]);
    });

    test('core journey: sign in, find a number, set its failover, send a message, see it in the log', async ({
      page,
      request,
    }) => {
      const violations = await watchCsp(page);
      const consoleErrors = watchConsoleErrors(page);
      const before = await emulatorStats(request, topo);

      // Sign in (demo admin) through the sign-in form.
      await signInThroughUi(page, topo);
      const cookies = await page.context().cookies(topo.apiOrigin);
      const session = cookies.find((c) => c.name === '__Host-session');
      expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
      expect(await page.evaluate(() => document.cookie)).not.toContain('__Host-session');

      // Find a number: filter the list by its last four digits and open it.
      const numbers = new NumbersPage(page);
      const shown = (await numbers.visibleNumbers())[3]!;
      const digits = NumbersPage.digits(shown);
      await numbers.filter('Ends with').fill(digits.slice(-4));
      await expect(numbers.numberLinks.first()).toHaveText(new RegExp(`${digits.slice(-4)}$`));
      await numbers.numberLinks.filter({ hasText: shown }).first().click();
      const detail = new NumberDetailPage(page);
      await expect(detail.heading(shown)).toBeVisible();

      // Set its failover route to a route it does not have yet.
      const api = page.request;
      const numberRes = await api.get(`${topo.apiOrigin}/api/v2/numbers/${digits}`);
      expect(numberRes.status()).toBe(200);
      const current = (
        (await numberRes.json()) as {
          data: { relationships: { failover_route: { data: { id: string } | null } } };
        }
      ).data.relationships.failover_route.data?.id;
      const routes = (
        (await (await api.get(`${topo.apiOrigin}/api/v2/routes?limit=50`)).json()) as {
          data: { id: string; attributes: { alias: string | null } }[];
        }
      ).data;
      const target = routes.find(
        (r) => ['Voicemail', 'Office SBC'].includes(r.attributes.alias ?? '') && r.id !== current,
      )!;
      expect(target).toBeDefined();
      const alias = target.attributes.alias!;
      const panel = new RoutingPanel(page);
      await panel.change.click();
      await panel.pick('Failover', escapeRegExp(alias));
      await panel.review.click();
      await expect(panel.confirmDialog).toContainText(alias);
      await panel.confirmDialog.getByRole('button', { name: /^Apply/ }).click();
      await expect(panel.region.getByText('Routing saved')).toBeVisible();
      await expect(panel.region).toContainText(`failover ${alias}`);

      // Send a message from Messages → compose.
      const m = new MessagesPage(page);
      await page
        .getByRole('navigation', { name: 'Main navigation' })
        .getByRole('link', { name: 'Messages', exact: true })
        .click();
      await expect(page.getByRole('heading', { level: 1, name: 'Messages' })).toBeVisible();
      await m.gotoCompose();
      await m.chooseFirstSender();
      const text = `Deploy check ${Date.now()}: ${topo.name}`;
      await m.compose('(312) 555-0177', text);
      await m.sendButton.click();
      await expect(m.sentId).toHaveText(/^mdr2-[0-9a-f]{32}$/);
      const id = (await m.sentId.textContent())!;

      // See it in the log.
      await m.gotoLog('?range=30d&dir=outbound');
      await m.waitForLogLoaded();
      await m.theirNumberFilter.fill('(312) 555-0177');
      await expect(m.rows.filter({ hasText: text })).toHaveCount(1);
      await m.rows.filter({ hasText: text }).click();
      await expect(page.getByText(id).first()).toBeVisible();

      // Exactly one route change and one send reached Flowroute (the emulator).
      const after = await emulatorStats(request, topo);
      expect(after.routeChanges).toHaveLength(before.routeChanges.length + 1);
      expect(after.sends).toHaveLength(before.sends.length + 1);

      expect(violations).toEqual([]);
      expect(consoleErrors).toEqual([]);
    });
  });
}

test.describe('CSP watcher', () => {
  test('sees a violation when there is one (so "0 violations" means something)', async ({ page }) => {
    const violations = await watchCsp(page);
    await page.goto(`${SAME_ORIGIN.appOrigin}/login`);
    await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.head.append(s);
    });
    // Both channels report it: the DOM event and the console line.
    await expect.poll(() => violations.some((v) => v.startsWith('script-src'))).toBe(true);
    await expect.poll(() => violations.some((v) => v.startsWith('console: '))).toBe(true);
    expect(
      await page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan),
    ).toBeUndefined();
  });
});

// ------------------------------------------------------------------------------------------------------------
// Topology 1: nginx in front, TRUST_PROXY = nginx's address only.
// ------------------------------------------------------------------------------------------------------------

async function auditCount(request: APIRequestContext, base: string, query: string): Promise<number> {
  const res = await request.get(`${base}/admin/audit/records?${query}&limit=1000`);
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { items: unknown[] }).items.length;
}

function login(
  request: APIRequestContext,
  base: string,
  origin: string,
  headers: Record<string, string> = {},
) {
  return request.post(`${base}/auth/login`, {
    data: { username: 'demo', password: DEMO_PASSWORD },
    headers: { Origin: origin, ...headers },
  });
}

test.describe('forwarded headers behind nginx (same origin, TRUST_PROXY=127.0.0.2)', () => {
  const { appOrigin, proxyDirect } = SAME_ORIGIN;
  const SPOOF = {
    'X-Forwarded-For': '203.0.113.77',
    'X-Real-IP': '203.0.113.78',
    Forwarded: 'for=203.0.113.79;proto=https;host=evil.example',
    'X-Forwarded-Proto': 'https',
    'X-Forwarded-Host': 'evil.example',
  };

  test('the audit log records the browser address, not nginx nor a spoofed one', async ({ request }) => {
    const first = await login(request, appOrigin, appOrigin);
    expect(first.status()).toBe(200);
    const baseline = await auditCount(request, appOrigin, `what=auth.login&ip=${CLIENT_IP}`);

    // Spoofed headers through nginx: nginx replaces them; X-Forwarded-Host: evil.example would make our own
    // Origin look foreign (403) if the proxy believed it.
    const spoofed = await login(request, appOrigin, appOrigin, SPOOF);
    expect(spoofed.status(), await spoofed.text()).toBe(200);
    expect(await auditCount(request, appOrigin, `what=auth.login&ip=${CLIENT_IP}`)).toBe(baseline + 1);
    for (const ip of ['203.0.113.77', '203.0.113.78', '203.0.113.79', NGINX_SOURCE_IP]) {
      expect(await auditCount(request, appOrigin, `ip=${ip}`), ip).toBe(0);
    }

    // The proxy's access log shows the same.
    const lines = readFileSync(path.join(LOG_DIR, 'proxy-same.log'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"msg":"request"'))
      .map((l) => JSON.parse(l) as { remote_ip: string });
    expect(lines.length).toBeGreaterThan(0);
    expect(new Set(lines.map((l) => l.remote_ip))).toEqual(new Set([CLIENT_IP]));
  });

  test('a client reaching the proxy directly (not from TRUST_PROXY) cannot spoof anything', async ({
    request,
  }) => {
    expect((await login(request, appOrigin, appOrigin)).status()).toBe(200);
    // Direct, with its own origin: believed at face value, forwarded headers ignored.
    const direct = await login(request, proxyDirect, proxyDirect, { 'X-Forwarded-For': '203.0.113.90' });
    expect(direct.status()).toBe(200);
    expect(await auditCount(request, appOrigin, 'ip=203.0.113.90')).toBe(0);
    // X-Forwarded-Host/Proto would make a foreign Origin look like ours if they were believed.
    const forged = await login(request, proxyDirect, 'https://evil.example', {
      'X-Forwarded-Host': 'evil.example',
      'X-Forwarded-Proto': 'https',
    });
    expect(forged.status()).toBe(403);
    expect(forged.headers()['x-proxy-error']).toBe('csrf');
  });
});

// ------------------------------------------------------------------------------------------------------------
// Topology 2: CORS allow-list; cookies and CSRF still hold.
// ------------------------------------------------------------------------------------------------------------

test.describe('separate origins: only the allowed origin gets in', () => {
  const { appOrigin, apiOrigin } = SEPARATE_ORIGINS;

  test('preflight and credentialed reads are granted to the allowed origin only', async ({ request }) => {
    const preflight = (origin: string) =>
      request.fetch(`${apiOrigin}/api/v2/routes`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type,x-csrf,idempotency-key',
        },
      });
    const ok = await preflight(appOrigin);
    expect(ok.status()).toBe(204);
    expect(ok.headers()['access-control-allow-origin']).toBe(appOrigin);
    expect(ok.headers()['access-control-allow-credentials']).toBe('true');
    const refused = await preflight(FOREIGN_ORIGIN);
    expect(refused.headers()['access-control-allow-origin']).toBeUndefined();

    // Sign-in from the foreign origin is refused by the CSRF check itself (not only by the browser).
    const foreignLogin = await login(request, apiOrigin, FOREIGN_ORIGIN);
    expect(foreignLogin.status()).toBe(403);
    expect(foreignLogin.headers()['x-proxy-error']).toBe('csrf');
    const signedIn = await login(request, apiOrigin, appOrigin);
    expect(signedIn.status()).toBe(200);
    expect(signedIn.headers()['set-cookie']).toMatch(
      /^__Host-session=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; Secure; SameSite=Strict$/,
    );

    // CSRF still holds for the allowed origin: no X-CSRF header → 403 before anything else.
    const noHeader = await request.post(`${apiOrigin}/api/v2/routes`, {
      headers: { Origin: appOrigin, 'Idempotency-Key': crypto.randomUUID() },
      data: { data: { type: 'route', attributes: { alias: 'x', route_type: 'sip-reg' } } },
    });
    expect(noHeader.status()).toBe(403);
    expect(noHeader.headers()['x-proxy-error']).toBe('csrf');
  });

  test('the app served from a non-allowed origin can neither read nor change anything', async ({
    page,
    request,
  }) => {
    await signInThroughUi(page, SEPARATE_ORIGINS); // the session cookie is now in the browser
    const before = await emulatorStats(request, SEPARATE_ORIGINS);

    // From the allowed origin, the SPA's credentialed call works.
    const probe = (api: string) =>
      page.evaluate(async (base) => {
        try {
          const res = await fetch(`${base}/api/v2/numbers?limit=1`, { credentials: 'include' });
          return `read ${res.status}`;
        } catch {
          return 'blocked';
        }
      }, api);
    expect(await probe(apiOrigin)).toBe('read 200');

    // The same build served from another origin: the browser refuses it every response.
    await page.goto(`${FOREIGN_ORIGIN}/numbers`);
    await expect(page.getByRole('table', { name: /^Account numbers/ })).toHaveCount(0);
    expect(await probe(apiOrigin)).toBe('blocked');
    const forged = await page.evaluate(async (base) => {
      const out: string[] = [];
      // Preflighted JSON mutation with every header the SPA would send.
      try {
        const res = await fetch(`${base}/api/v2.1/messages`, {
          method: 'POST',
          credentials: 'include',
          headers: {
            'Content-Type': 'application/json',
            'X-CSRF': '1',
            'Idempotency-Key': crypto.randomUUID(),
          },
          body: JSON.stringify({ to: '13125550177', from: '12065550100', body: 'forged' }),
        });
        out.push(`json ${res.status}`);
      } catch {
        out.push('json blocked');
      }
      // A "simple" request that skips the preflight.
      try {
        await fetch(`${base}/api/v2.1/messages`, {
          method: 'POST',
          mode: 'no-cors',
          credentials: 'include',
          headers: { 'Content-Type': 'text/plain' },
          body: JSON.stringify({ to: '13125550177', from: '12065550100', body: 'forged' }),
        });
        out.push('simple sent');
      } catch {
        out.push('simple blocked');
      }
      return out;
    }, apiOrigin);
    expect(forged[0]).toBe('json blocked');
    const after = await emulatorStats(request, SEPARATE_ORIGINS);
    expect(after.sends).toHaveLength(before.sends.length);
    expect(after.routeChanges).toHaveLength(before.routeChanges.length);
  });
});
