// Page objects for the Routes screens (/routes, /routes/new), the number routing panel and the bulk bar.
import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';

export class RoutesPage {
  constructor(readonly page: Page) {}

  async goto(query = ''): Promise<void> {
    await this.page.goto(`/routes${query}`);
    await expect(this.page.getByRole('heading', { level: 1, name: 'Routes' })).toBeVisible();
  }

  get table(): Locator {
    return this.page.getByRole('table', { name: 'Routes' });
  }

  row(alias: string): Locator {
    return this.table.getByRole('row').filter({ hasText: alias });
  }
}

export class RouteCreatePage {
  constructor(readonly page: Page) {}

  async goto(): Promise<void> {
    await this.page.goto('/routes/new');
    await expect(this.page.getByRole('heading', { level: 1, name: 'New route' })).toBeVisible();
  }

  type(label: 'Host' | 'SIP URI' | 'Phone number'): Locator {
    return this.page.getByRole('radio', { name: label });
  }
  get alias(): Locator {
    return this.page.getByRole('textbox', { name: 'Alias' });
  }
  get host(): Locator {
    return this.page.getByRole('textbox', { name: 'Host address' });
  }
  get submit(): Locator {
    return this.page.getByRole('button', { name: 'Create route' });
  }
}

export class RoutingPanel {
  constructor(readonly page: Page) {}

  get region(): Locator {
    return this.page.getByRole('region', { name: 'Voice routing' });
  }
  get change(): Locator {
    return this.region.getByRole('button', { name: 'Change routing' });
  }
  slotSelect(slot: 'Primary' | 'Failover'): Locator {
    return this.region.getByRole('combobox', { name: `${slot} route` });
  }
  /** Opens the searchable route select of `slot`, types `search` and picks the option matching it. */
  async pick(slot: 'Primary' | 'Failover', search: string): Promise<void> {
    await this.slotSelect(slot).click();
    await this.slotSelect(slot).fill(search);
    await this.page
      .getByRole('option', { name: new RegExp(search) })
      .first()
      .click();
  }
  get review(): Locator {
    return this.region.getByRole('button', { name: 'Review change' });
  }
  get confirmDialog(): Locator {
    return this.page.getByRole('dialog', { name: /Change routing of/ });
  }
}

export class BulkBar {
  constructor(readonly page: Page) {}

  get region(): Locator {
    return this.page.getByRole('region', { name: 'Bulk route change' });
  }
  slot(name: 'Primary' | 'Failover'): Locator {
    return this.region.getByText(name, { exact: true });
  }
  get routeSelect(): Locator {
    return this.region.getByRole('combobox', { name: /New (primary|failover) route/ });
  }
  async pickRoute(search: string): Promise<void> {
    await this.routeSelect.click();
    await this.routeSelect.fill(search);
    await this.page
      .getByRole('option', { name: new RegExp(search) })
      .first()
      .click();
  }
  get preview(): Locator {
    return this.region.getByRole('button', { name: 'Preview change' });
  }
  get dialog(): Locator {
    return this.page.getByRole('dialog', { name: /Set the (primary|failover) route/ });
  }
  badge(text: RegExp): Locator {
    return this.dialog.getByRole('group', { name: 'Summary' }).getByText(text);
  }
  button(name: RegExp): Locator {
    return this.dialog.getByRole('button', { name });
  }
}

/** Same-origin JSON calls through the proxy with the page's session (mutations need CSRF + Origin). */
export class ProxyApi {
  constructor(
    readonly request: APIRequestContext,
    readonly origin: string,
  ) {}

  /** GET through the proxy; waits out its per-user read limit (429 + Retry-After) like the UI does. */
  async get<T>(path: string): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.request.get(path);
      if (res.status() === 429 && attempt < 5) {
        await new Promise((r) => setTimeout(r, 1000 * Number(res.headers()['retry-after'] ?? 5)));
        continue;
      }
      expect(res.status(), await res.text()).toBe(200);
      return (await res.json()) as T;
    }
  }

  /** Looks a route up by alias (first 200 routes). */
  async findRoute(alias: string): Promise<string | null> {
    const list = await this.get<{ data: { id: string; attributes: { alias: string } }[] }>(
      '/api/v2/routes?limit=200',
    );
    return list.data.find((r) => r.attributes.alias === alias)?.id ?? null;
  }

  async createRoute(alias: string, route_type: string, value: string): Promise<string> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const res = await this.request.post('/api/v2/routes', {
        data: { data: { type: 'route', attributes: { alias, route_type, value } } },
        headers: { 'X-CSRF': '1', Origin: this.origin, 'Idempotency-Key': crypto.randomUUID() },
      });
      if (res.status() === 201) return ((await res.json()) as { data: { id: string } }).data.id;
      // "outcome unknown" (no answer from upstream): it may exist already; look before sending again.
      expect(res.headers()['x-proxy-error'], await res.text()).toBe('outcome_unknown');
      const existing = await this.findRoute(alias);
      if (existing) return existing;
    }
    throw new Error(`could not create route ${alias}`);
  }

  async slots(number: string): Promise<{ primary: string | null; failover: string | null }> {
    const body = await this.get<{
      data: { relationships: Record<'primary_route' | 'failover_route', { data: { id: string } | null }> };
    }>(`/api/v2/numbers/${number}`);
    return {
      primary: body.data.relationships.primary_route.data?.id ?? null,
      failover: body.data.relationships.failover_route.data?.id ?? null,
    };
  }
}
