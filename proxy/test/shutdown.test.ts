// shutdown with mutations in flight (Flowroute slowed down by the emulator's latency fault). What SIGTERM
// runs (server.ts → running.close()): /readyz turns false at once, new requests are refused, every request in flight
// completes (no mutation is cut), and it is all over well within the 25 s drain.
import { Client, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../src/config';
import { SHUTDOWN_GRACE_MS, startServer } from '../src/server';
import { LogCapture, TEST_LIMITS, testAuth } from './harness';

describe('graceful shutdown', () => {
  it('5 purchases, 2 route changes and 3 reads in flight all complete; readiness false; new requests refused', async () => {
    const running = await startServer(
      makeConfig({
        port: 0,
        mode: 'demo',
        logLevel: 'silent',
        staticDir: '/nonexistent',
        limits: TEST_LIMITS,
      }),
      { auth: testAuth, logStream: new LogCapture() },
    );
    const em = running.emulator!.url;
    const client = new Client(running.url, { pipelining: 0 });
    try {
      const get = async (path: string) => {
        const res = await request(`${running.url}${path}`, { headers: { 'x-test-role': 'viewer' } });
        return (await res.body.json()) as { data: { id: string }[] };
      };
      const available = (await get('/api/v2/numbers/available?limit=5&offset=400')).data.map((d) => d.id);
      const own = (await get('/api/v2/numbers?limit=2')).data.map((d) => d.id);
      const routes = (await get('/api/v2/routes?limit=5')).data.map((d) => d.id).filter((id) => id !== '0');
      for (const spec of [
        { method: 'POST', path: '^/v2/numbers/', fault: 'latency', ms: 1500 },
        { method: 'PATCH', path: '^/v2/numbers/', fault: 'latency', ms: 1500 },
        { method: 'GET', path: '^/v2/routes$', fault: 'latency', ms: 1500 },
      ]) {
        await (
          await request(`${em}/__emulator/faults`, { method: 'POST', body: JSON.stringify(spec) })
        ).body.dump();
      }
      // A kept-alive connection opened before shutdown, to see what it gets during the drain.
      const warm = await client.request({ method: 'GET', path: '/livez' });
      await warm.body.dump();

      const call = async (method: 'POST' | 'PATCH' | 'GET', path: string, body?: unknown, key?: string) => {
        const res = await request(`${running.url}${path}`, {
          method,
          headers: {
            'x-test-role': 'admin',
            ...(body !== undefined
              ? { 'content-type': 'application/json', 'idempotency-key': key ?? '' }
              : {}),
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
        await res.body.dump();
        return res.statusCode;
      };
      const inFlight = [
        ...available.map((n, i) => call('POST', `/api/v2/numbers/${n}`, {}, `sd-buy-${i}`)),
        call(
          'PATCH',
          `/api/v2/numbers/${own[0]}/relationships/primary_route`,
          { data: { type: 'route', id: routes[0] } },
          'sd-p',
        ),
        call(
          'PATCH',
          `/api/v2/numbers/${own[1]}/relationships/failover_route`,
          { data: { type: 'route', id: routes[1] } },
          'sd-f',
        ),
        call('GET', '/api/v2/routes'),
        call('GET', '/api/v2/routes'),
        call('GET', '/api/v2/routes'),
      ];
      await new Promise((r) => setTimeout(r, 300)); // all of them are now waiting on Flowroute
      const started = Date.now();
      const closing = running.close();
      expect(running.app.readiness.shuttingDown).toBe(true);

      // New work is refused: a new connection cannot connect; a kept-alive one gets 503.
      await expect(request(`${running.url}/livez`)).rejects.toThrow();
      const duringReady = await client.request({ method: 'GET', path: '/readyz' }).catch(() => null);
      if (duringReady) {
        expect(duringReady.statusCode).toBe(503);
        await duringReady.body.dump();
      }

      const statuses = await Promise.all(inFlight);
      await closing;
      const took = Date.now() - started;
      expect(statuses).toEqual([201, 201, 201, 201, 201, 204, 204, 200, 200, 200]);
      expect(took).toBeGreaterThanOrEqual(1000); // it waited for them…
      expect(took).toBeLessThan(SHUTDOWN_GRACE_MS); // …within the drain
    } finally {
      await client.close().catch(() => undefined);
      await running.close();
    }
  }, 30_000);
});
