// Prefetch on intent: when a link to a page is hovered or focused, start loading that page's code (the route's own
// `lazy` import — the same chunk the router loads on the click, so nothing is fetched twice).
import { matchRoutes, type RouteObject } from 'react-router';

let appRoutes: RouteObject[] = [];
const started = new Set<string>();

/** Called once by createAppRouter with the router's (data) routes. */
export function setPrefetchRoutes(routes: RouteObject[]): void {
  appRoutes = routes;
}

/** Starts loading the code of every lazy route matching `to` (a path; search and hash are ignored). */
export function prefetchRoute(to: string): void {
  const pathname = to.split(/[?#]/)[0] ?? to;
  if (started.has(pathname)) return;
  started.add(pathname);
  for (const { route } of matchRoutes(appRoutes, pathname) ?? []) {
    // Until the router has loaded it, a lazy route still has its `lazy` function; calling it only imports modules.
    if (typeof route.lazy === 'function') {
      void route.lazy().catch(() => started.delete(pathname)); // offline: a later hover tries again
    }
  }
}
