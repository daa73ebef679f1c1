// Fuzzing the closed table (T-4): random paths, encodings and queries never produce an upstream call outside
// the allow-list, never a proxy-made 5xx, and every forwarded URL is rebuilt from validated values.
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, makeDist } from '../../test/harness';
import { startStub, type Stub } from '../../test/stub-upstream';

let stub: Stub;
let app: FastifyInstance;

beforeAll(async () => {
  stub = await startStub();
  app = (await buildTestApp(stub.url, { logLevel: 'silent', staticDir: makeDist() })).app;
});
afterAll(async () => {
  await app.close();
  await stub.close();
});

/** What may ever reach Flowroute: the 13 upstream paths with digits-only/validated parts and known query names. */
const UPSTREAM_ALLOWED = [
  /^\/v2\/numbers(\?((starts_with|contains|ends_with|limit|offset)=[%+0-9A-Za-z]+&?)*)?$/,
  /^\/v2\/numbers\/available(\?((starts_with|contains|ends_with|limit|offset|rate_center|state)=[%+0-9A-Za-z._'-]+&?)*)?$/,
  /^\/v2\/numbers\/available\/(areacodes|exchanges)(\?((limit|offset|max_setup_cost|areacode)=[0-9.]+&?)*)?$/,
  /^\/v2\/numbers\/1[2-9]\d{2}[2-9]\d{6}(\/relationships\/(primary|failover)_route)?$/,
  /^\/v2\/routes(\?((limit|offset|route_type)=[a-z0-9-]+&?)*)?$/,
  /^\/v2\.1\/messages(\?((start_date|end_date|limit|offset)=[%0-9A-Za-z.:+-]+&?)*)?$/,
  /^\/v2\.1\/messages\/mdr2-[0-9a-f]{32}$/,
];

const segment = fc.oneof(
  fc.constantFrom(
    'api',
    'v2',
    'v2.1',
    'v2.2',
    'numbers',
    'available',
    'areacodes',
    'exchanges',
    'routes',
    'messages',
    'relationships',
    'primary_route',
    'failover_route',
    '12065550100',
    'mdr2-39cadeace66e11e7aff806cd7f24ba2d',
    '..',
    '.',
    '',
    '%2e%2e',
    '%2f',
    '%2F',
    '%00',
    ';x=1',
    '#',
    '?',
    '\\',
    '%5c',
    'API',
    '%61pi',
    '*',
    '@evil',
    'http:',
  ),
  fc.string({ maxLength: 12 }),
  fc.stringMatching(/^[0-9]{1,15}$/),
);
const queryPair = fc.tuple(
  fc.oneof(
    fc.constantFrom(
      'limit',
      'offset',
      'starts_with',
      'contains',
      'ends_with',
      'state',
      'rate_center',
      'route_type',
      'start_date',
      'end_date',
      'areacode',
      'max_setup_cost',
      '__proto__',
      'constructor',
      'lim%69t',
      'limit[]',
    ),
    fc.string({ maxLength: 8 }),
  ),
  fc.oneof(
    fc.constantFrom(
      '10',
      '0',
      '-1',
      '200',
      '201',
      '401',
      '1e2',
      'host',
      'HOST',
      '2024-01-01',
      '2024-02-30',
      '206',
      '+1206',
      '%2B1206',
      '%26limit%3D5',
      '10;x',
      '',
    ),
    fc.string({ maxLength: 10 }),
  ),
);
const target = fc
  .tuple(
    fc.array(segment, { minLength: 1, maxLength: 7 }),
    fc.array(queryPair, { maxLength: 4 }),
    fc.boolean(),
  )
  .map(([segs, query, prefixApi]) => {
    const path = `${prefixApi ? '/api/' : '/'}${segs.join('/')}`;
    const qs = query.map(([k, v]) => `${k}=${v}`).join('&');
    return qs === '' ? path : `${path}?${qs}`;
  });
/** Valid requests with one random edit, so the fuzz also lives right next to the allowed paths. */
const VALID = [
  '/api/v2/numbers?limit=20&starts_with=206',
  '/api/v2/numbers/12065550100',
  '/api/v2/numbers/available?state=wa&rate_center=seattle&limit=5',
  '/api/v2/numbers/available/areacodes?limit=400&max_setup_cost=2.5',
  '/api/v2/numbers/available/exchanges?areacode=206',
  '/api/v2/numbers/12065550100/relationships/primary_route',
  '/api/v2/routes?route_type=host',
  '/api/v2.1/messages?start_date=2024-05-01&end_date=2024-05-02T00%3A00%3A00.000Z',
  '/api/v2.1/messages/mdr2-39cadeace66e11e7aff806cd7f24ba2d',
];
const INSERTS = [
  '/',
  '//',
  '/..',
  '/.',
  '%2f',
  '%2e%2e',
  ';',
  '#',
  '?',
  '&',
  '&limit=1',
  '&x=1',
  '%00',
  '%',
  '\\',
  ' ',
  '+',
  '%20',
  '0',
  'a',
  'A',
];
const nearValid = fc
  .tuple(
    fc.constantFrom(...VALID),
    fc.nat(),
    fc.oneof(fc.constantFrom(...INSERTS), fc.string({ maxLength: 4 })),
    fc.boolean(),
  )
  .map(([url, pos, insert, keep]) =>
    keep ? url : url.slice(0, 1 + (pos % url.length)) + insert + url.slice(1 + (pos % url.length)),
  );
const anyTarget = fc.oneof(target, nearValid);
let forwarded = 0;

const method = fc.constantFrom('GET', 'GET', 'GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'HEAD');
/** Which upstream method may go where (a POST/PATCH only to the four mutation paths). */
const UPSTREAM_METHOD: Record<string, RegExp> = {
  GET: /^\/v2(\.1)?\//,
  POST: /^\/v2\/numbers\/\d{11}$|^\/v2\/routes$|^\/v2\.1\/messages$/,
  PATCH: /^\/v2\/numbers\/\d{11}\/relationships\/(primary|failover)_route$/,
};
/** Bodies: valid ones for each mutation, near-valid, random JSON and junk. */
const body = fc.oneof(
  fc.constantFrom(
    '{}',
    '{"data":{"type":"route","id":"1"}}',
    '{"data":{"type":"route","attributes":{"alias":"a","route_type":"host","value":"sip.example.com"}}}',
    '{"from":"12065550100","to":"12065550199","body":"hi"}',
    '{"data":{"type":"message","attributes":{"from":"+12065550100","to":"12065550199","body":"x"}}}',
    '{"__proto__":{"x":1}}',
    '{"constructor":{"prototype":{"x":1}}}',
    '[]',
    'null',
    '{',
    '',
  ),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 40 }),
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json',
  'application/vnd.api+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
);
let runs = 0;
let keyN = 0;
const role = fc.constantFrom('viewer', 'operator', 'admin');

describe('table fuzz', () => {
  it('0 upstream calls outside the allow-list and no proxy-made 5xx over random requests', async () => {
    await fc.assert(
      fc.asyncProperty(anyTarget, method, role, body, contentType, async (url, m, r, payload, ct) => {
        stub.requests.length = 0;
        runs++;
        let res;
        try {
          res = await app.inject({
            method: m as 'GET',
            url,
            headers: { 'x-test-role': r, 'idempotency-key': `fuzz-key-${++keyN}`, 'content-type': ct },
            ...(m === 'POST' || m === 'PATCH' || m === 'PUT' || m === 'DELETE' ? { payload } : {}),
          });
        } catch {
          return; // light-my-request refused to build the request (invalid URL): nothing sent anywhere
        }
        forwarded += stub.requests.length;
        for (const req of stub.requests) {
          expect(
            UPSTREAM_ALLOWED.some((re) => re.test(req.url)),
            `forwarded ${m} ${url} as ${req.url}`,
          ).toBe(true);
          expect(
            UPSTREAM_METHOD[req.method]?.test(req.url),
            `forwarded ${m} ${url} as ${req.method} ${req.url}`,
          ).toBe(true);
        }
        if (res.statusCode >= 500) {
          // Only upstream answers (none here: the stub answers 200) may be 5xx.
          expect(res.statusCode, `${m} ${url}`).toBeLessThan(500);
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 10_000), seed: 20261128 },
    );
    console.log(
      `table fuzz: ${runs} random requests, ${forwarded} forwarded (all inside the table), 0 proxy 5xx`,
    );
    expect(runs).toBeGreaterThanOrEqual(Number(process.env.FUZZ_RUNS ?? 10_000));
    expect(forwarded).toBeGreaterThan(100); // the property was not vacuous
  }, 240_000);
});
