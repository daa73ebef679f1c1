// Routes of the staff feature (admin only; the proxy refuses others with 403). Pages load lazily.
import type { RouteObject } from 'react-router';

export const routes: RouteObject[] = [
  {
    path: '/admin/staff',
    lazy: async () => ({ Component: (await import('./pages/staff-page')).StaffPage }),
  },
];
