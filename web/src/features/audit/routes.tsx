// Routes of the audit feature (admin only; the proxy refuses others with 403). Pages load lazily.
import type { RouteObject } from 'react-router';

export const routes: RouteObject[] = [
  {
    path: '/admin/audit',
    lazy: async () => ({ Component: (await import('./pages/audit-page')).AuditPage }),
  },
];
