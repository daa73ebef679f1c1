// The forwarder verifies Flowroute's TLS certificate: a self-signed upstream gets nothing, and the browser a 502.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, buildTestApp, CANARY_SECRET } from '../../test/harness';
import { startStub, type Stub } from '../../test/stub-upstream';

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
