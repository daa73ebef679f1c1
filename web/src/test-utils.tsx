// Shared component-test harness: Mantine (no transitions/portals), a fresh QueryClient, a memory router, fetch stubs.
import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router';

export function newTestQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
}

export function renderRoutes(routes: RouteObject[], initialPath: string, client = newTestQueryClient()) {
  const router = createMemoryRouter(routes, { initialEntries: [initialPath] });
  const view = render(
    <MantineProvider env="test">
      <QueryClientProvider client={client}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>,
  );
  return { ...view, router, client };
}

export function renderUi(ui: ReactElement, client = newTestQueryClient()) {
  return renderRoutes([{ path: '*', element: ui }], '/', client);
}

/** A fetch stub answering by "METHOD /path" with JSON bodies; records every request. */
export function stubFetch(handler: (request: Request) => Response | Promise<Response>): {
  calls: Request[];
  restore: () => void;
} {
  const calls: Request[] = [];
  const original = globalThis.fetch;
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    calls.push(request.clone());
    return handler(request);
  }) as typeof fetch;
  return { calls, restore: () => void (globalThis.fetch = original) };
}

export function json(body: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
}
