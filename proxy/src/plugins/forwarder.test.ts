// The forwarder verifies Flowroute's TLS certificate: a self-signed upstream gets nothing, and the browser a 502.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { util } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, CANARY_SECRET } from '../../test/harness';
import { startStub, type Stub } from '../../test/stub-upstream';
import { pickHeaders } from './forwarder';

let dir: string;
let tlsStub: Stub;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'proxy-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  tlsStub = await startStub(undefined, {
    key: readFileSync(path.join(dir, 'key.pem')),
    cert: readFileSync(path.join(dir, 'cert.pem')),
  });
});
afterAll(async () => {
  await tlsStub.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('upstream TLS verification', () => {
  it('refuses a self-signed upstream: 502 upstream_tls, 0 requests received, credentials never sent', async () => {
    const t = await buildTestApp(tlsStub.url);
    try {
      const read = await t.app.inject({ method: 'GET', url: '/api/v2/numbers', headers: as('viewer') });
      expect(read.statusCode).toBe(502);
      expect(read.headers['x-proxy-error']).toBe('upstream_tls');
      const write = await t.app.inject({
        method: 'POST',
        url: '/api/v2/numbers/12065550100',
        headers: { ...as('admin'), 'idempotency-key': 'tls-1' },
        payload: {},
      });
      expect(write.statusCode).toBe(502);
      expect(write.headers['x-proxy-error']).toBe('upstream_tls');
      expect(tlsStub.connections).toBe(0);
      expect(tlsStub.requests).toHaveLength(0);
      expect(t.logs.text).toMatch(/TLS verification of Flowroute failed/);
      expect(t.logs.text).not.toContain(CANARY_SECRET);
    } finally {
      await t.app.close();
    }
  });

  it('the same stub is reachable when the client trusts it (proves the refusal is the certificate check)', async () => {
    const { request } = await import('undici');
    const res = await request(`${tlsStub.url}/v2/numbers`, {
      dispatcher: new (await import('undici')).Agent({
        connect: { ca: readFileSync(path.join(dir, 'cert.pem')) },
      }),
    });
    expect(res.statusCode).toBe(200);
    await res.body.text();
    expect(tlsStub.requests).toHaveLength(1);
  });
});

describe('read bodies passed through as received', () => {
  // The body arrives in several writes (so in several chunks), and the check runs on the bytes, not on a string.
  const chunked =
    (parts: (string | Buffer)[], type = 'application/vnd.api+json'): Parameters<Stub['setHandler']>[0] =>
    async (_req, res) => {
      res.writeHead(200, { 'content-type': type });
      for (const p of parts) {
        res.write(p);
        await new Promise((r) => setTimeout(r, 5));
      }
      res.end();
    };

  it('a large well-formed page arriving in chunks reaches the browser byte for byte; malformed ones are 502 upstream_malformed', async () => {
    const stub = await startStub();
    const t = await buildTestApp(stub.url);
    try {
      const page = JSON.stringify({
        data: Array.from({ length: 400 }, (_, i) => ({
          id: String(12065550100 + i),
          type: 'number',
          attributes: { alias: i % 3 ? null : `Ünïcödé ${i} 😀`, cnam_lookups_enabled: i % 2 === 0 },
        })),
      });
      const bytes = Buffer.from(page, 'utf8');
      // Split inside a multi-byte character too.
      const cut = bytes.indexOf(Buffer.from('😀', 'utf8')) + 2;
      stub.setHandler(chunked([bytes.subarray(0, cut), bytes.subarray(cut, 40_000), bytes.subarray(40_000)]));
      const ok = await t.app.inject({
        method: 'GET',
        url: '/api/v2/numbers?limit=200',
        headers: as('viewer'),
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.rawPayload.equals(bytes)).toBe(true);
      expect(ok.headers['content-type']).toBe('application/vnd.api+json');
      expect(ok.headers['cache-control']).toBe('no-store');

      const malformed: [string, (string | Buffer)[], string?][] = [
        ['cut short', [page.slice(0, 30_000), page.slice(30_000, -1)]],
        ['trailing garbage after a complete document', [page, ' <html>']],
        ['an HTML error page with status 200', ['<html><body>', 'Bad Gateway</body></html>'], 'text/html'],
        ['JSON text under a non-JSON content type', [page], 'text/plain'],
        ['invalid UTF-8 inside a string', [page.slice(0, 100), Buffer.from([0xc3, 0x28]), page.slice(100)]],
        ['empty body', []],
      ];
      for (const [what, parts, type] of malformed) {
        t.app.flowroute.breaker.reset(); // six failures in a row would open the circuit, which is not tested here
        stub.setHandler(chunked(parts, type));
        const res = await t.app.inject({
          method: 'GET',
          url: '/api/v2/numbers?limit=200',
          headers: as('viewer'),
        });
        expect([what, res.statusCode, res.headers['x-proxy-error']]).toEqual([
          what,
          502,
          'upstream_malformed',
        ]);
        expect(res.json()).toMatchObject({ errors: [{ code: 'upstream_malformed' }] });
      }
      expect(t.logs.text).toMatch(/Flowroute sent a body that is not JSON/);
    } finally {
      await t.app.close();
      await stub.close();
    }
  });
});

describe('pickHeaders', () => {
  it('gives what undici.util.parseHeaders gives for the allowed headers', () => {
    const header = fc.constantFrom(
      'content-type',
      'Content-Type',
      'CONTENT-TYPE',
      'retry-after',
      'Retry-After',
      'content-type',
      'retry-afteR',
      'x-retry-after',
      'content-length',
      'server',
      'date',
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(header, fc.string({ maxLength: 20 })), { maxLength: 8 }), (pairs) => {
        const raw = pairs.flatMap(([n, v]) => [Buffer.from(n, 'latin1'), Buffer.from(v, 'latin1')]);
        const all = util.parseHeaders(raw) as Record<string, string | string[] | undefined>;
        const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
        expect(pickHeaders(raw)).toEqual(
          Object.fromEntries(
            (['content-type', 'retry-after'] as const)
              .filter((n) => all[n] !== undefined)
              .map((n) => [n, first(all[n])]),
          ),
        );
      }),
      { seed: 8, numRuns: 3000 },
    );
  });
});
