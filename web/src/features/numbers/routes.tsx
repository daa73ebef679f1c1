// Routes of the numbers feature: the account list and one number's detail (pages load lazily).
import type { LoaderFunctionArgs, RouteObject } from 'react-router';
import { authQueries } from '@/lib/auth';
import { numberQueries } from '@/lib/flowroute/numbers';
import { queryClient } from '@/lib/query-client';
import { readListState } from './api/list-state';

/**
 * Starts the list request while the page's code is still loading, instead of after the page has rendered
 * (cold /numbers with 4× CPU throttling: the request used to start ~1 s after sign-in was confirmed; see
 * docs/performance.md). Same query key as the page's useQuery, so the page picks up this very request.
 */
async function prefetchList({ request }: LoaderFunctionArgs) {
  // The shell's gate asks the same question; the query is shared, so this adds no request.
  const user = await queryClient.ensureQueryData(authQueries.me());
  if (user) {
    const { filters, limit, offset } = readListState(new URL(request.url).searchParams);
    void queryClient.prefetchQuery(numberQueries.list({ ...filters, limit, offset }));
  }
  return null;
}

export const routes: RouteObject[] = [
  {
    path: '/numbers',
    loader: prefetchList,
    // Only when entering the page: paging and filters stay with the page's own queries (no loading bar per click).
    shouldRevalidate: () => false,
    lazy: async () => ({ Component: (await import('./pages/numbers-list-page')).NumbersListPage }),
  },
  {
    path: '/numbers/:number',
    lazy: async () => ({ Component: (await import('./pages/number-detail-page')).NumberDetailPage }),
  },
];
