// Routes of the system feature (admin only; the proxy refuses others with 403). Pages load lazily.
import type { RouteObject } from 'react-router';

export const routes: RouteObject[] = [
  {
    path: '/system/outcomes',
    lazy: async () => ({ Component: (await import('./pages/outcomes-page')).OutcomesPage }),
  },
];
