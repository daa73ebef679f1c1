// Who is signed in: the /auth queries, role checks for hiding what a role cannot do, and safe return paths.
import { queryOptions, useQuery } from '@tanstack/react-query';
import { createElement, Fragment, type ReactNode } from 'react';
import { getJson, isApiError, sendJson } from './api';
import { queryClient } from './query-client';

export type Role = 'viewer' | 'operator' | 'admin';

export interface CurrentUser {
  id: string | number;
  username: string;
  role: Role;
}

export interface AuthConfig {
  mode: 'demo' | 'live';
  demoUser?: string;
}

const ROLE_RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** True when `user` has at least `role` (viewer < operator < admin). */
export function hasRole(user: CurrentUser | null | undefined, role: Role): boolean {
  if (!user) return false;
  return (ROLE_RANK[user.role] ?? -1) >= ROLE_RANK[role];
}

export const authQueries = {
  all: () => ['auth'] as const,
  /** The signed-in user, or null when nobody is (401). */
  me: () =>
    queryOptions({
      queryKey: [...authQueries.all(), 'me'] as const,
      queryFn: async ({ signal }): Promise<CurrentUser | null> => {
        try {
          const body = await getJson<{ user: CurrentUser }>('/auth/me', { signal });
          return body.user;
        } catch (error) {
          if (isApiError(error) && error.status === 401) return null;
          throw error;
        }
      },
      staleTime: 5 * 60_000,
    }),
  config: () =>
    queryOptions({
      queryKey: [...authQueries.all(), 'config'] as const,
      queryFn: ({ signal }) => getJson<AuthConfig>('/auth/config', { signal }),
      staleTime: Infinity,
    }),
};

/** The signed-in user (undefined while loading or when signed out). */
export function useCurrentUser(): CurrentUser | undefined {
  const { data } = useQuery(authQueries.me());
  return data ?? undefined;
}

export function useHasRole(role: Role): boolean {
  return hasRole(useCurrentUser(), role);
}

/** Renders children only for users with at least `role`; `fallback` otherwise. */
export function Can({
  role,
  children,
  fallback = null,
}: {
  role: Role;
  children: ReactNode;
  fallback?: ReactNode;
}) {
  return createElement(Fragment, null, useHasRole(role) ? children : fallback);
}

/** Call after a successful sign-in so the shell sees the user without another round trip. */
export function setSignedInUser(user: CurrentUser): void {
  queryClient.setQueryData(authQueries.me().queryKey, user);
}

export async function signOut(): Promise<void> {
  try {
    await sendJson('post', '/auth/logout');
  } finally {
    // Drop every cached response: the next user must not see this user's data.
    queryClient.clear();
    queryClient.setQueryData(authQueries.me().queryKey, null);
  }
}

/**
 * Only same-app paths may be used as a post-sign-in destination (never `//evil.example` or a URL),
 * so a crafted /login?next= link cannot send people elsewhere.
 */
export function safeNextPath(next: string | null | undefined, fallback = '/numbers'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  if (next.startsWith('/login')) return fallback;
  try {
    const url = new URL(next, 'http://app.invalid');
    if (url.origin !== 'http://app.invalid') return fallback;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}

/** The sign-in URL that brings the user back to `path` afterwards. */
export function signInPath(path: string): string {
  const next = safeNextPath(path, '');
  return next && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login';
}
