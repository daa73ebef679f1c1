// The /numbers loader waits for the first page only during a cold load (nothing on screen yet), at most
// COLD_LOAD_WAIT_MS, and never afterwards.
import type { LoaderFunctionArgs } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { endColdStart, resetColdStartForTests } from '@/lib/cold-start';
import { numberQueries } from '@/lib/flowroute/numbers';
import { queryClient } from '@/lib/query-client';
import { json, stubFetch } from '@/test-utils';
import { COLD_LOAD_WAIT_MS, routes } from './routes';

const PAGE = { data: [{ id: '12065550100', type: 'number', attributes: {} }], links: {} };
let release: () => void = () => undefined;
let listAsked: Promise<void>;
let restore: () => void = () => undefined;

beforeEach(() => {
  resetColdStartForTests();
  queryClient.clear();
  let asked: () => void = () => undefined;
  listAsked = new Promise<void>((resolve) => (asked = resolve));
  const stub = stubFetch(async (request) => {
    if (new URL(request.url).pathname === '/auth/me')
      return json({ user: { id: 1, username: 'ana', role: 'admin' } });
    const answered = new Promise<void>((resolve) => (release = resolve));
    asked();
    await answered;
    return json(PAGE);
  });
  restore = stub.restore;
});
afterEach(() => {
  release();
  restore();
  vi.useRealTimers();
});

function runLoader() {
  const loader = routes[0]!.loader as (args: LoaderFunctionArgs) => Promise<unknown>;
  const request = new Request(`${location.origin}/numbers`);
  return loader({ request, params: {}, context: undefined } as LoaderFunctionArgs).then(() =>
    queryClient.getQueryState(numberQueries.list({ limit: 50, offset: 0 }).queryKey),
  );
}

/** Resolves with 'timed out' if `promise` has not settled after `ms` of real time. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timed out'> {
  return Promise.race([
    promise,
    new Promise<'timed out'>((resolve) => setTimeout(() => resolve('timed out'), ms)),
  ]);
}

describe('/numbers loader', () => {
  it('on a cold load waits for the first page when it comes in time, so the first render has the rows', async () => {
    const done = runLoader();
    await listAsked;
    expect(await within(done, 50)).toBe('timed out'); // still waiting for the rows
    release();
    expect((await done)?.status).toBe('success');
  });

  it(`on a cold load waits at most ${COLD_LOAD_WAIT_MS} ms for a slow first page`, async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    let settled = false;
    const done = runLoader().then((state) => {
      settled = true;
      return state;
    });
    await listAsked;
    await vi.advanceTimersByTimeAsync(COLD_LOAD_WAIT_MS - 1);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await done)?.status).toBe('pending'); // went on without the rows; the page shows its loading state
  });

  it('after the cold load starts the request and returns at once (the page shows its loading state)', async () => {
    endColdStart();
    const state = await within(runLoader(), COLD_LOAD_WAIT_MS - 100);
    expect(state).toMatchObject({ status: 'pending', fetchStatus: 'fetching' });
  });
});
