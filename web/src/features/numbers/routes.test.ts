// The /numbers loader waits for the first page only during a cold load (nothing on screen yet), never afterwards.
import type { LoaderFunctionArgs } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { endColdStart } from '@/lib/cold-start';
import { numberQueries } from '@/lib/flowroute/numbers';
import { queryClient } from '@/lib/query-client';
import { json, stubFetch } from '@/test-utils';
import { routes } from './routes';

const PAGE = { data: [{ id: '12065550100', type: 'number', attributes: {} }], links: {} };
let release: () => void = () => undefined;
let restore: () => void = () => undefined;

beforeEach(() => {
  queryClient.clear();
  const stub = stubFetch(async (request) => {
    if (new URL(request.url).pathname === '/auth/me')
      return json({ user: { id: 1, username: 'ana', role: 'admin' } });
    await new Promise<void>((resolve) => (release = resolve));
    return json(PAGE);
  });
  restore = stub.restore;
});
afterEach(() => {
  release();
  restore();
});

async function runLoader() {
  const loader = routes[0]!.loader as (args: LoaderFunctionArgs) => Promise<unknown>;
  const request = new Request(`${location.origin}/numbers`);
  await loader({ request, params: {}, context: undefined } as LoaderFunctionArgs);
  return queryClient.getQueryState(numberQueries.list({ limit: 50, offset: 0 }).queryKey);
}

describe('/numbers loader', () => {
  it('on a cold load waits for the first page (when it comes within the wait), so the first render has the rows', async () => {
    const done = runLoader();
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    expect((await done)?.status).toBe('success');
  });

  it('after the cold load starts the request and returns at once (the page shows its loading state)', async () => {
    endColdStart();
    // No timer may be needed to return: a loader that still waited would never resolve here.
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const state = await runLoader().finally(() => vi.useRealTimers());
    expect(state?.fetchStatus).toBe('fetching');
    expect(state?.status).toBe('pending');
  });
});
