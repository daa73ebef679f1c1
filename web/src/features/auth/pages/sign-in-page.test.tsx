import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { json, renderRoutes, stubFetch } from '@/test-utils';
import { SignInPage } from './sign-in-page';

let restore: (() => void) | null = null;
afterEach(() => {
  restore?.();
  restore = null;
});

const unauthenticated = () =>
  json(
    { errors: [{ status: 401, code: 'unauthenticated', title: 'Unauthorized', detail: 'Sign in first.' }] },
    { status: 401, headers: { 'x-proxy-error': 'unauthenticated' } },
  );

function appRoutes() {
  return [
    { path: '/login', element: <SignInPage /> },
    { path: '/numbers', element: <p>numbers screen</p> },
    { path: '/messages', element: <p>messages screen</p> },
  ];
}

function serve(mode: 'demo' | 'live') {
  const stub = stubFetch(async (request) => {
    const path = new URL(request.url).pathname;
    if (path === '/auth/config') return json(mode === 'demo' ? { mode, demoUser: 'demo' } : { mode });
    if (path === '/auth/me') return unauthenticated();
    if (path === '/auth/login') return json({ user: { id: '1', username: 'demo', role: 'admin' } });
    return json({}, { status: 404 });
  });
  restore = stub.restore;
  return stub;
}

async function signIn() {
  const user = userEvent.setup({ delay: null });
  await user.type(await screen.findByLabelText(/username/i, {}, { timeout: 5000 }), 'demo');
  await user.type(screen.getByLabelText(/^password/i), 'secret-demo');
  await user.click(screen.getByRole('button', { name: /sign in/i }));
}

describe('SignInPage', () => {
  it('says it is a demo and where the password is when /auth/config says demo', async () => {
    serve('demo');
    renderRoutes(appRoutes(), '/login');
    const notice = await screen.findByTestId('demo-notice', {}, { timeout: 5000 });
    expect(notice).toHaveTextContent('This is a demo');
    expect(notice).toHaveTextContent('demo');
    expect(notice).toHaveTextContent('DEMO_PASSWORD');
  });

  it('shows no demo notice in live mode', async () => {
    serve('live');
    renderRoutes(appRoutes(), '/login');
    await screen.findByLabelText(/username/i, {}, { timeout: 5000 });
    expect(screen.queryByTestId('demo-notice')).not.toBeInTheDocument();
  });

  it('returns to ?next= after sign-in', async () => {
    serve('live');
    const { router } = renderRoutes(appRoutes(), '/login?next=%2Fmessages%3Fstart%3D2026-01-01');
    await signIn();
    expect(await screen.findByText('messages screen', {}, { timeout: 5000 })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/messages');
    expect(router.state.location.search).toBe('?start=2026-01-01');
  });

  it('ignores a ?next= that leaves the app', async () => {
    serve('live');
    const { router } = renderRoutes(appRoutes(), '/login?next=%2F%2Fevil.example%2Fphish');
    await signIn();
    await waitFor(() => expect(router.state.location.pathname).toBe('/numbers'));
  });

  it('sends someone already signed in straight on', async () => {
    const stub = stubFetch((request) =>
      new URL(request.url).pathname === '/auth/me'
        ? json({ user: { id: '1', username: 'op', role: 'operator' } })
        : json({ mode: 'live' }),
    );
    restore = stub.restore;
    renderRoutes(appRoutes(), '/login?next=%2Fmessages');
    expect(await screen.findByText('messages screen', {}, { timeout: 5000 })).toBeInTheDocument();
  });
});
