// Idempotency-Key: the in-memory store's semantics, and the proxy's at-most-once forwarding of mutations.
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp } from '../../test/harness';
import { json, startStub, type Stub } from '../../test/stub-upstream';
import type { AuditIntent, AuditLog, AuditOutcome } from '../store/types';
import { MemoryIdempotencyStore } from './idempotency-memory';

describe('MemoryIdempotencyStore', () => {
  const input = { key: 'k1', userId: 'u1', operation: 'purchaseNumber', requestHash: 'h1' };

  it('claims once, then reports in-flight, mismatch and replay', async () => {
    const store = new MemoryIdempotencyStore();
    expect(await store.claim(input)).toEqual({ kind: 'claimed' });
    expect(await store.claim(input)).toEqual({ kind: 'in_flight' });
    expect(await store.claim({ ...input, requestHash: 'h2' })).toEqual({ kind: 'mismatch' });
    expect(await store.claim({ ...input, operation: 'sendMessage' })).toEqual({ kind: 'mismatch' });
    const response = {
      status: 201,
      headers: { 'content-type': 'application/vnd.api+json' },
      body: '{"data":{}}',
    };
    await store.complete({ key: 'k1', userId: 'u1', response });
    expect(await store.claim(input)).toEqual({ kind: 'replay', response });
  });

  it('scopes keys per user', async () => {
    const store = new MemoryIdempotencyStore();
    expect(await store.claim(input)).toEqual({ kind: 'claimed' });
    expect(await store.claim({ ...input, userId: 'u2' })).toEqual({ kind: 'claimed' });
  });

  it('release frees an in-flight claim but never a completed one', async () => {
    const store = new MemoryIdempotencyStore();
    await store.claim(input);
    await store.release({ key: 'k1', userId: 'u1' });
    expect(await store.claim(input)).toEqual({ kind: 'claimed' });
    await store.complete({ key: 'k1', userId: 'u1', response: { status: 201, headers: {}, body: '' } });
    await store.release({ key: 'k1', userId: 'u1' });
    expect((await store.claim(input)).kind).toBe('replay');
  });

  it('forgets keys after 24 hours', async () => {
    let now = 1_000_000;
    const store = new MemoryIdempotencyStore({ now: () => now });
    await store.claim(input);
    await store.complete({ key: 'k1', userId: 'u1', response: { status: 201, headers: {}, body: '' } });
    now += 24 * 3_600_000 - 1;
    expect((await store.claim(input)).kind).toBe('replay');
    now += 2;
    expect(await store.claim(input)).toEqual({ kind: 'claimed' });
    expect(store.size).toBe(1);
  });
});

describe('mutations through the proxy', () => {
  let stub: Stub;
  let app: FastifyInstance;
  let delayMs = 0;
  let nextStatus = 201;
  const audit = {
    intents: [] as AuditIntent[],
    outcomes: [] as { id: string; outcome: AuditOutcome }[],
    fail: false,
  };
  const auditLog: AuditLog = {
    async intent(intent) {
      if (audit.fail) throw new Error('disk full');
      audit.intents.push(intent);
      return `intent-${audit.intents.length}`;
    },
    async outcome(id, outcome) {
      audit.outcomes.push({ id, outcome });
    },
  };

  beforeAll(async () => {
    stub = await startStub((req, res) => {
      const status = nextStatus;
      setTimeout(() => {
        if (status === 201)
          json(res, 201, {
            data: { id: req.url.split('/').pop(), type: 'number', attributes: {} },
            included: [],
            links: { self: 'x' },
          });
        else
          json(res, status, {
            errors: [{ status, detail: 'Could not find that resource on your account.' }],
          });
      }, delayMs);
    });
    app = (await buildTestApp(stub.url, {}, { audit: auditLog })).app;
  });
  afterEach(() => {
    stub.requests.length = 0;
    delayMs = 0;
    nextStatus = 201;
    audit.intents.length = 0;
    audit.outcomes.length = 0;
    audit.fail = false;
  });
  afterAll(async () => {
    await app.close();
    await stub.close();
  });

  const buy = (
    key: string | undefined,
    number = '12065550100',
    user = 'alice',
    extra: Partial<InjectOptions> = {},
  ) =>
    app.inject({
      method: 'POST',
      url: `/api/v2/numbers/${number}`,
      headers: {
        ...as('admin', { 'x-test-user': user }),
        ...(key === undefined ? {} : { 'idempotency-key': key }),
      },
      payload: {},
      ...extra,
    });

  it('replays the first answer for a repeated key with no second upstream call', async () => {
    const first = await buy('key-replay-1');
    const second = await buy('key-replay-1');
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.body).toBe(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(second.headers['content-type']).toMatch(/vnd\.api\+json/);
    expect(second.headers['cache-control']).toBe('no-store');
    expect(stub.requests).toHaveLength(1);
  });

  it('10 concurrent requests with the same key make exactly one upstream purchase', async () => {
    delayMs = 200;
    const results = await Promise.all(
      Array.from({ length: 10 }, () => buy('key-concurrent-1', '12065550111')),
    );
    expect(stub.requests).toHaveLength(1);
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    for (const r of results.filter((x) => x.statusCode === 409))
      expect(r.headers['x-proxy-error']).toBe('idempotency_in_flight');
    const after = await buy('key-concurrent-1', '12065550111');
    expect(after.statusCode).toBe(201);
    expect(after.headers['idempotent-replayed']).toBe('true');
    expect(stub.requests).toHaveLength(1);
  });

  it('refuses a mutation without a key with 400 and 0 upstream calls', async () => {
    const res = await buy(undefined);
    expect(res.statusCode).toBe(400);
    expect(res.headers['x-proxy-error']).toBe('idempotency_key_missing');
    expect(stub.requests).toHaveLength(0);
    expect(audit.intents).toHaveLength(0);
  });

  it.each(['has space', 'x'.repeat(256), 'tab\there', 'ünïcode'])(
    'refuses the malformed key %j with 400',
    async (key) => {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v2/numbers/12065550100',
        headers: { ...as('admin'), 'idempotency-key': Buffer.from(key, 'utf8').toString('latin1') },
        payload: {},
      });
      expect(res.statusCode).toBe(400);
      expect(res.headers['x-proxy-error']).toBe('idempotency_key_invalid');
      expect(stub.requests).toHaveLength(0);
    },
  );

  it('answers 422 when a key is reused for a different request', async () => {
    expect((await buy('key-mismatch-1', '12065550100')).statusCode).toBe(201);
    const other = await buy('key-mismatch-1', '12065550122');
    expect(other.statusCode).toBe(422);
    expect(other.headers['x-proxy-error']).toBe('idempotency_key_reused');
    const otherOp = await app.inject({
      method: 'PATCH',
      url: '/api/v2/numbers/12065550100/relationships/primary_route',
      headers: { ...as('admin', { 'x-test-user': 'alice' }), 'idempotency-key': 'key-mismatch-1' },
      payload: { data: { type: 'route', id: '0' } },
    });
    expect(otherOp.statusCode).toBe(422);
    expect(stub.requests).toHaveLength(1);
  });

  it('scopes keys per user: another user with the same key gets their own call, never the first answer', async () => {
    await buy('key-shared-1', '12065550100', 'alice');
    const bob = await buy('key-shared-1', '12065550100', 'bob');
    expect(bob.headers['idempotent-replayed']).toBeUndefined();
    expect(stub.requests).toHaveLength(2);
  });

  it('stores and replays Flowroute errors too (the user fixes the input and gets a new key)', async () => {
    nextStatus = 404;
    const first = await buy('key-error-1', '12065550133');
    nextStatus = 201;
    const second = await buy('key-error-1', '12065550133');
    expect(first.statusCode).toBe(404);
    expect(second.statusCode).toBe(404);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(stub.requests).toHaveLength(1);
  });

  it('validation failures do not consume the key', async () => {
    const bad = await buy('key-validation-1', '1206555');
    expect(bad.statusCode).toBe(400);
    const good = await buy('key-validation-1', '12065550144');
    expect(good.statusCode).toBe(201);
    expect(good.headers['idempotent-replayed']).toBeUndefined();
  });

  it('writes an audit intent before and an outcome after each forwarded mutation', async () => {
    await buy('key-audit-1', '12065550155');
    expect(audit.intents).toEqual([
      expect.objectContaining({
        userId: 'alice',
        role: 'admin',
        operation: 'purchaseNumber',
        target: '12065550155',
        idempotencyKey: 'key-audit-1',
      }),
    ]);
    expect(audit.outcomes).toEqual([
      {
        id: 'intent-1',
        outcome: expect.objectContaining({ status: 201, result: 'ok', flowrouteId: '12065550155' }),
      },
    ]);
    await buy('key-audit-1', '12065550155'); // replay: no new audit records, no upstream call
    expect(audit.intents).toHaveLength(1);
  });

  it('fails closed when the audit intent cannot be written: 503, nothing sent, key free for a retry', async () => {
    audit.fail = true;
    const res = await buy('key-audit-2', '12065550166');
    expect(res.statusCode).toBe(503);
    expect(res.headers['x-proxy-error']).toBe('audit_unavailable');
    expect(stub.requests).toHaveLength(0);
    audit.fail = false;
    const retry = await buy('key-audit-2', '12065550166');
    expect(retry.statusCode).toBe(201);
    expect(stub.requests).toHaveLength(1);
  });
});

describe('mutations when nothing reached Flowroute', () => {
  it('releases the key so the same action can be retried', async () => {
    const gone = await startStub();
    const url = gone.url;
    await gone.close();
    const t = await buildTestApp(url);
    try {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v2/numbers/12065550100',
        headers: { ...as('admin'), 'idempotency-key': 'down-1' },
        payload: {},
      });
      expect(res.statusCode).toBe(502);
      expect(res.headers['x-proxy-error']).toBe('upstream_unreachable');
      const again = await t.app.inject({
        method: 'POST',
        url: '/api/v2/numbers/12065550100',
        headers: { ...as('admin'), 'idempotency-key': 'down-1' },
        payload: {},
      });
      expect(again.statusCode).toBe(502);
      expect(again.headers['idempotent-replayed']).toBeUndefined();
    } finally {
      await t.app.close();
    }
  });
});
