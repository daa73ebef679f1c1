import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sendJson } from './api';
import { settleIfPending } from './outcomes';

const pending = () =>
  new Response(JSON.stringify({ errors: [{ status: 504, code: 'outcome_unknown', detail: 'lost' }] }), {
    status: 504,
    headers: {
      'content-type': 'application/json',
      'x-proxy-error': 'outcome_unknown',
      'x-outcome-check': 'pending',
      'x-outcome-url': '/api/outcomes/k-1',
    },
  });
const outcome = (state: string, answer?: unknown) =>
  new Response(JSON.stringify({ outcome: { state, ...(answer ? { answer } : {}) } }), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });

describe('settleIfPending', () => {
  it('returns other responses untouched', async () => {
    const res = new Response('{}', { status: 201 });
    expect(await settleIfPending(res)).toBe(res);
  });

  it('polls until settled and returns the settled answer', async () => {
    const fetch = vi
      .fn<typeof globalThis.fetch>()
      .mockResolvedValueOnce(outcome('checking'))
      .mockResolvedValueOnce(
        outcome('applied', {
          status: 201,
          headers: { 'content-type': 'application/vnd.api+json' },
          body: '{"data":{"id":"1"}}',
        }),
      );
    const res = await settleIfPending(pending(), { fetch, intervalMs: 1 });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ data: { id: '1' } });
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(String(fetch.mock.calls[0]![0])).toBe('/api/outcomes/k-1');
  });

  it('a settled 204 has no body; an unknown key keeps the original answer; it gives up after maxWaitMs', async () => {
    const applied = vi
      .fn<typeof globalThis.fetch>()
      .mockResolvedValue(outcome('applied', { status: 204, headers: {}, body: '' }));
    expect((await settleIfPending(pending(), { fetch: applied, intervalMs: 1 })).status).toBe(204);
    const gone = vi.fn<typeof globalThis.fetch>().mockResolvedValue(new Response('{}', { status: 404 }));
    expect((await settleIfPending(pending(), { fetch: gone, intervalMs: 1 })).status).toBe(504);
    const forever = vi.fn<typeof globalThis.fetch>().mockResolvedValue(outcome('checking'));
    expect((await settleIfPending(pending(), { fetch: forever, intervalMs: 1, maxWaitMs: 30 })).status).toBe(
      504,
    );
  });
});

describe('through the ky instance (sendJson)', () => {
  const fetchMock = vi.fn<(input: Request | string, init?: RequestInit) => Promise<Response>>();
  beforeEach(() => {
    fetchMock.mockReset();
    vi.stubGlobal('fetch', fetchMock);
    vi.useFakeTimers({ shouldAdvanceTime: true });
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('a lost answer that is settled "not applied" becomes a typed error; the change is sent once', async () => {
    fetchMock.mockImplementation(async (input) => {
      const url = typeof input === 'string' ? input : input.url;
      if (url.includes('/api/outcomes/')) {
        return outcome('not_applied', {
          status: 502,
          headers: { 'content-type': 'application/json', 'x-proxy-error': 'outcome_not_applied' },
          body: JSON.stringify({
            errors: [
              {
                status: 502,
                code: 'outcome_not_applied',
                detail: 'Flowroute did not carry out this change.',
              },
            ],
          }),
        });
      }
      return pending();
    });
    const sent = sendJson('post', '/api/v2/routes', { json: {}, idempotencyKey: 'k-1' });
    const caught = sent.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(2000);
    const error = (await caught) as { proxyError: string; message: string };
    expect(error.proxyError).toBe('outcome_not_applied');
    expect(error.message).toMatch(/did not carry out/);
    const posts = fetchMock.mock.calls.filter(
      ([input]) => typeof input !== 'string' && input.method === 'POST',
    );
    expect(posts).toHaveLength(1);
  });
});
