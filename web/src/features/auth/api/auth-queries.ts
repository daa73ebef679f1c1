// Sign-in data: the shared /auth queries (who is signed in, demo or live) plus the login mutation.
import { mutationOptions } from '@tanstack/react-query';
import { z } from 'zod';
import { sendJson } from '@/lib/api';
import { authQueries, type CurrentUser } from '@/lib/auth';

export { authQueries };

export interface Credentials {
  username: string;
  password: string;
}

const loginResponse = z.object({
  user: z.object({
    id: z.union([z.string(), z.number()]),
    username: z.string(),
    role: z.enum(['viewer', 'operator', 'admin']),
  }),
});

export async function login(credentials: Credentials): Promise<CurrentUser> {
  const body = await sendJson<unknown>('post', '/auth/login', { json: credentials });
  return loginResponse.parse(body).user;
}

export const authMutations = {
  login: () =>
    mutationOptions({
      mutationKey: [...authQueries.all(), 'login'] as const,
      mutationFn: login,
      // The form shows sign-in errors inline; no toast.
      meta: { silent: true },
      onSuccess: (user, _credentials, _result, { client }) => {
        // Whatever a previous session left in the cache belongs to someone else: drop it.
        client.removeQueries({ predicate: (query) => query.queryKey[0] !== authQueries.all()[0] });
        client.setQueryData(authQueries.me().queryKey, user);
      },
    }),
};
