// Routes of the numbers feature: the account list and one number's detail (pages load lazily).
import type { LoaderFunctionArgs, RouteObject } from 'react-router';
import { authQueries } from '@/lib/auth';
import { isColdStart, waitAtMost } from '@/lib/cold-start';
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
    const list = queryClient.prefetchQuery(numberQueries.list({ ...filters, limit, offset }));
    // On a cold load (main.tsx renders once the first navigation is done) wait a moment for the rows, so the first
    // render draws them instead of a skeleton and then the rows: nothing else is drawn meanwhile. Later visits show
    // the page at once, with its loading state.
    if (isColdStart()) await waitAtMost(list, COLD_LOAD_WAIT_MS);
  }
  return null;
}

/** How long a cold load's first navigation waits for the first page of numbers (docs/performance.md). */
export const COLD_LOAD_WAIT_MS = 300;

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
