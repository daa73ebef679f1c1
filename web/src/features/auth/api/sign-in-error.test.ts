import { describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api';
import { describeWait, signInError } from './sign-in-error';

const err = (
  status: number,
  proxyError: string | null,
  extra: Partial<ConstructorParameters<typeof ApiError>[0]> = {},
) => new ApiError({ kind: 'unknown', status, message: 'x', proxyError, ...extra });

describe('signInError', () => {
  it('maps the proxy codes of /auth/login', () => {
    expect(signInError(err(401, 'invalid_credentials')).kind).toBe('credentials');
    expect(signInError(err(403, 'account_disabled')).kind).toBe('disabled');
    expect(signInError(err(403, 'insecure_transport')).message).toContain('HTTPS');
    expect(signInError(err(503, 'store_unavailable')).kind).toBe('server');
    expect(signInError(new TypeError('Failed to fetch')).kind).toBe('network');
  });

  it('uses Retry-After for the wait, and a minute when it is missing', () => {
    const throttled = signInError(
      err(429, 'too_many_attempts', { kind: 'rate_limited', retryAfterSeconds: 300 }),
    );
    expect(throttled).toMatchObject({ kind: 'throttled', retryAfterSeconds: 300 });
    expect(throttled.message).toContain('Wait 5 minutes');
    expect(signInError(err(429, null)).retryAfterSeconds).toBe(60);
  });
});

describe('describeWait', () => {
  it('reads naturally', () => {
    expect(describeWait(1)).toBe('1 second');
    expect(describeWait(45)).toBe('45 seconds');
    expect(describeWait(60)).toBe('1 minute');
    expect(describeWait(61)).toBe('2 minutes');
  });
});
