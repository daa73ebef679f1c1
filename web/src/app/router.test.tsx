import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { safeNextPath, signInPath } from '@/lib/auth';
import { queryClient } from '@/lib/query-client';
import { AppProviders } from './providers';
import { appRoutes, requireUser } from './router';
import { AppLayout } from './shell';

type Me = { id: string; username: string; role: 'viewer' | 'operator' | 'admin' } | null;
let me: Me = null;
const calls: string[] = [];

function respond(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

beforeEach(() => {
  queryClient.clear();
  calls.length = 0;
  vi.stubGlobal(
    'fetch',
    vi.fn(async (request: Request) => {
      const url = new URL(request.url);
      calls.push(`${request.method} ${url.pathname}`);
      if (url.pathname === '/auth/me') {
        return me
          ? respond(200, { user: me })
          : respond(401, { error: 'unauthenticated' }, { 'x-proxy-error': 'unauthenticated' });
      }
      if (url.pathname === '/auth/config') return respond(200, { mode: 'demo', demoUser: 'demo' });
      if (url.pathname === '/auth/logout') return new Response(null, { status: 204 });
      return respond(404, { errors: [{ status: 404, detail: 'nothing' }] });
    }),
  );
});

afterEach(() => {
  vi.unstubAllGlobals();
});

function renderApp(path: string) {
  const routes: RouteObject[] = [
    { path: '/login', element: <h1>Sign in page</h1> },
    {
      loader: requireUser,
      Component: AppLayout,
      children: [
        { path: '/numbers', element: <h1>Numbers page</h1> },
        { path: '/admin/staff', element: <h1>Staff page</h1> },
      ],
    },
  ];
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  render(
    <AppProviders env="test">
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return router;
}

describe('auth gate', { timeout: 20_000 }, () => {
  it('sends a signed-out visitor to sign-in with the page to come back to', async () => {
    me = null;
    const router = renderApp('/numbers?contains=555&offset=50');
    expect(await screen.findByRole('heading', { name: 'Sign in page' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/login');
    expect(new URLSearchParams(router.state.location.search).get('next')).toBe(
      '/numbers?contains=555&offset=50',
    );
  });

  it('shows the shell with the user, role, demo badge and the sections their role may see', async () => {
    me = { id: '1', username: 'olivia', role: 'operator' };
    renderApp('/numbers');
    expect(await screen.findByRole('heading', { name: 'Numbers page' })).toBeInTheDocument();
    const nav = screen.getByRole('navigation', { name: 'Main navigation' });
    for (const name of ['Numbers', 'Number inventory', 'Routes', 'Messages']) {
      expect(within(nav).getByRole('link', { name })).toBeInTheDocument();
    }
    // Buying is admin-only: an operator may browse the inventory but is not offered buying.
    expect(within(nav).queryByRole('link', { name: 'Buy numbers' })).not.toBeInTheDocument();
    expect(within(nav).queryByRole('link', { name: 'Staff' })).not.toBeInTheDocument();
    expect(within(nav).getByRole('link', { name: 'Numbers' })).toHaveAttribute('aria-current', 'page');
    expect(await screen.findAllByText(/Demo/)).not.toHaveLength(0);
    expect(screen.getByRole('button', { name: 'Account menu for olivia' })).toHaveTextContent('operator');
  });

  it('shows admin sections to admins and signs out', async () => {
    me = { id: '2', username: 'ada', role: 'admin' };
    const user = userEvent.setup();
    const router = renderApp('/numbers');
    const nav = await screen.findByRole('navigation', { name: 'Main navigation' });
    expect(await within(nav).findByRole('link', { name: 'Staff' })).toBeInTheDocument();
    expect(within(nav).getByRole('link', { name: 'Audit log' })).toBeInTheDocument();
    expect(within(nav).getByRole('link', { name: 'Buy numbers' })).toBeInTheDocument();
    expect(within(nav).queryByRole('link', { name: 'Number inventory' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Account menu for ada' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Sign out' }));
    await waitFor(() => expect(router.state.location.pathname).toBe('/login'));
    expect(calls).toContain('POST /auth/logout');
  });
});

describe('safe return paths', () => {
  it.each([
    ['/numbers?contains=5', '/numbers?contains=5'],
    ['//evil.example/x', '/numbers'],
    ['https://evil.example', '/numbers'],
    ['/\\evil.example', '/numbers'],
    ['/login?next=/x', '/numbers'],
    [null, '/numbers'],
  ])('%s → %s', (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });

  it('builds the sign-in URL', () => {
    expect(signInPath('/numbers/12065550100')).toBe('/login?next=%2Fnumbers%2F12065550100');
    expect(signInPath('/')).toBe('/login');
  });
});

describe('the index route', () => {
  it('sends / to /numbers within the first navigation, replacing the entry (Back does not loop)', async () => {
    me = { id: '1', username: 'ana', role: 'admin' };
    const router = createMemoryRouter(appRoutes(), { initialEntries: ['/'] });
    await waitFor(() => expect(router.state.initialized).toBe(true));
    expect(router.state.location.pathname).toBe('/numbers');
    expect(router.state.historyAction).toBe('REPLACE');
    router.dispose();
  });
});
