// Routes of the auth feature; the app router picks this file up. /login lives outside the app shell.
import type { RouteObject } from 'react-router';
import { SignInPage } from './pages/sign-in-page';

export const routes: RouteObject[] = [
  {
    path: '/login',
    element: <SignInPage />,
    handle: { public: true, shell: false, title: 'Sign in' },
  },
];
