// The app's single TanStack QueryClient: cache timings, retry policy, and toasts for background failures.
import { notifications } from '@mantine/notifications';
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isApiError, toApiError } from './api';

declare module '@tanstack/react-query' {
  interface Register {
    defaultError: Error;
    queryMeta: {
      /** Don't toast when a background refetch fails (the screen shows it itself). */ silent?: boolean;
    };
    mutationMeta: { /** The form shows the error inline: no toast. */ silent?: boolean; action?: string };
  }
}

/** Retry a failed query only when another try can help: never on 4xx, at most twice. */
export function shouldRetryQuery(failureCount: number, error: unknown): boolean {
  if (isApiError(error)) {
    if (error.isClientError) return false;
    if (error.kind !== 'network' && error.kind !== 'upstream_unavailable') return false;
  }
  return failureCount < 2;
}

export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        // First loads show their error in the page; only failed refreshes of data already on screen toast.
        if (query.state.data === undefined || query.meta?.silent) return;
        const apiError = toApiError(error);
        if (apiError.kind === 'unauthenticated') return;
        notifications.show({
          id: `refetch-${query.queryHash}`,
          color: 'yellow',
          title: 'Could not refresh',
          message: apiError.message,
        });
      },
    }),
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => {
        if (mutation.meta?.silent) return;
        const apiError = toApiError(error);
        if (apiError.kind === 'unauthenticated') return;
        notifications.show({
          color: 'red',
          title: mutation.meta?.action ? `${mutation.meta.action} failed` : 'Request failed',
          message: apiError.message,
        });
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        gcTime: 5 * 60_000,
        retry: shouldRetryQuery,
        refetchOnWindowFocus: false,
      },
      mutations: { retry: false },
    },
  });
  return client;
}

export const queryClient = createQueryClient();
