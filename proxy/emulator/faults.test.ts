// Fault switches, auth, unknown paths and the control API.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, AUTH, type TestEmulator } from './test-support';

let t: TestEmulator;
beforeAll(async () => {
  t = await startTestEmulator();
});
afterEach(async () => {
  await t.control('DELETE', '/faults');
});
afterAll(() => t.close());

const addFault = async (spec: Record<string, unknown>) => {
  const res = await t.control('POST', '/faults', spec);
  expect(res.status).toBe(201);
  return res.json.id as string;
};
const available = async () =>
  (await t.call('GET', '/v2/numbers/available?state=ca&limit=1')).json.data[0].id as string;

describe('auth', () => {
  it.each([
    ['no header', null],
    ['wrong secret', `Basic ${Buffer.from('test-access-key:wrong').toString('base64')}`],
    ['wrong key', `Basic ${Buffer.from('other:test-secret-key').toString('base64')}`],
    ['bearer', 'Bearer abc'],
    ['garbage', 'Basic !!!'],
  ])('%s → 401 with Flowroute body', async (_name, auth) => {
    const res = await t.call('GET', '/v2/numbers', { auth });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({
      errors: [
        {
          detail: 'Authentication failed.',
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          status: 401,
          title: 'Unauthorized',
        },
      ],
    });
  });

  it('checks auth on every operation, including writes (no state change)', async () => {
    const number = await available();
    expect((await t.call('POST', `/v2/numbers/${number}`, { auth: null })).status).toBe(401);
    expect(t.em.state.inventory.isAvailable(number)).toBe(true);
  });
});

describe('unknown paths and methods', () => {
  it('404 and 405 in the error envelope', async () => {
    const missing = await t.call('GET', '/v2/nope');
    expect(missing.status).toBe(404);
    expect(missing.json.errors[0].status).toBe(404);
    const method = await t.call('DELETE', '/v2/routes');
    expect(method.status).toBe(405);
    expect(method.headers.get('allow')).toContain('GET');
    expect(method.json.errors[0].detail).toBe('The method is not allowed for the requested URL.');
    expect((await t.call('GET', '/v2//numbers')).status).toBe(404);
  });
});

describe('faults', () => {
  it('latency delays the answer', async () => {
    await addFault({ path: '^/v2/routes$', fault: 'latency', ms: 300 });
    const started = Date.now();
    const res = await t.call('GET', '/v2/routes');
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('status answers 5xx/429 in the envelope, only `times` times, without applying the change', async () => {
    await addFault({ method: 'POST', path: '^/v2/numbers/\\d+$', fault: 'status', status: 502, times: 1 });
    const number = await available();
    const failed = await t.call('POST', `/v2/numbers/${number}`);
    expect(failed.status).toBe(502);
    expect(failed.json.errors[0].status).toBe(502);
    expect(t.em.state.inventory.isAvailable(number)).toBe(true);
    expect((await t.call('POST', `/v2/numbers/${number}`)).status).toBe(201);
    await addFault({ path: '^/v2/routes$', fault: 'status', status: 429 });
    const limited = await t.call('GET', '/v2/routes');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    await addFault({ path: '^/v2/numbers$', fault: 'status', status: 429, retryAfter: 7 });
    const longer = await t.call('GET', '/v2/numbers');
    expect(longer.status).toBe(429);
    expect(longer.headers.get('retry-after')).toBe('7');
  });

  it('method filter: a PATCH fault leaves GETs alone', async () => {
    await addFault({ method: 'patch', path: 'relationships', fault: 'status', status: 500 });
    const number = t.em.state.numberKeys[0]!;
    expect((await t.call('GET', `/v2/numbers/${number}`)).status).toBe(200);
    const res = await t.call('PATCH', `/v2/numbers/${number}/relationships/primary_route`, {
      body: { data: { type: 'route', id: '0' } },
    });
    expect(res.status).toBe(500);
  });

  it('reset_before drops the connection before anything happens', async () => {
    await addFault({ path: '^/v2/numbers/\\d+$', method: 'POST', fault: 'reset_before', times: 1 });
    const number = await available();
    await expect(t.call('POST', `/v2/numbers/${number}`)).rejects.toThrow();
    expect(t.em.state.inventory.isAvailable(number)).toBe(true);
    expect(t.em.state.numbers.has(number)).toBe(false);
  });

  it('reset_after applies the change, then drops the connection', async () => {
    await addFault({ path: '^/v2/numbers/\\d+$', method: 'POST', fault: 'reset_after', times: 1 });
    const number = await available();
    await expect(t.call('POST', `/v2/numbers/${number}`)).rejects.toThrow();
    expect(t.em.state.numbers.has(number)).toBe(true);
    const stats = await t.control('GET', '/stats');
    expect(stats.json.purchases.map((p: { number: string }) => p.number)).toContain(number);
    expect((await t.call('GET', `/v2/numbers/${number}`)).status).toBe(200);
  });

  it('malformed returns invalid JSON with the real status', async () => {
    await addFault({ path: '^/v2/routes$', fault: 'malformed', times: 1 });
    const res = await t.call('GET', '/v2/routes');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.api+json');
    expect(() => JSON.parse(res.text)).toThrow();
  });

  it('slow_body stalls in the middle of the body', async () => {
    await addFault({ path: '^/v2/routes$', fault: 'slow_body', ms: 300, times: 1 });
    const started = Date.now();
    const res = await t.call('GET', '/v2/routes');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(res.json.data[0].id).toBe('0');
  });

  it('lists, deletes one, clears all; rejects bad specs', async () => {
    const id = await addFault({ path: 'x', fault: 'latency', ms: 1 });
    expect((await t.control('GET', '/faults')).json.faults.map((f: { id: string }) => f.id)).toEqual([id]);
    expect((await t.control('DELETE', `/faults/${id}`)).status).toBe(204);
    expect((await t.control('GET', '/faults')).json.faults).toEqual([]);
    for (const spec of [
      { fault: 'latency' },
      { path: '(', fault: 'latency' },
      { path: 'x', fault: 'explode' },
      { path: 'x', fault: 'status', status: 99 },
      { path: 'x', fault: 'latency', times: 0 },
    ]) {
      expect((await t.control('POST', '/faults', spec)).status, JSON.stringify(spec)).toBe(400);
    }
  });
});

describe('control API', () => {
  it('counts calls per operationId and resets to the seed', async () => {
    const before = (await t.control('GET', '/stats')).json;
    await t.call('GET', '/v2/routes?limit=1');
    await t.call('GET', '/v2.2/messages?start_date=2026-03-01');
    const after = (await t.control('GET', '/stats')).json;
    expect(after.calls.listRoutes).toBe((before.calls.listRoutes ?? 0) + 1);
    expect(after.calls.listMessages).toBe((before.calls.listMessages ?? 0) + 1);
    expect(after.counts).toMatchObject({
      numbers: expect.any(Number),
      routes: expect.any(Number),
      messages: expect.any(Number),
    });

    const number = await available();
    await t.call('POST', `/v2/numbers/${number}`);
    await addFault({ path: 'x', fault: 'latency' });
    expect((await t.control('POST', '/reset')).status).toBe(204);
    const reset = (await t.control('GET', '/stats')).json;
    expect(reset.purchases).toEqual([]);
    expect(reset.calls).toEqual({});
    expect(reset.faults).toEqual([]);
    expect(t.em.state.inventory.isAvailable(number)).toBe(true);
    expect(reset.counts.numbers).toBe(40);
  });

  it('needs no Flowroute credentials but does not answer Flowroute paths without them', async () => {
    expect((await t.call('GET', '/__emulator/stats', { auth: null })).status).toBe(200);
    expect((await t.call('GET', '/__emulator/nope', { auth: AUTH })).status).toBe(404);
  });
});
