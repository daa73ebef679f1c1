// Entry point: styles, providers and the router. (No inline scripts anywhere: the CSP forbids them.)
import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import '@mantine/dates/styles.css';
import '@mantine/spotlight/styles.css';
import '@mantine/charts/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { AppProviders } from './app/providers';
import { createAppRouter } from './app/router';
import { authQueries } from './lib/auth';
import { endColdStart, waitAtMost } from './lib/cold-start';
import { queryClient } from './lib/query-client';

const container = document.getElementById('root');
if (!container) throw new Error('#root is missing from index.html');
const root = createRoot(container);

/** How long the router's start waits for the sign-in check (below). */
const SIGN_IN_CHECK_WAIT_MS = 400;

// The first render waits (at most FIRST_RENDER_WAIT_MS) for the router's first navigation — the sign-in check and the
// page's code — so a cold load draws the page once instead of a "Starting…" screen and then the page (a second
// render, layout and paint of the whole frame: ~0.2 s of main thread at 4x CPU throttle, docs/performance.md). When
// the server is slower than that, "Starting…" shows as before.
const FIRST_RENDER_WAIT_MS = 400;

// index.html preloads the sign-in check and the settings (vite.config.ts), so on a cold load their answers are usually
// in by the time this runs, and these two fetches are answered by the preloads. The router starts once the sign-in
// check is in the query cache (or after SIGN_IN_CHECK_WAIT_MS; the gate then joins the request in flight): the first
// page's loader then sends its own request at once, while the page's code is still to be run, instead of after it.
// The settings (the header's demo badge, the sign-in page's demo hint) are asked for here only, for every screen.
void queryClient.prefetchQuery(authQueries.config());
void waitAtMost(queryClient.prefetchQuery(authQueries.me()), SIGN_IN_CHECK_WAIT_MS).then(startRouter);

function startRouter() {
  const router = createAppRouter();
  const render = () => {
    endColdStart();
    root.render(
      <StrictMode>
        <AppProviders>
          <RouterProvider router={router} />
        </AppProviders>
      </StrictMode>,
    );
  };
  if (router.state.initialized) {
    render();
    return;
  }
  let done = false;
  const go = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    unsubscribe();
    render();
  };
  const timer = setTimeout(go, FIRST_RENDER_WAIT_MS);
  const unsubscribe = router.subscribe((state) => {
    if (state.initialized) go();
  });
}
