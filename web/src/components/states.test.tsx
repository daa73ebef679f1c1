import { MantineProvider } from '@mantine/core';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '@/lib/api';
import { autoRetryDelay, ErrorState } from './states';

const ui = (error: unknown, onRetry?: () => void) => (
  <MantineProvider env="test">
    <ErrorState error={error} onRetry={onRetry} />
  </MantineProvider>
);

const offline = () => new ApiError({ kind: 'network', status: 0, message: 'Cannot reach the server.' });

describe('ErrorState', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('counts down live, retries by itself at zero, and keeps the manual Try again', () => {
    const onRetry = vi.fn();
    const view = render(ui(offline(), onRetry));
    expect(screen.getByTestId('auto-retry')).toHaveTextContent('Trying again in 5 s.');
    act(() => void vi.advanceTimersByTime(2_000));
    expect(screen.getByTestId('auto-retry')).toHaveTextContent('Trying again in 3 s.');
    expect(onRetry).not.toHaveBeenCalled();
    act(() => void vi.advanceTimersByTime(3_000));
    expect(onRetry).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('auto-retry')).toHaveTextContent('Trying again…');
    // It failed again (a new error): a new, longer countdown.
    view.rerender(ui(offline(), onRetry));
    expect(screen.getByTestId('auto-retry')).toHaveTextContent('Trying again in 10 s.');
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(onRetry).toHaveBeenCalledTimes(2);
  });

  it('waits as long as the proxy asked and does not repeat its frozen "Try again in N s"', () => {
    const error = new ApiError({
      kind: 'upstream_unavailable',
      status: 503,
      proxyError: 'upstream_unavailable',
      message: 'Flowroute has been failing, so the proxy is pausing requests to it. Try again in 26 s.',
    });
    render(ui(error, vi.fn()));
    expect(screen.getByRole('alert')).not.toHaveTextContent('Try again in 26 s');
    expect(screen.getByTestId('auto-retry')).toHaveTextContent('Trying again in 26 s.');
    act(() => void vi.advanceTimersByTime(6_000));
    expect(screen.getByTestId('auto-retry')).toHaveTextContent('Trying again in 20 s.');
  });

  it('does not retry by itself what another try cannot fix (a 4xx)', () => {
    const onRetry = vi.fn();
    render(ui(new ApiError({ kind: 'validation', status: 400, message: 'Bad value.' }), onRetry));
    expect(screen.queryByTestId('auto-retry')).toBeNull();
    act(() => void vi.advanceTimersByTime(60_000));
    expect(onRetry).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });

  it.each(['upstream_auth', 'upstream_too_large', 'upstream_malformed', 'upstream_tls'])(
    'does not retry by itself a Flowroute answer another try cannot fix (%s)',
    (code) => {
      const onRetry = vi.fn();
      const error = new ApiError({
        kind: 'upstream_unavailable',
        status: 502,
        proxyError: code,
        message: 'Flowroute answered in a way the proxy cannot use.',
      });
      render(ui(error, onRetry));
      expect(screen.queryByTestId('auto-retry')).toBeNull();
      act(() => void vi.advanceTimersByTime(120_000));
      expect(onRetry).not.toHaveBeenCalled();
      expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
    },
  );
});

describe('ErrorState for a crash in our own code', () => {
  it('offers Try again but does not retry by itself', () => {
    render(ui(new TypeError("Cannot read properties of undefined (reading 'x')"), vi.fn()));
    expect(screen.queryByTestId('auto-retry')).toBeNull();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });
});

describe('autoRetryDelay', () => {
  it('backs off 5, 10, 20, then 30 s, and follows the server when it says', () => {
    expect([0, 1, 2, 3, 9].map((a) => autoRetryDelay(a, null))).toEqual([5, 10, 20, 30, 30]);
    expect(autoRetryDelay(0, 26)).toBe(26);
    expect(autoRetryDelay(0, 0)).toBe(5);
  });
});
