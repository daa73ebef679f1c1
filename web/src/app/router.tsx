// The data router: /login outside the shell, every other page inside the signed-in shell.
// Each feature owns its web/src/features/<feature>/routes.tsx (lazy page modules) and is plugged in here.
import { notifications } from '@mantine/notifications';
import {
  createBrowserRouter,
  Outlet,
  redirect,
  replace,
  ScrollRestoration,
  type RouteObject,
} from 'react-router';
import { BootLoading } from './boot-loading';
import { setSessionExpiredHandler } from '@/lib/api';
import { authQueries, signInPath } from '@/lib/auth';
import { queryClient } from '@/lib/query-client';
import { routes as auditRoutes } from '@/features/audit/routes';
import { routes as authRoutes } from '@/features/auth/routes';
import { routes as messagesRoutes } from '@/features/messages/routes';
import { routes as numbersRoutes } from '@/features/numbers/routes';
import { routes as purchaseRoutes } from '@/features/purchase/routes';
import { routes as routesRoutes } from '@/features/routes/routes';
import { routes as systemRoutes } from '@/features/system/routes';
import { routes as usersRoutes } from '@/features/users/routes';
import { NotFoundPage, RootErrorPage, RouteErrorPage } from './route-error';
import { setPrefetchRoutes } from '@/lib/route-prefetch';
import { AppLayout } from './shell';

/** Auth gate: the shell needs a signed-in user; otherwise sign in and come back here. */
export async function requireUser({ request }: { request: Request }) {
  const user = await queryClient.ensureQueryData(authQueries.me());
  if (!user) {
    const url = new URL(request.url);
    throw redirect(signInPath(`${url.pathname}${url.search}`));
  }
  return null;
}

function RootLayout() {
  return (
    <>
      <ScrollRestoration />
      <Outlet />
    </>
  );
}

export function appRoutes(): RouteObject[] {
  return [
    {
      id: 'root',
      Component: RootLayout,
      errorElement: <RootErrorPage />,
      // The same line as index.html's, so a slow start shows one loading screen, not two in a row.
      hydrateFallbackElement: <BootLoading />,
      children: [
        ...authRoutes,
        {
          id: 'shell',
          loader: requireUser,
          // The user is cached after the first check; a lost session is caught by the API client.
          shouldRevalidate: () => false,
          Component: AppLayout,
          children: [
            {
              // Errors of one page render inside the shell, so navigation stays usable.
              errorElement: <RouteErrorPage />,
              children: [
                // A loader, not a <Navigate> element: a cold load of / then reaches /numbers within the app's first
                // navigation (main.tsx renders once, with the rows). `replace`: Back does not return to / and loop.
                { index: true, loader: () => replace('/numbers') },
                ...numbersRoutes,
                ...purchaseRoutes,
                ...routesRoutes,
                ...messagesRoutes,
                ...usersRoutes,
                ...auditRoutes,
                ...systemRoutes,
                { path: '*', Component: NotFoundPage },
              ],
            },
          ],
        },
      ],
    },
  ];
}

export function createAppRouter() {
  const router = createBrowserRouter(appRoutes());
  setPrefetchRoutes(router.routes as RouteObject[]);
  setSessionExpiredHandler(() => {
    const { pathname, search } = router.state.location;
    if (pathname.startsWith('/login')) return;
    queryClient.setQueryData(authQueries.me().queryKey, null);
    notifications.show({
      id: 'session-expired',
      color: 'yellow',
      title: 'Session ended',
      message: 'Sign in again to continue where you were.',
    });
    void router.navigate(signInPath(`${pathname}${search}`), { replace: true });
  });
  return router;
}
