// What a refused account change means for the admin, and which field it belongs to.
import { toApiError } from '@/lib/api';

export interface UserChangeError {
  field: 'username' | 'password' | 'role' | null;
  message: string;
}

export function userChangeError(error: unknown): UserChangeError {
  const apiError = toApiError(error);
  const code = `${apiError.proxyError ?? ''}`.toLowerCase();
  const fields = apiError.fieldErrors;
  if (fields.username) return { field: 'username', message: fields.username };
  if (fields.password) return { field: 'password', message: fields.password };
  if (fields.role) return { field: 'role', message: fields.role };
  if (code.includes('last_admin')) {
    return { field: null, message: 'This is the last enabled admin. Make someone else an admin first.' };
  }
  if (apiError.status === 409 || code.includes('exists') || code.includes('taken')) {
    return { field: 'username', message: 'That username is already taken.' };
  }
  if (code.includes('username')) return { field: 'username', message: apiError.message };
  if (code.includes('password')) return { field: 'password', message: apiError.message };
  if (apiError.kind === 'forbidden')
    return { field: null, message: 'Only admins can change staff accounts.' };
  if (apiError.status === 404)
    return { field: null, message: 'This account no longer exists. Reload the list.' };
  return { field: null, message: apiError.message };
}
