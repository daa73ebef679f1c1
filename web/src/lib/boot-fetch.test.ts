// public/boot-fetch.js against the app's own requests: the script must ask exactly the URLs the app builds for a cold
// landing page, and the API client must take those answers once, fresh, 2xx only — and go to the network otherwise.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readListState } from '@/features/numbers/api/list-state';
import { getJson } from './api';
import { authQueries } from './auth';
import { dropBootResponses, MAX_AGE_MS } from './boot-fetch';
import { fetchNumbers } from './flowroute/numbers';
import { queryClient } from './query-client';

const script = readFileSync(path.resolve(process.cwd(), 'public/boot-fetch.js'), 'utf8');

const ME = { user: { id: 1, username: 'ana', role: 'admin' } };
const PAGE = { data: [{ id: '12065550100', type: 'number', attributes: {} }], links: {} };

let calls: string[] = [];
let answer: (path: string) => Response;
const original = globalThis.fetch;

function pathOf(input: RequestInfo | URL): string {
  const url = new URL(input instanceof Request ? input.url : String(input), globalThis.location.href);
  return `${url.pathname}${url.search}`;
}

beforeEach(() => {
  calls = [];
  answer = (path) =>
    new Response(JSON.stringify(path === '/auth/me' ? ME : PAGE), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  globalThis.fetch = (async (input: RequestInfo | URL) => {
    const path = pathOf(input);
    calls.push(path);
    return answer(path);
  }) as typeof fetch;
  delete window.__bootFetch;
  queryClient.clear();
});

afterEach(() => {
  globalThis.fetch = original;
  delete window.__bootFetch;
  window.history.replaceState(null, '', '/');
  vi.restoreAllMocks();
});

function bootAt(path: string) {
  window.history.replaceState(null, '', path);
  new Function(script)();
}

/** The landing page's first list request, built the way the page builds it from an empty URL. */
function landingList() {
  const { filters, limit, offset } = readListState(new URLSearchParams());
  return fetchNumbers({ ...filters, limit, offset });
}

describe('boot-fetch', () => {
  it('asks, on a cold /numbers, exactly what the app then asks — and the app takes those answers', async () => {
    bootAt('/numbers');
    expect(calls).toEqual(['/auth/me', '/api/v2/numbers?limit=50&offset=0']);
    const me = await queryClient.fetchQuery(authQueries.me());
    const page = await landingList();
    expect(me).toEqual(ME.user);
    expect(page).toEqual(PAGE);
    expect(calls).toHaveLength(2); // nothing asked twice
  });

  it('also starts the list on / (which redirects to /numbers), but not with filters or on other pages', () => {
    bootAt('/');
    expect(calls).toEqual(['/auth/me', '/api/v2/numbers?limit=50&offset=0']);
    calls = [];
    delete window.__bootFetch;
    bootAt('/numbers?contains=206');
    expect(calls).toEqual(['/auth/me']);
    calls = [];
    delete window.__bootFetch;
    bootAt('/routes');
    expect(calls).toEqual(['/auth/me']);
  });

  it('gives an answer once: the next request of the same URL goes to the network', async () => {
    bootAt('/numbers');
    await landingList();
    await landingList();
    expect(calls).toEqual([
      '/auth/me',
      '/api/v2/numbers?limit=50&offset=0',
      '/api/v2/numbers?limit=50&offset=0',
    ]);
  });

  it('asks again when the early answer was not 2xx (signed out): the app sees a fresh answer', async () => {
    answer = () => new Response(JSON.stringify({ errors: [{ detail: 'no' }] }), { status: 401 });
    bootAt('/numbers');
    answer = () => new Response(JSON.stringify(ME), { status: 200 });
    const me = await queryClient.fetchQuery(authQueries.me());
    expect(me).toEqual(ME.user); // from the second, real request
    expect(calls).toEqual(['/auth/me', '/api/v2/numbers?limit=50&offset=0', '/auth/me']);
  });

  it('asks again when the early request failed on the network', async () => {
    answer = () => {
      throw new TypeError('Failed to fetch');
    };
    bootAt('/numbers');
    answer = () => new Response(JSON.stringify(PAGE), { status: 200 });
    await expect(landingList()).resolves.toEqual(PAGE);
    expect(calls.filter((c) => c.startsWith('/api/v2/numbers'))).toHaveLength(2);
  });

  it(`never serves an answer older than ${MAX_AGE_MS} ms`, async () => {
    bootAt('/numbers');
    const started = window.__bootFetch!.started;
    vi.spyOn(performance, 'now').mockReturnValue(started + MAX_AGE_MS + 1);
    await landingList();
    expect(calls.filter((c) => c.startsWith('/api/v2/numbers'))).toHaveLength(2);
  });

  it('forgets early answers on sign-in/sign-out (dropBootResponses)', async () => {
    bootAt('/numbers');
    dropBootResponses();
    await getJson('/auth/me');
    expect(calls).toEqual(['/auth/me', '/api/v2/numbers?limit=50&offset=0', '/auth/me']);
  });

  it('does not serve a different query of the same path', async () => {
    bootAt('/numbers');
    await fetchNumbers({ limit: 50, offset: 50 });
    expect(calls.at(-1)).toBe('/api/v2/numbers?limit=50&offset=50');
    expect(calls).toHaveLength(3);
  });
});
