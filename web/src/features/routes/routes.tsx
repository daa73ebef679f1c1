// Routes of the routes feature: the route list (with usage per route) and the create form.
import type { RouteObject } from 'react-router';

export const routes: RouteObject[] = [
  {
    path: '/routes',
    lazy: async () => ({ Component: (await import('./pages/routes-list-page')).RoutesListPage }),
    handle: { title: 'Routes' },
  },
  {
    path: '/routes/new',
    lazy: async () => ({ Component: (await import('./pages/route-create-page')).RouteCreatePage }),
    handle: { title: 'New route' },
  },
];
