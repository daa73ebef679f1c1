import { describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api';
import { userChangeError } from './user-errors';

const err = (init: Partial<ConstructorParameters<typeof ApiError>[0]>) =>
  new ApiError({ kind: 'validation', status: 400, message: 'Refused.', ...init });

describe('userChangeError', () => {
  it('puts a field error next to its field', () => {
    expect(userChangeError(err({ fieldErrors: { password: 'Too short.' } }))).toEqual({
      field: 'password',
      message: 'Too short.',
    });
    expect(
      userChangeError(err({ proxyError: 'invalid_username', message: 'Username: 1-64 of a-z' })),
    ).toEqual({
      field: 'username',
      message: 'Username: 1-64 of a-z',
    });
  });

  it('explains a taken username, the last admin, a missing account and a too-low role', () => {
    expect(userChangeError(err({ kind: 'conflict', status: 409, proxyError: 'user_exists' })).field).toBe(
      'username',
    );
    expect(userChangeError(err({ proxyError: 'exists' })).message).toBe('That username is already taken.');
    expect(userChangeError(err({ status: 409, proxyError: 'last_admin' })).field).toBeNull();
    expect(userChangeError(err({ status: 422, proxyError: 'last_admin' })).message).toContain(
      'last enabled admin',
    );
    expect(
      userChangeError(err({ kind: 'not_found', status: 404, proxyError: 'not_found' })).message,
    ).toContain('no longer exists');
    expect(
      userChangeError(err({ kind: 'forbidden', status: 403, proxyError: 'forbidden_role' })).message,
    ).toContain('Only admins');
  });
});
