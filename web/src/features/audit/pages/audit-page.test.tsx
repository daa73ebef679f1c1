import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditRecord } from '../api/audit-queries';
import { json, renderRoutes, stubFetch } from '@/test-utils';
import { AuditPage } from './audit-page';

let restore: (() => void) | null = null;

// jsdom has no layout: give the virtualized table's scroll area a size so it renders rows.
const sizes = ['clientHeight', 'clientWidth'] as const;
const originals = sizes.map((key) => Object.getOwnPropertyDescriptor(Element.prototype, key));
beforeAll(() => {
  for (const key of sizes) {
    Object.defineProperty(Element.prototype, key, {
      configurable: true,
      get: () => (key === 'clientHeight' ? 800 : 1200),
    });
  }
});
afterAll(() => {
  sizes.forEach((key, i) => {
    const original = originals[i];
    if (original) Object.defineProperty(Element.prototype, key, original);
  });
});
afterEach(() => {
  restore?.();
  restore = null;
});

const routes = [{ path: '/admin/audit', element: <AuditPage /> }];

const record = (over: Partial<AuditRecord>): AuditRecord => ({
  seq: 1,
  id: 'r1',
  ts: '2026-11-28T10:00:00.000Z',
  kind: 'intent',
  refId: null,
  actorId: 'u1',
  actor: 'olga',
  role: 'operator',
  sourceIp: '127.0.0.1',
  userAgent: 'Chromium',
  sessionHash: 'abc',
  action: 'updatePrimaryRoute',
  target: '12065550100',
  summary: { route_id: '34567' },
  idempotencyKey: 'key-1',
  status: null,
  flowrouteId: null,
  durationMs: null,
  result: null,
  detail: null,
  instanceId: null,
  prevHash: '0'.repeat(64),
  hash: 'f'.repeat(64),
  ...over,
});

const outcome = record({
  seq: 2,
  id: 'o1',
  kind: 'outcome',
  refId: 'r1',
  status: 204,
  durationMs: 42,
  result: 'ok',
  flowrouteId: '12065550100',
  ts: '2026-11-28T10:00:01.000Z',
});
const intent: AuditEntry = { ...record({}), outcome };
const event: AuditEntry = {
  ...record({
    seq: 3,
    id: 'e1',
    kind: 'event',
    action: 'auth.fail',
    actor: 'mallory',
    role: null,
    target: null,
    summary: {},
    status: 401,
    result: 'failed',
    idempotencyKey: null,
  }),
  outcome: null,
};

function serve(options: { verify?: unknown; nextOffset?: number | null } = {}) {
  const stub = stubFetch((request) => {
    const url = new URL(request.url);
    if (url.pathname === '/auth/me') return json({ user: { id: 'a1', username: 'root', role: 'admin' } });
    if (url.pathname === '/admin/audit/records') {
      return json({ items: [event, intent], nextOffset: options.nextOffset ?? null });
    }
    if (url.pathname === '/admin/audit/records/r1') return json({ record: record({}), outcomes: [outcome] });
    if (url.pathname === '/admin/audit/verify') return json(options.verify ?? { ok: true, checked: 1234 });
    return json({}, { status: 404 });
  });
  restore = stub.restore;
  return stub;
}

describe('AuditPage', { timeout: 20_000 }, () => {
  it('lists entries with plain action names, numbers as people write them, and one result per entry', async () => {
    serve();
    renderRoutes(routes, '/admin/audit');
    const rows = await screen.findAllByTestId('audit-row', {}, { timeout: 5000 });
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('Failed sign-in');
    expect(rows[0]).toHaveTextContent('mallory');
    expect(rows[0]).toHaveTextContent('Failed');
    expect(rows[1]).toHaveTextContent('Set primary route');
    expect(rows[1]).toHaveTextContent('+1 206-555-0100');
    expect(rows[1]).toHaveTextContent('Succeeded');
    expect(rows[1]).toHaveTextContent('204');
  });

  it('sends the URL filters to the proxy (days as local-day bounds, typed numbers as digits)', async () => {
    const stub = serve({ nextOffset: 200 });
    renderRoutes(
      routes,
      '/admin/audit?who=Olga&what=auth.*&from=2026-11-01&to=2026-11-02&number=(206)%20555-0100&limit=200&offset=200',
    );
    await screen.findAllByTestId('audit-row', {}, { timeout: 5000 });
    const url = new URL(stub.calls.find((r) => r.url.includes('/admin/audit/records'))!.url);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      who: 'olga',
      what: 'auth.*',
      from: new Date(2026, 10, 1).toISOString(),
      to: new Date(2026, 10, 3).toISOString(),
      number: '12065550100',
      limit: '200',
      offset: '200',
    });
    expect(screen.getByRole('link', { name: 'Export CSV' }).getAttribute('href')).toContain(
      '/admin/audit/export.csv?who=olga',
    );
    expect(screen.getByRole('button', { name: 'Next' })).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Previous' })).toBeEnabled();
  });

  it('applies filters from the form into the URL and back to page 1', async () => {
    serve();
    const { router } = renderRoutes(routes, '/admin/audit?offset=100');
    await screen.findAllByTestId('audit-row', {}, { timeout: 5000 });
    const user = userEvent.setup({ delay: null });
    await user.type(screen.getByLabelText('Who'), 'olga');
    await user.type(screen.getByLabelText('Number or target'), '206-555-0100');
    await user.click(screen.getByRole('button', { name: 'Apply filters' }));
    await waitFor(() => expect(router.state.location.search).toBe('?who=olga&number=12065550100'));
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(router.state.location.search).toBe(''));
  });

  it('opens the detail drawer with the intent and its outcome, and keeps it in the URL', async () => {
    serve();
    const { router } = renderRoutes(routes, '/admin/audit');
    await screen.findAllByTestId('audit-row', {}, { timeout: 5000 });
    await userEvent
      .setup({ delay: null })
      .click(screen.getByRole('button', { name: /Details: Set primary route by olga/ }));
    const drawer = await screen.findByRole('dialog');
    expect(router.state.location.search).toBe('?id=r1');
    expect(await within(drawer).findByText('Intent (before forwarding)')).toBeInTheDocument();
    expect(within(drawer).getByText('Outcome (after Flowroute answered)')).toBeInTheDocument();
    expect(within(drawer).getByText('42 ms')).toBeInTheDocument();
    expect(within(drawer).getByText('key-1')).toBeInTheDocument();
    expect(within(drawer).getByText(/"route_id": "34567"/)).toBeInTheDocument();
  });

  it('verifies the chain on request and says what it found', async () => {
    serve({
      verify: { ok: false, checked: 41, firstBroken: { seq: 42, id: 'r1', reason: 'hash_mismatch' } },
    });
    renderRoutes(routes, '/admin/audit');
    await screen.findAllByTestId('audit-row', {}, { timeout: 5000 });
    expect(screen.queryByTestId('verify-result')).not.toBeInTheDocument();
    const user = userEvent.setup({ delay: null });
    await user.click(screen.getByRole('button', { name: 'Verify chain' }));
    const result = await screen.findByTestId('verify-result');
    expect(result).toHaveTextContent('Chain broken');
    expect(result).toHaveTextContent('Record #42 does not match its hash');
    await user.click(within(result).getByRole('button', { name: 'Open record #42' }));
    expect(await screen.findByRole('dialog')).toBeInTheDocument();
  });
});
