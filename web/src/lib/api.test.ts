import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  apiErrorFromResponse,
  getJson,
  newIdempotencyKey,
  sendJson,
  setSessionExpiredHandler,
  toApiError,
} from './api';

type FetchArgs = [Request, RequestInit?];

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/vnd.api+json', ...headers },
  });
}

const fetchMock = vi.fn<(...args: FetchArgs) => Promise<Response>>();

beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal('fetch', fetchMock);
});

afterEach(() => {
  vi.unstubAllGlobals();
  setSessionExpiredHandler(null);
});

async function errorOf(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected a rejection');
}

describe('error mapping (apiErrorFromResponse)', () => {
  const cases: [string, number, Record<string, string>, unknown, Partial<ApiError>][] = [
    [
      'proxy 401 → unauthenticated',
      401,
      { 'x-proxy-error': 'unauthenticated' },
      {
        errors: [
          { status: 401, title: 'Unauthenticated', detail: 'Sign in first.', code: 'unauthenticated' },
        ],
      },
      { kind: 'unauthenticated', proxyError: 'unauthenticated', message: 'Sign in first.' },
    ],
    [
      'Flowroute 401 (bad keys) → upstream_rejected',
      401,
      {},
      { errors: [{ detail: 'Authentication failed.', id: 'abc', status: 401, title: 'Unauthorized' }] },
      { kind: 'upstream_rejected', proxyError: null, message: 'Authentication failed.', errorId: 'abc' },
    ],
    [
      'proxy 403 role → forbidden',
      403,
      { 'x-proxy-error': 'forbidden_role' },
      { errors: [{ status: 403, title: 'Forbidden', detail: 'Operators and admins only.' }] },
      { kind: 'forbidden', proxyError: 'forbidden_role' },
    ],
    [
      'Flowroute 403 → upstream_rejected',
      403,
      {},
      { errors: [{ status: 403, detail: '', title: 'ActionNotAuthorizedError' }] },
      { kind: 'upstream_rejected', message: 'ActionNotAuthorizedError' },
    ],
    [
      '404 → not_found',
      404,
      {},
      { errors: [{ detail: 'Could not find that resource on your account.', status: 404 }] },
      { kind: 'not_found' },
    ],
    [
      '409 → conflict',
      409,
      { 'x-proxy-error': 'idempotency_in_flight' },
      { errors: [{ status: 409, detail: 'Still working.' }] },
      { kind: 'conflict' },
    ],
    [
      '502 → upstream_unavailable',
      502,
      { 'x-proxy-error': 'upstream_unreachable' },
      null,
      { kind: 'upstream_unavailable' },
    ],
    ['503 → upstream_unavailable', 503, {}, 'not json', { kind: 'upstream_unavailable' }],
    ['500 → unknown', 500, {}, null, { kind: 'unknown', message: 'Something went wrong.' }],
  ];
  it.each(cases)('%s', async (_name, status, headers, body, expected) => {
    const response =
      typeof body === 'string'
        ? new Response(body, { status, headers })
        : jsonResponse(status, body ?? undefined, headers);
    const error = await apiErrorFromResponse(response);
    expect(error).toMatchObject({ status, ...expected });
  });

  it('collects field errors from source.pointer/parameter and nested Flowroute detail', async () => {
    const error = await apiErrorFromResponse(
      jsonResponse(
        422,
        {
          errors: [
            { status: 422, detail: 'Must be 11 digits.', source: { pointer: '/data/attributes/value' } },
            { status: 422, detail: 'Too large.', source: { parameter: 'limit' } },
            {
              status: 422,
              detail: { data: { attributes: { zip: ['ZIP code must be at least 4 digits'] } } },
            },
          ],
        },
        { 'x-proxy-error': 'validation' },
      ),
    );
    expect(error.kind).toBe('validation');
    expect(error.fieldErrors).toEqual({
      value: 'Must be 11 digits.',
      limit: 'Too large.',
      zip: 'ZIP code must be at least 4 digits',
    });
    expect(error.message).toBe('Must be 11 digits.');
  });

  it('reads Retry-After on 429', async () => {
    const error = await apiErrorFromResponse(
      jsonResponse(429, { errors: [{ status: 429, title: 'Too Many Requests' }] }, { 'retry-after': '7' }),
    );
    expect(error).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 7, message: 'Too Many Requests' });
  });

  it('toApiError maps network failures and passes ApiError through', () => {
    expect(toApiError(new TypeError('Failed to fetch')).kind).toBe('network');
    const original = new ApiError({ kind: 'conflict', status: 409, message: 'x' });
    expect(toApiError(original)).toBe(original);
    expect(toApiError('weird').kind).toBe('unknown');
  });
});

describe('the ky instance', () => {
  it('GETs with same-origin credentials and no CSRF header', async () => {
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { data: [] }));
    await getJson('/api/v2/numbers', { searchParams: { limit: 10, contains: '', starts_with: undefined } });
    const request = fetchMock.mock.calls[0]![0];
    expect(new URL(request.url).pathname).toBe('/api/v2/numbers');
    expect(new URL(request.url).search).toBe('?limit=10');
    expect(request.method).toBe('GET');
    expect(request.credentials).toBe('same-origin');
    expect(request.headers.get('x-csrf')).toBeNull();
  });

  it('sends X-CSRF, JSON content type and the Idempotency-Key on mutations', async () => {
    let body = '';
    fetchMock.mockImplementationOnce(async (request: Request) => {
      body = await request.clone().text();
      return new Response(null, { status: 204 });
    });
    const result = await sendJson('patch', '/api/v2/numbers/12065550100/relationships/primary_route', {
      json: { data: { type: 'route', id: '1' } },
      idempotencyKey: 'key-1',
    });
    expect(result).toBeUndefined();
    const request = fetchMock.mock.calls[0]![0];
    expect(request.method).toBe('PATCH');
    expect(request.headers.get('x-csrf')).toBe('1');
    expect(request.headers.get('content-type')).toContain('application/json');
    expect(request.headers.get('idempotency-key')).toBe('key-1');
    expect(body).toBe('{"data":{"type":"route","id":"1"}}');
  });

  it('throws a typed ApiError for HTTP errors', async () => {
    fetchMock.mockResolvedValueOnce(
      jsonResponse(404, { errors: [{ status: 404, detail: 'No such number.' }] }),
    );
    const error = await errorOf(getJson('/api/v2/numbers/12065550199'));
    expect(error).toMatchObject({ kind: 'not_found', status: 404, message: 'No such number.' });
  });

  it('retries a GET once on 503, then gives up with upstream_unavailable', async () => {
    fetchMock.mockImplementation(async () =>
      jsonResponse(503, { errors: [{ status: 503, title: 'Unavailable' }] }),
    );
    const error = await errorOf(getJson('/api/v2/numbers'));
    expect(error.kind).toBe('upstream_unavailable');
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('retries a GET once on a network error', async () => {
    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { data: [] }));
    await expect(getJson('/api/v2/numbers')).resolves.toEqual({ data: [] });
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('does not retry GET on 4xx', async () => {
    fetchMock.mockImplementation(async () => jsonResponse(422, { errors: [{ status: 422, detail: 'bad' }] }));
    await errorOf(getJson('/api/v2/numbers'));
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('never retries a mutation, even on 503 or a network error', async () => {
    fetchMock.mockImplementation(async () => jsonResponse(503, null));
    expect((await errorOf(sendJson('post', '/api/v2/routes', { json: {} }))).kind).toBe(
      'upstream_unavailable',
    );
    expect(fetchMock).toHaveBeenCalledTimes(1);
    fetchMock.mockReset();
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
    expect((await errorOf(sendJson('post', '/api/v2.1/messages', { json: {} }))).kind).toBe('network');
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('calls the session-expired handler on a proxy 401 for /api, not for /auth', async () => {
    const handler = vi.fn();
    setSessionExpiredHandler(handler);
    fetchMock.mockImplementation(async () =>
      jsonResponse(
        401,
        { errors: [{ status: 401, title: 'Unauthenticated' }] },
        { 'x-proxy-error': 'unauthenticated' },
      ),
    );
    expect((await errorOf(getJson('/api/v2/numbers'))).kind).toBe('unauthenticated');
    expect(handler).toHaveBeenCalledTimes(1);
    await errorOf(getJson('/auth/me'));
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it("keeps the caller's abort as an AbortError", async () => {
    fetchMock.mockImplementation(
      (_request: Request, init?: RequestInit) =>
        new Promise((_resolve, reject) => {
          const fail = () => reject(new DOMException('aborted', 'AbortError'));
          if (init?.signal?.aborted) fail();
          init?.signal?.addEventListener('abort', fail);
        }),
    );
    const controller = new AbortController();
    const promise = getJson('/api/v2/numbers', { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 10)); // the request is in flight
    controller.abort();
    await expect(promise).rejects.toMatchObject({ name: 'AbortError' });
    expect(fetchMock).toHaveBeenCalledTimes(1); // an abort is not retried

    const early = new AbortController();
    const cancelled = getJson('/api/v2/numbers', { signal: early.signal });
    early.abort();
    await expect(cancelled).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('newIdempotencyKey', () => {
  it('returns a fresh UUID each time', () => {
    const a = newIdempotencyKey();
    const b = newIdempotencyKey();
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });
});
