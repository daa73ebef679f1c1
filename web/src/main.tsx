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
import { endColdStart } from './lib/cold-start';

const router = createAppRouter();
const container = document.getElementById('root');
if (!container) throw new Error('#root is missing from index.html');
const root = createRoot(container);

function render() {
  endColdStart();
  root.render(
    <StrictMode>
      <AppProviders>
        <RouterProvider router={router} />
      </AppProviders>
    </StrictMode>,
  );
}

// The first render waits (at most FIRST_RENDER_WAIT_MS) for the router's first navigation — the sign-in check and the
// page's code — so a cold load draws the page once instead of a "Starting…" screen and then the page (a second
// render, layout and paint of the whole frame: ~0.2 s of main thread at 4x CPU throttle, docs/performance.md). When
// the server is slower than that, "Starting…" shows as before.
const FIRST_RENDER_WAIT_MS = 400;
if (router.state.initialized) {
  render();
} else {
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
