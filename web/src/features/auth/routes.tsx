// Routes of the auth feature; the app router puts them outside the signed-in shell. Pages load lazily.
import type { RouteObject } from 'react-router';

export const routes: RouteObject[] = [
  {
    path: '/login',
    lazy: async () => ({ Component: (await import('./pages/sign-in-page')).SignInPage }),
  },
];
