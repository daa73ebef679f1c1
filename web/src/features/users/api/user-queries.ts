// Staff accounts (admin only): the /admin/users query factory and the mutations that change accounts.
import { mutationOptions, queryOptions } from '@tanstack/react-query';
import { z } from 'zod';
import { getJson, sendJson } from '@/lib/api';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = { viewer: 'Viewer', operator: 'Operator', admin: 'Admin' };
export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  viewer: 'Reads numbers, routes and messages. Changes nothing.',
  operator: 'Viewer, plus creates and assigns routes and sends messages.',
  admin: 'Operator, plus buys numbers, manages staff and reads the audit log.',
};

export const staffUserSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  username: z.string(),
  role: z.enum(ROLES),
  disabled: z.boolean().default(false),
  createdAt: z.string().nullish(),
  updatedAt: z.string().nullish(),
});
export type StaffUser = z.infer<typeof staffUserSchema>;

const listSchema = z.union([
  z.object({ users: z.array(staffUserSchema) }).transform((b) => b.users),
  z.object({ data: z.array(staffUserSchema) }).transform((b) => b.data),
  z.array(staffUserSchema),
]);
const oneSchema = z.union([z.object({ user: staffUserSchema }).transform((b) => b.user), staffUserSchema]);

export const userQueries = {
  all: () => ['admin', 'users'] as const,
  list: () =>
    queryOptions({
      queryKey: [...userQueries.all(), 'list'] as const,
      queryFn: async ({ signal }) => listSchema.parse(await getJson<unknown>('/admin/users', { signal })),
    }),
};

export interface NewStaffUser {
  username: string;
  role: Role;
  password: string;
}

const userPath = (id: string) => `/admin/users/${encodeURIComponent(id)}`;

/** Answers may be 204 or carry the changed user; either way the list is refetched. */
function parseMaybeUser(body: unknown): StaffUser | null {
  if (body === undefined || body === null) return null;
  const parsed = oneSchema.safeParse(body);
  return parsed.success ? parsed.data : null;
}

export const userMutations = {
  create: () =>
    mutationOptions({
      mutationKey: [...userQueries.all(), 'create'] as const,
      mutationFn: async (input: NewStaffUser) =>
        parseMaybeUser(await sendJson<unknown>('post', '/admin/users', { json: input })),
      // The form shows field errors itself.
      meta: { silent: true },
      onSettled: (_d, _e, _v, _r, { client }) => client.invalidateQueries({ queryKey: userQueries.all() }),
    }),
  setRole: () =>
    mutationOptions({
      mutationKey: [...userQueries.all(), 'role'] as const,
      mutationFn: async ({ id, role }: { id: string; role: Role }) =>
        parseMaybeUser(await sendJson<unknown>('patch', userPath(id), { json: { role } })),
      meta: { silent: true },
      onSettled: (_d, _e, _v, _r, { client }) => client.invalidateQueries({ queryKey: userQueries.all() }),
    }),
  setDisabled: () =>
    mutationOptions({
      mutationKey: [...userQueries.all(), 'disabled'] as const,
      mutationFn: async ({ id, disabled }: { id: string; disabled: boolean }) =>
        parseMaybeUser(await sendJson<unknown>('patch', userPath(id), { json: { disabled } })),
      meta: { silent: true },
      onSettled: (_d, _e, _v, _r, { client }) => client.invalidateQueries({ queryKey: userQueries.all() }),
    }),
  resetPassword: () =>
    mutationOptions({
      mutationKey: [...userQueries.all(), 'password'] as const,
      mutationFn: async ({ id, password }: { id: string; password: string }) =>
        parseMaybeUser(await sendJson<unknown>('post', `${userPath(id)}/password`, { json: { password } })),
      meta: { silent: true },
      onSettled: (_d, _e, _v, _r, { client }) => client.invalidateQueries({ queryKey: userQueries.all() }),
    }),
};
