// R-6 and bad input: every malformed request gets a clear 4xx JSON error (X-Proxy-Error, and `source` naming the
// field when there is one) and nothing is forwarded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, type TestApp } from './harness';
import { startStub, type Stub } from './stub-upstream';

let stub: Stub;
let t: TestApp;
beforeAll(async () => {
  stub = await startStub();
  t = await buildTestApp(stub.url);
});
afterAll(async () => {
  await t.app.close();
  await stub.close();
});

interface Case {
  name: string;
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  role?: 'viewer' | 'operator' | 'admin';
  contentType?: string | null;
  body?: string;
  key?: string | null;
  status: number;
  code: string;
  field?: { parameter?: string; pointer?: string };
}

const MSG = '/api/v2.1/messages';
const ROUTE = {
  data: { type: 'route', attributes: { alias: 'a', route_type: 'host', value: 'sip.example.com' } },
};

const CASES: Case[] = [
  // size and media type
  {
    name: 'body over 64 KiB',
    method: 'POST',
    url: MSG,
    body: JSON.stringify({ from: '12065550100', to: '12065550199', body: 'x'.repeat(70 * 1024) }),
    status: 413,
    code: 'body_too_large',
  },
  {
    name: 'text/plain body',
    method: 'POST',
    url: MSG,
    contentType: 'text/plain',
    body: '{"from":"12065550100"}',
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'form body',
    method: 'POST',
    url: '/api/v2/routes',
    contentType: 'application/x-www-form-urlencoded',
    body: 'alias=a',
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'malformed JSON',
    method: 'POST',
    url: MSG,
    body: '{"from": "1206',
    status: 400,
    code: 'invalid_json',
  },
  {
    name: 'prototype poisoning',
    method: 'POST',
    url: '/api/v2/routes',
    body: '{"__proto__":{"admin":true},"data":{}}',
    status: 400,
    code: 'invalid_json',
  },
  // query parameters
  {
    name: 'unknown query parameter',
    method: 'GET',
    url: '/api/v2/numbers?colour=red',
    status: 400,
    code: 'invalid_parameter',
    field: { parameter: 'colour' },
  },
  {
    name: 'limit over the maximum',
    method: 'GET',
    url: '/api/v2/numbers?limit=201',
    status: 400,
    code: 'invalid_parameter',
    field: { parameter: 'limit' },
  },
  {
    name: 'oversized starts_with',
    method: 'GET',
    url: `/api/v2/numbers?starts_with=${'2'.repeat(40)}`,
    status: 400,
    code: 'invalid_parameter',
    field: { parameter: 'starts_with' },
  },
  {
    name: 'oversized rate_center',
    method: 'GET',
    url: `/api/v2/numbers/available?rate_center=${'a'.repeat(200)}`,
    status: 400,
    code: 'invalid_parameter',
    field: { parameter: 'rate_center' },
  },
  {
    name: 'repeated parameter',
    method: 'GET',
    url: '/api/v2/numbers?limit=1&limit=2',
    status: 400,
    code: 'invalid_path',
    field: { parameter: 'limit' },
  },
  {
    name: 'date that does not exist',
    method: 'GET',
    url: '/api/v2.1/messages?start_date=2024-02-30',
    status: 400,
    code: 'invalid_parameter',
    field: { parameter: 'start_date' },
  },
  {
    name: 'date in the wrong format',
    method: 'GET',
    url: '/api/v2.1/messages?start_date=05%2F01%2F2024',
    status: 400,
    code: 'invalid_parameter',
    field: { parameter: 'start_date' },
  },
  {
    name: 'missing required start_date',
    method: 'GET',
    url: '/api/v2.1/messages',
    status: 400,
    code: 'invalid_parameter',
    field: { parameter: 'start_date' },
  },
  // numbers and ids in the path
  {
    name: 'ten-digit number',
    method: 'GET',
    url: '/api/v2/numbers/2065550100',
    status: 400,
    code: 'invalid_parameter',
    field: { parameter: 'id' },
  },
  {
    name: 'number with a bad area code',
    method: 'POST',
    url: '/api/v2/numbers/11065550100',
    role: 'admin',
    body: '{}',
    status: 400,
    code: 'invalid_parameter',
    field: { parameter: 'id' },
  },
  {
    name: 'bad message id',
    method: 'GET',
    url: '/api/v2.1/messages/mdr2-XYZ',
    status: 400,
    code: 'invalid_parameter',
    field: { parameter: 'id' },
  },
  // bodies
  {
    name: 'invalid recipient',
    method: 'POST',
    url: MSG,
    body: JSON.stringify({ from: '12065550100', to: '555', body: 'hi' }),
    status: 422,
    code: 'invalid_body',
    field: { pointer: '/to' },
  },
  {
    name: 'unknown attribute',
    method: 'POST',
    url: MSG,
    body: JSON.stringify({ from: '12065550100', to: '12065550199', body: 'hi', priority: 1 }),
    status: 422,
    code: 'invalid_body',
    field: { pointer: '/priority' },
  },
  {
    name: 'message text too long',
    method: 'POST',
    url: MSG,
    body: JSON.stringify({ from: '12065550100', to: '12065550199', body: 'x'.repeat(5001) }),
    status: 422,
    code: 'invalid_body',
    field: { pointer: '/body' },
  },
  {
    name: 'route id not digits',
    method: 'PATCH',
    url: '/api/v2/numbers/12065550100/relationships/primary_route',
    body: JSON.stringify({ data: { type: 'route', id: '../1' } }),
    status: 422,
    code: 'invalid_body',
    field: { pointer: '/data/id' },
  },
  {
    name: 'route with a bad host',
    method: 'POST',
    url: '/api/v2/routes',
    body: JSON.stringify({
      data: { type: 'route', attributes: { ...ROUTE.data.attributes, value: 'not a host!' } },
    }),
    status: 422,
    code: 'invalid_body',
    field: { pointer: '/data/attributes/value' },
  },
  {
    name: 'purchase with a body',
    method: 'POST',
    url: '/api/v2/numbers/12065550100',
    role: 'admin',
    body: '{"price": 0}',
    status: 422,
    code: 'invalid_body',
    field: { pointer: '' },
  },
  // idempotency key
  {
    name: 'missing Idempotency-Key',
    method: 'POST',
    url: '/api/v2/routes',
    body: JSON.stringify(ROUTE),
    key: null,
    status: 400,
    code: 'idempotency_key_missing',
    field: { parameter: 'Idempotency-Key' },
  },
  {
    name: 'oversized Idempotency-Key',
    method: 'POST',
    url: '/api/v2/routes',
    body: JSON.stringify(ROUTE),
    key: 'k'.repeat(300),
    status: 400,
    code: 'idempotency_key_invalid',
    field: { parameter: 'Idempotency-Key' },
  },
];

describe('bad input: clear 4xx, the field named, nothing forwarded', () => {
  it.each(CASES)('$name → $status $code', async (c) => {
    stub.requests.length = 0;
    const headers: Record<string, string> = { ...as(c.role ?? 'operator') };
    if (c.method !== 'GET') {
      if (c.contentType !== null) headers['content-type'] = c.contentType ?? 'application/json';
      if (c.key !== null) headers['idempotency-key'] = c.key ?? `bad-${Math.random()}`;
    }
    const res = await t.app.inject({
      method: c.method,
      url: c.url,
      headers,
      ...(c.body !== undefined ? { payload: c.body } : {}),
    });
    expect(res.statusCode).toBe(c.status);
    expect(res.headers['x-proxy-error']).toBe(c.code);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const error = (res.json() as { errors: { code: string; detail: string; source?: unknown }[] }).errors[0]!;
    expect(error.code).toBe(c.code);
    expect(error.detail.length).toBeGreaterThan(10);
    if (c.field) expect(error.source).toEqual(c.field);
    expect(stub.requests).toHaveLength(0);
  });
});
