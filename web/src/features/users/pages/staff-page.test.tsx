import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { json, renderRoutes, stubFetch } from '@/test-utils';
import { StaffPage } from './staff-page';

const routes = [{ path: '/admin/staff', element: <StaffPage /> }];

let restore: (() => void) | null = null;
afterEach(() => {
  restore?.();
  restore = null;
});

interface U {
  id: string;
  username: string;
  role: 'viewer' | 'operator' | 'admin';
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

function serve(initial: U[], override?: (request: Request) => Response | null) {
  const users = [...initial];
  const stub = stubFetch(async (request) => {
    const forced = override?.(request);
    if (forced) return forced;
    const { pathname } = new URL(request.url);
    if (pathname === '/auth/me') return json({ user: { id: 'a1', username: 'root', role: 'admin' } });
    if (pathname === '/admin/users' && request.method === 'GET') return json({ users });
    if (pathname === '/admin/users' && request.method === 'POST') {
      const body = (await request.json()) as { username: string; role: U['role'] };
      const user: U = { id: `n${users.length}`, ...body, disabled: false, createdAt: '', updatedAt: '' };
      users.push(user);
      return json({ user }, { status: 201 });
    }
    const reset = /^\/admin\/users\/([^/]+)\/password$/.exec(pathname);
    if (reset && request.method === 'POST') return json({ user: users.find((u) => u.id === reset[1]) });
    const match = /^\/admin\/users\/([^/]+)$/.exec(pathname);
    if (match && request.method === 'PATCH') {
      const user = users.find((u) => u.id === match[1])!;
      Object.assign(user, await request.json());
      return json({ user });
    }
    return json({}, { status: 404 });
  });
  restore = stub.restore;
  return stub;
}

const at = '2026-11-01T10:00:00.000Z';
const base: U[] = [
  { id: 'a1', username: 'root', role: 'admin', disabled: false, createdAt: at, updatedAt: at },
  { id: 'v1', username: 'vera', role: 'viewer', disabled: false, createdAt: at, updatedAt: at },
  { id: 'o1', username: 'otto', role: 'operator', disabled: true, createdAt: at, updatedAt: at },
];

describe('StaffPage', { timeout: 20_000 }, () => {
  it('lists accounts with role and status, marks the signed-in admin, filters from the URL', async () => {
    serve(base);
    renderRoutes(routes, '/admin/staff');
    const vera = await screen.findByTestId('staff-row-vera', {}, { timeout: 5000 });
    expect(within(vera).getByText('Viewer')).toBeInTheDocument();
    expect(within(vera).getByText('Active')).toBeInTheDocument();
    expect(within(screen.getByTestId('staff-row-otto')).getByText('Disabled')).toBeInTheDocument();
    await waitFor(() =>
      expect(within(screen.getByTestId('staff-row-root')).getByText('you')).toBeInTheDocument(),
    );

    await userEvent.setup({ delay: null }).type(screen.getByLabelText('Find by username'), 'ot');
    await waitFor(() => expect(screen.queryByTestId('staff-row-vera')).not.toBeInTheDocument());
    expect(screen.getByTestId('staff-row-otto')).toBeInTheDocument();
  });

  it('adds a staff member: validates, posts username/role/password, refreshes the list', async () => {
    const stub = serve(base);
    renderRoutes(routes, '/admin/staff');
    const user = userEvent.setup({ delay: null });
    await screen.findByTestId('staff-row-vera', {}, { timeout: 5000 });
    await user.click(screen.getByRole('button', { name: 'Add staff member' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText(/^username/i), 'Bad Name');
    await user.type(within(dialog).getByLabelText(/initial password/i), 'short');
    await user.click(within(dialog).getByRole('button', { name: 'Add staff member' }));
    expect(await within(dialog).findByText(/starting with a letter or digit/)).toBeInTheDocument();
    expect(within(dialog).getByText('Use at least 12 characters')).toBeInTheDocument();
    expect(stub.calls.filter((r) => r.method === 'POST')).toHaveLength(0);

    await user.clear(within(dialog).getByLabelText(/^username/i));
    await user.type(within(dialog).getByLabelText(/^username/i), 'Olga');
    await user.click(within(dialog).getByLabelText(/^operator/i));
    await user.clear(within(dialog).getByLabelText(/initial password/i));
    await user.click(within(dialog).getByLabelText(/initial password/i));
    await user.paste('tqvm-Zhkr-wpx3-bnsa');
    expect(within(dialog).getByTestId('password-strength')).toHaveTextContent('Strength: Good');
    await user.click(within(dialog).getByRole('button', { name: 'Add staff member' }));

    expect(await screen.findByTestId('staff-row-olga', {}, { timeout: 5000 })).toBeInTheDocument();
    const post = stub.calls.find((r) => r.method === 'POST')!;
    expect(post.headers.get('x-csrf')).toBe('1');
    expect(await post.json()).toEqual({
      username: 'olga',
      role: 'operator',
      password: 'tqvm-Zhkr-wpx3-bnsa',
    });
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });

  it('shows a taken username next to the field', async () => {
    serve(base, (request) =>
      request.method === 'POST'
        ? json(
            {
              errors: [
                { status: 409, code: 'user_exists', title: 'Conflict', detail: 'User vera already exists.' },
              ],
            },
            { status: 409, headers: { 'x-proxy-error': 'user_exists' } },
          )
        : null,
    );
    renderRoutes(routes, '/admin/staff');
    const user = userEvent.setup({ delay: null });
    await screen.findByTestId('staff-row-vera', {}, { timeout: 5000 });
    await user.click(screen.getByRole('button', { name: 'Add staff member' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText(/^username/i), 'vera');
    await user.click(within(dialog).getByRole('button', { name: 'Generate' }));
    await user.click(within(dialog).getByRole('button', { name: 'Add staff member' }));
    expect(await within(dialog).findByText('That username is already taken.')).toBeInTheDocument();
    expect(within(dialog).getByLabelText(/^username/i)).toHaveAttribute('aria-invalid', 'true');
  });

  it('disables an account only after confirming, with a PATCH {disabled:true}', async () => {
    const stub = serve(base);
    renderRoutes(routes, '/admin/staff');
    const user = userEvent.setup({ delay: null });
    await screen.findByTestId('staff-row-vera', {}, { timeout: 5000 });
    await user.click(screen.getByRole('button', { name: 'Actions for vera' }));
    await user.click(await screen.findByRole('menuitem', { name: /disable account/i }));
    const dialog = await screen.findByRole('dialog', { name: 'Disable vera?' });
    expect(within(dialog).getByText(/signed out at once/)).toBeInTheDocument();
    expect(stub.calls.filter((r) => r.method === 'PATCH')).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Disable account' }));
    await waitFor(() =>
      expect(within(screen.getByTestId('staff-row-vera')).getByText('Disabled')).toBeInTheDocument(),
    );
    const patch = stub.calls.find((r) => r.method === 'PATCH')!;
    expect(new URL(patch.url).pathname).toBe('/admin/users/v1');
    expect(await patch.json()).toEqual({ disabled: true });
  });

  it('changes a role, and warns before an admin demotes themself; the last-admin refusal shows inline', async () => {
    serve(base, (request) =>
      request.method === 'PATCH' && request.url.endsWith('/a1')
        ? json(
            { errors: [{ status: 409, code: 'last_admin', title: 'Conflict', detail: 'last admin' }] },
            { status: 409, headers: { 'x-proxy-error': 'last_admin' } },
          )
        : null,
    );
    renderRoutes(routes, '/admin/staff');
    const user = userEvent.setup({ delay: null });
    await waitFor(() =>
      expect(within(screen.getByTestId('staff-row-root')).getByText('you')).toBeInTheDocument(),
    );

    await user.click(screen.getByRole('button', { name: 'Actions for vera' }));
    await user.click(await screen.findByRole('menuitem', { name: /change role/i }));
    let dialog = await screen.findByRole('dialog', { name: 'Change role of vera' });
    await user.click(within(dialog).getByLabelText(/^operator/i));
    await user.click(within(dialog).getByRole('button', { name: 'Make operator' }));
    await waitFor(() =>
      expect(within(screen.getByTestId('staff-row-vera')).getByText('Operator')).toBeInTheDocument(),
    );

    await user.click(screen.getByRole('button', { name: 'Actions for root' }));
    await user.click(await screen.findByRole('menuitem', { name: /change role/i }));
    dialog = await screen.findByRole('dialog', { name: 'Change role of root' });
    await user.click(within(dialog).getByLabelText(/^viewer/i));
    expect(within(dialog).getByText(/your own account/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Make viewer' }));
    expect(await within(dialog).findByText(/This is the last enabled admin/)).toBeInTheDocument();
  });

  it('resets a password only with a long enough one, and posts it to /admin/users/:id/password', async () => {
    const stub = serve(base);
    renderRoutes(routes, '/admin/staff');
    const user = userEvent.setup({ delay: null });
    await screen.findByTestId('staff-row-otto', {}, { timeout: 5000 });
    await user.click(screen.getByRole('button', { name: 'Actions for otto' }));
    await user.click(await screen.findByRole('menuitem', { name: /reset password/i }));
    const dialog = await screen.findByRole('dialog', { name: 'Reset password of otto' });
    await user.click(within(dialog).getByRole('button', { name: 'Set new password' }));
    expect(await within(dialog).findByText('Use at least 12 characters')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Generate' }));
    const generated = (within(dialog).getByLabelText(/new password/i) as HTMLInputElement).value;
    expect(generated).toMatch(/^[a-zA-Z2-9]{5}(-[a-zA-Z2-9]{5}){3}$/);
    await user.click(within(dialog).getByRole('button', { name: 'Set new password' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    const post = stub.calls.find((r) => r.method === 'POST')!;
    expect(new URL(post.url).pathname).toBe('/admin/users/o1/password');
    expect(await post.json()).toEqual({ password: generated });
  });

  it('tells a non-admin it is for admins, without asking the proxy for the list', async () => {
    const stub = stubFetch((request) =>
      new URL(request.url).pathname === '/auth/me'
        ? json({ user: { id: 'v1', username: 'vera', role: 'viewer' } })
        : json({}, { status: 403 }),
    );
    restore = stub.restore;
    renderRoutes(routes, '/admin/staff');
    expect(await screen.findByText(/Only admins can manage staff accounts/)).toHaveTextContent(
      'vera (viewer)',
    );
    expect(stub.calls.some((r) => r.url.includes('/admin/users'))).toBe(false);
  });
});
