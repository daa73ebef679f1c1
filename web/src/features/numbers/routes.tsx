// Routes of the numbers feature: the account list and one number's detail (pages load lazily).
import type { RouteObject } from 'react-router';

export const routes: RouteObject[] = [
  {
    path: '/numbers',
    lazy: async () => ({ Component: (await import('./pages/numbers-list-page')).NumbersListPage }),
  },
  {
    path: '/numbers/:number',
    lazy: async () => ({ Component: (await import('./pages/number-detail-page')).NumberDetailPage }),
  },
];
