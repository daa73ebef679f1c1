// Turns a failed POST /auth/login into what the sign-in page says: wrong credentials, throttled (with
// the wait), disabled account, or a server/network problem. Never says which of username/password was wrong.
import { toApiError } from '@/lib/api';

export type SignInErrorKind = 'credentials' | 'throttled' | 'disabled' | 'network' | 'server';

export interface SignInError {
  kind: SignInErrorKind;
  message: string;
  /** Seconds to wait before the next try (only for `throttled`). */
  retryAfterSeconds: number | null;
}

/** Throttling answers without Retry-After still need a wait; a minute is what people expect. */
const DEFAULT_THROTTLE_SECONDS = 60;

export function describeWait(seconds: number): string {
  if (seconds <= 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

export function signInError(error: unknown): SignInError {
  const apiError = toApiError(error);
  const code = apiError.proxyError;
  if (
    apiError.status === 429 ||
    code === 'throttled' ||
    code === 'rate_limited' ||
    code === 'too_many_attempts'
  ) {
    const wait = apiError.retryAfterSeconds ?? DEFAULT_THROTTLE_SECONDS;
    return {
      kind: 'throttled',
      message: `Too many sign-in attempts. Wait ${describeWait(wait)} and try again.`,
      retryAfterSeconds: wait,
    };
  }
  if (code === 'account_disabled' || code === 'user_disabled') {
    return {
      kind: 'disabled',
      message: 'This account is disabled. Ask an admin to enable it.',
      retryAfterSeconds: null,
    };
  }
  if (code === 'insecure_transport') {
    return {
      kind: 'server',
      message: 'Sign-in needs HTTPS here. Open the dashboard with https://.',
      retryAfterSeconds: null,
    };
  }
  if (apiError.status === 401 || apiError.status === 400 || apiError.status === 403) {
    return { kind: 'credentials', message: 'Wrong username or password.', retryAfterSeconds: null };
  }
  if (apiError.kind === 'network' || apiError.status === 0) {
    return {
      kind: 'network',
      message: 'Cannot reach the server. Check your connection and try again.',
      retryAfterSeconds: null,
    };
  }
  return {
    kind: 'server',
    message: `The server could not sign you in right now (HTTP ${apiError.status}). Try again shortly.`,
    retryAfterSeconds: null,
  };
}
