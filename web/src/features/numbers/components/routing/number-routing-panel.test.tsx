import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { authQueries, type CurrentUser, type Role } from '@/lib/auth';
import { NumberRoutingPanel } from './number-routing-panel';

const NUMBER = '12065550100';
const ROUTES = [
  {
    type: 'route',
    id: '0',
    attributes: { route_type: 'sip-reg', alias: 'sip-reg', value: null },
    links: { self: '' },
  },
  {
    type: 'route',
    id: '11',
    attributes: { route_type: 'host', alias: 'PBX', value: 'pbx.example.com:5060' },
    links: { self: '' },
  },
  {
    type: 'route',
    id: '12',
    attributes: { route_type: 'number', alias: 'Own DID', value: '12065550111' },
    links: { self: '' },
  },
  {
    type: 'route',
    id: '13',
    attributes: { route_type: 'host', alias: 'Backup', value: 'backup.example.com:5060' },
    links: { self: '' },
  },
];

const original = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = original;
});

function fakeApi(
  initial: { primary: string; failover: string | null },
  options: { serverIgnoresFailover?: boolean } = {},
) {
  const state = { ...initial };
  const patches: Array<{ slot: string; id: string; key: string | null }> = [];
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(input, init);
    const url = new URL(req.url);
    const json = (body: unknown) =>
      new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
    if (req.method === 'GET' && url.pathname === `/api/v2/numbers/${NUMBER}`) {
      const rel = (id: string | null) => ({ data: id === null ? null : { type: 'route', id } });
      return json({
        data: {
          id: NUMBER,
          type: 'number',
          attributes: {},
          links: { self: '' },
          relationships: { primary_route: rel(state.primary), failover_route: rel(state.failover) },
        },
        included: ROUTES.filter((r) => r.id === state.primary || r.id === state.failover),
        links: { self: '' },
      });
    }
    if (req.method === 'GET' && url.pathname === '/api/v2/routes')
      return json({ data: ROUTES, links: { self: '' } });
    if (req.method === 'GET' && url.pathname === '/api/v2/numbers') {
      // "Is 12065550111 ours?" → yes.
      const sw = url.searchParams.get('starts_with');
      return json({
        data: sw === '2065550111' ? [{ id: '12065550111', type: 'number', attributes: {} }] : [],
        links: {},
      });
    }
    const m = url.pathname.match(/relationships\/(primary|failover)_route$/);
    if (req.method === 'PATCH' && m) {
      const body = (await req.json()) as { data: { id: string } };
      patches.push({ slot: m[1]!, id: body.data.id, key: req.headers.get('idempotency-key') });
      if (!(m[1] === 'failover' && options.serverIgnoresFailover))
        state[m[1] as 'primary' | 'failover'] = body.data.id;
      return new Response(null, { status: 204 });
    }
    return new Response('{}', { status: 404 });
  }) as typeof fetch;
  return { state, patches };
}

function renderPanel(role: Role = 'operator') {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const user: CurrentUser = { id: 'u', username: 'u', role };
  client.setQueryData(authQueries.me().queryKey, user);
  render(
    <MantineProvider env="test">
      <QueryClientProvider client={client}>
        <NumberRoutingPanel number={NUMBER} />
      </QueryClientProvider>
    </MantineProvider>,
  );
  return userEvent.setup();
}

async function pick(user: ReturnType<typeof userEvent.setup>, slot: 'Primary' | 'Failover', alias: string) {
  const box = screen.getByRole('combobox', { name: `${slot} route` });
  await user.click(box);
  await user.click(await screen.findByRole('option', { name: new RegExp(alias) }));
}

describe('NumberRoutingPanel', () => {
  it('shows the current routes from relationships + included, with warnings; viewers cannot change them', async () => {
    fakeApi({ primary: '0', failover: null });
    renderPanel('viewer');
    const table = await screen.findByRole('table', { name: 'Current routes' });
    expect(within(table).getByText('sip-reg')).toBeInTheDocument();
    expect(within(table).getByText('None set')).toBeInTheDocument();
    expect(screen.getByText(/No failover route/)).toBeInTheDocument();
    expect(screen.getByText(/default SIP registration route/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Change routing' })).not.toBeInTheDocument();
  });

  it('blocks a failover that is one of the account numbers, warns on failover = primary', async () => {
    fakeApi({ primary: '11', failover: '13' });
    const user = renderPanel();
    await user.click(await screen.findByRole('button', { name: 'Change routing' }));
    await pick(user, 'Failover', 'Own DID');
    expect(await screen.findByText(/one of this account's Flowroute numbers/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Review change' })).toBeDisabled();
    await pick(user, 'Failover', 'PBX');
    expect(await screen.findByText(/same route as the primary/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Review change' })).toBeEnabled();
  });

  it('confirms current → new, sends one keyed PATCH per changed slot, then shows what the server reports', async () => {
    const api = fakeApi({ primary: '0', failover: null }, { serverIgnoresFailover: true });
    const user = renderPanel();
    await user.click(await screen.findByRole('button', { name: 'Change routing' }));
    await pick(user, 'Primary', 'PBX');
    await pick(user, 'Failover', 'Backup');
    await user.click(screen.getByRole('button', { name: 'Review change' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('sip-reg')).toBeInTheDocument();
    expect(within(dialog).getByText('Backup')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Apply 2 changes' }));
    await waitFor(() => expect(api.patches).toHaveLength(2));
    expect(api.patches.map((p) => [p.slot, p.id])).toEqual([
      ['primary', '11'],
      ['failover', '13'],
    ]);
    expect(new Set(api.patches.map((p) => p.key)).size).toBe(2);
    // The server answered 204 for the failover but still reports none: the panel says so.
    expect(await screen.findByText('Check the result')).toBeInTheDocument();
    expect(
      screen.getByText(/Flowroute accepted the failover change to route 13, but now reports None/),
    ).toBeInTheDocument();
  });
});
