import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { authQueries } from '../api/auth-queries';
import { json, newTestQueryClient, renderUi, stubFetch } from '@/test-utils';
import { formatCountdown, SignInForm, validateSignIn } from './sign-in-form';

let restore: (() => void) | null = null;
afterEach(() => {
  restore?.();
  restore = null;
  vi.useRealTimers();
});

function proxyError(status: number, code: string, headers: Record<string, string> = {}) {
  return json(
    { errors: [{ status, code, title: 'Error', detail: `proxy said ${code}` }] },
    { status, headers: { 'x-proxy-error': code, ...headers } },
  );
}

async function fillAndSubmit(username = 'alice', password = 'correct horse') {
  const user = userEvent.setup();
  if (username) await user.type(screen.getByLabelText(/username/i), username);
  if (password) await user.type(screen.getByLabelText(/^password/i), password);
  await user.click(screen.getByRole('button', { name: /sign in/i }));
  return user;
}

describe('validateSignIn', () => {
  it('requires both fields and ignores surrounding spaces in the username', () => {
    expect(validateSignIn({ username: '  ', password: '' })).toEqual({
      username: 'Enter your username',
      password: 'Enter your password',
    });
    expect(validateSignIn({ username: 'bob', password: 'x' })).toEqual({});
  });
});

describe('formatCountdown', () => {
  it('shows seconds under a minute and m:ss above', () => {
    expect(formatCountdown(42)).toBe('42 s');
    expect(formatCountdown(60)).toBe('1:00');
    expect(formatCountdown(899)).toBe('14:59');
  });
});

describe('SignInForm', () => {
  it('does not send anything when fields are empty and says what is missing', async () => {
    const stub = stubFetch(() => json({}));
    restore = stub.restore;
    renderUi(<SignInForm onSignedIn={vi.fn()} />);
    await userEvent.setup().click(screen.getByRole('button', { name: /sign in/i }));
    expect(await screen.findByText('Enter your username')).toBeInTheDocument();
    expect(screen.getByText('Enter your password')).toBeInTheDocument();
    expect(stub.calls).toHaveLength(0);
  });

  it('posts trimmed credentials as JSON with X-CSRF and reports the signed-in user', async () => {
    const stub = stubFetch(() => json({ user: { id: 'u1', username: 'alice', role: 'operator' } }));
    restore = stub.restore;
    const onSignedIn = vi.fn();
    const client = newTestQueryClient();
    client.setQueryData(['numbers', 'list'], { stale: 'from a previous session' });
    renderUi(<SignInForm onSignedIn={onSignedIn} />, client);
    await fillAndSubmit(' alice ', 'correct horse');
    await waitFor(() =>
      expect(onSignedIn).toHaveBeenCalledWith({ id: 'u1', username: 'alice', role: 'operator' }),
    );
    const request = stub.calls[0]!;
    expect(request.method).toBe('POST');
    expect(new URL(request.url).pathname).toBe('/auth/login');
    expect(request.headers.get('x-csrf')).toBe('1');
    expect(request.headers.get('content-type')).toContain('application/json');
    expect(await request.json()).toEqual({ username: 'alice', password: 'correct horse' });
    // The shell sees the user at once, and nothing from the previous session stays cached.
    expect(client.getQueryData(authQueries.me().queryKey)).toEqual({
      id: 'u1',
      username: 'alice',
      role: 'operator',
    });
    expect(client.getQueryData(['numbers', 'list'])).toBeUndefined();
  });

  it('says "wrong username or password" on 401, clears the password and focuses it', async () => {
    const stub = stubFetch(() => proxyError(401, 'invalid_credentials'));
    restore = stub.restore;
    const onSignedIn = vi.fn();
    renderUi(<SignInForm onSignedIn={onSignedIn} />);
    await fillAndSubmit();
    expect(await screen.findByRole('alert')).toHaveTextContent('Wrong username or password.');
    expect(screen.getByLabelText(/^password/i)).toHaveValue('');
    expect(screen.getByLabelText(/^password/i)).toHaveFocus();
    expect(screen.getByLabelText(/username/i)).toHaveValue('alice');
    expect(onSignedIn).not.toHaveBeenCalled();
  });

  it('on 429 shows the wait from Retry-After and locks the button until it has passed', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const stub = stubFetch(() => proxyError(429, 'login_throttled', { 'retry-after': '30' }));
    restore = stub.restore;
    renderUi(<SignInForm onSignedIn={vi.fn()} />);
    await fillAndSubmit();
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many sign-in attempts. Wait 30 seconds');
    const button = screen.getByRole('button', { name: /try again in 30 s/i });
    expect(button).toBeDisabled();
    await act(() => vi.advanceTimersByTimeAsync(10_000));
    expect(await screen.findByRole('button', { name: /try again in 20 s/i })).toBeDisabled();
    await act(() => vi.advanceTimersByTimeAsync(21_000));
    expect(await screen.findByRole('button', { name: /^sign in$/i })).toBeEnabled();
    expect(screen.getByRole('alert')).toHaveTextContent('You can try again now.');
    expect(stub.calls).toHaveLength(1);
  });

  it('tells a disabled account apart, and a server failure from a network failure', async () => {
    let answer: () => Response = () => proxyError(403, 'account_disabled');
    const stub = stubFetch(() => answer());
    restore = stub.restore;
    renderUi(<SignInForm onSignedIn={vi.fn()} />);
    const user = await fillAndSubmit();
    expect(await screen.findByRole('alert')).toHaveTextContent('This account is disabled');

    answer = () => proxyError(500, 'internal');
    await user.click(screen.getByRole('button', { name: /sign in/i }));
    await waitFor(() =>
      expect(screen.getByRole('alert')).toHaveTextContent('could not sign you in right now (HTTP 500)'),
    );

    answer = () => {
      throw new TypeError('Failed to fetch');
    };
    await user.click(screen.getByRole('button', { name: /sign in/i }));
    await waitFor(() => expect(screen.getByRole('alert')).toHaveTextContent('Cannot reach the server'));
  });
});
