import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORAGE_KEY, summarize } from './bulk-machine';
import { useBulkRun } from './use-bulk-run';

/** A tiny fake account behind fetch: numbers with primary/failover, PATCHes that can be made to fail. */
function fakeAccount(count: number) {
  const numbers = Array.from({ length: count }, (_, i) => String(12065550100 + i));
  const slots = new Map(
    numbers.map((n, i) => [n, { primary: i % 2 ? '0' : '5', failover: null as string | null }]),
  );
  const failing = new Set<string>();
  const limit = { next: 0 }; // answer the next N PATCHes with the proxy's 429
  const patches: Array<{ number: string; slot: string; id: string; key: string | null }> = [];
  let active = 0;
  let peak = 0;
  const original = globalThis.fetch;
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(input, init);
    const url = new URL(req.url);
    const json = (body: unknown, status = 200) =>
      new Response(body === null ? null : JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    const detail = url.pathname.match(/^\/api\/v2\/numbers\/(\d{11})$/);
    if (req.method === 'GET' && detail) {
      const s = slots.get(detail[1]!)!;
      const rel = (id: string | null) => ({ data: id === null ? null : { type: 'route', id } });
      return json({
        data: {
          id: detail[1],
          type: 'number',
          attributes: {},
          relationships: { primary_route: rel(s.primary), failover_route: rel(s.failover) },
        },
        included: [],
      });
    }
    if (req.method === 'GET' && url.pathname === '/api/v2/numbers') {
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 10);
      const page = numbers.slice(offset, offset + limit);
      const next =
        offset + limit < numbers.length
          ? `http://x/v2/numbers?limit=${limit}&offset=${offset + limit}`
          : undefined;
      return json({
        data: page.map((id) => ({ id, type: 'number', attributes: {} })),
        links: { self: '', ...(next ? { next } : {}) },
      });
    }
    const patch = url.pathname.match(
      /^\/api\/v2\/numbers\/(\d{11})\/relationships\/(primary|failover)_route$/,
    );
    if (req.method === 'PATCH' && patch && limit.next > 0) {
      limit.next--;
      return new Response(
        JSON.stringify({ errors: [{ status: 429, code: 'rate_limited', detail: 'Limit reached' }] }),
        {
          status: 429,
          headers: {
            'content-type': 'application/json',
            'x-proxy-error': 'rate_limited',
            'retry-after': '1',
          },
        },
      );
    }
    if (req.method === 'PATCH' && patch) {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 2));
      active--;
      const [, number, slot] = patch as unknown as [string, string, 'primary' | 'failover'];
      const body = (await req.json()) as { data: { id: string } };
      patches.push({ number, slot, id: body.data.id, key: req.headers.get('idempotency-key') });
      if (failing.has(number)) return json({ errors: [{ status: 500, detail: 'upstream broke' }] }, 500);
      slots.get(number)![slot] = body.data.id;
      return new Response(null, { status: 204 });
    }
    return json({ errors: [{ status: 404 }] }, 404);
  }) as typeof fetch;
  return {
    numbers,
    slots,
    failing,
    limit,
    patches,
    peak: () => peak,
    restore: () => void (globalThis.fetch = original),
  };
}

let account: ReturnType<typeof fakeAccount>;
beforeEach(() => sessionStorage.clear());
afterEach(() => account.restore());

function setup() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={client}>{children}</QueryClientProvider>
  );
  return renderHook(() => useBulkRun(), { wrapper });
}

describe('useBulkRun against a fake API', () => {
  it("waits out the proxy's 429 limit instead of failing numbers", async () => {
    account = fakeAccount(6);
    const { result } = setup();
    await act(() =>
      result.current.start({ mode: 'some', numbers: account.numbers }, {}, 'failover', '9', 'Backup'),
    );
    await waitFor(() => expect(result.current.state.phase).toBe('preview'));
    account.limit.next = 3;
    await act(() => result.current.apply(account.numbers));
    await waitFor(() => expect(result.current.state.phase).toBe('done'), { timeout: 5000 });
    expect(summarize(result.current.state)).toMatchObject({ ok: 6, failed: 0 });
    expect(account.numbers.every((n) => account.slots.get(n)!.failover === '9')).toBe(true);
  });

  it('collects all matching numbers, applies with ≤ 4 at once, retries only failures with new keys, reverts', async () => {
    account = fakeAccount(230); // two list pages of 200
    const { result } = setup();
    await act(() => result.current.start({ mode: 'all-matching' }, {}, 'primary', '5', 'PBX'));
    await waitFor(() => expect(result.current.state.phase).toBe('preview'));
    expect(summarize(result.current.state)).toMatchObject({ total: 230, ready: 115, unchanged: 115 });

    const [bad1, bad2] = [account.numbers[1]!, account.numbers[3]!];
    account.failing.add(bad1).add(bad2);
    await act(() =>
      result.current.apply(
        result.current.state.order.filter((n) => result.current.state.items[n]?.status === 'ready'),
      ),
    );
    await waitFor(() => expect(result.current.state.phase).toBe('done'));
    expect(summarize(result.current.state)).toMatchObject({ ok: 113, failed: 2 });
    expect(account.peak()).toBeLessThanOrEqual(4);
    const firstKeys = new Map(account.patches.map((p) => [p.number, p.key]));
    expect(new Set(firstKeys.values()).size).toBe(115); // one key per number

    account.failing.clear();
    account.patches.length = 0;
    await act(() => result.current.apply([bad1, bad2]));
    await waitFor(() => expect(summarize(result.current.state)).toMatchObject({ ok: 115, failed: 0 }));
    expect(account.patches.map((p) => p.number).sort()).toEqual([bad1, bad2].sort());
    for (const p of account.patches) expect(p.key).not.toBe(firstKeys.get(p.number)); // the 500 was stored for the old key

    // The "before" values are in sessionStorage.
    expect(JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '{}').state.items[bad1].before).toBe('0');

    account.patches.length = 0;
    const sent = result.current.state.order.filter((n) => (result.current.state.items[n]?.attempts ?? 0) > 0);
    await act(() => result.current.revert(sent));
    await waitFor(() => expect(result.current.state.phase).toBe('reverted'));
    expect(summarize(result.current.state)).toMatchObject({ reverted: 115, revertFailed: 0 });
    for (const n of account.numbers) expect(account.slots.get(n)!.primary).toBe(Number(n) % 2 ? '0' : '5');
    expect(account.patches.every((p) => p.id === '0')).toBe(true);
  });

  it('restores a saved run after a "reload" and can still revert it', async () => {
    account = fakeAccount(3);
    const first = setup();
    await act(() =>
      first.result.current.start({ mode: 'some', numbers: account.numbers }, {}, 'failover', '9', 'Backup'),
    );
    await waitFor(() => expect(first.result.current.state.phase).toBe('preview'));
    await act(() => first.result.current.apply(account.numbers));
    await waitFor(() => expect(first.result.current.state.phase).toBe('done'));
    first.unmount();

    const second = setup();
    expect(second.result.current.state.phase).toBe('done');
    expect(second.result.current.state.routeLabel).toBe('Backup');
    // These numbers had no failover before: nothing can put "none" back through a PATCH.
    await act(() => second.result.current.revert(account.numbers));
    expect(account.patches.filter((p) => p.id !== '9')).toHaveLength(0);
  });
});
