// Configuration from the environment: defaults, demo vs live, secrets file, and messages that say what to fix.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, isLoopbackHost, loadConfig } from './config';

const dir = mkdtempSync(path.join(tmpdir(), 'proxy-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadConfig', () => {
  it('defaults to demo mode on 127.0.0.1:8080 with no upstream until the emulator starts', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      mode: 'demo',
      host: '127.0.0.1',
      port: 8080,
      upstream: null,
      emulatorPort: 0,
      dataDir: '.data',
      staticDir: 'dist',
      sessionIdleMinutes: 15,
      sessionAbsoluteHours: 8,
      trustProxy: [],
      corsOrigins: [],
      logLevel: 'info',
      databaseUrl: null,
      timeouts: { connectMs: 3000, readMs: 10000, mutationMs: 20000 },
    });
  });

  it('tunes V8 heap growth to 300 % by default; GC_HEAP_GROWING_PERCENT=0 leaves V8 alone; nonsense is refused', () => {
    expect(loadConfig({}).gcHeapGrowingPercent).toBe(300);
    expect(loadConfig({ GC_HEAP_GROWING_PERCENT: '0' }).gcHeapGrowingPercent).toBe(0);
    expect(loadConfig({ GC_HEAP_GROWING_PERCENT: ' 150 ' }).gcHeapGrowingPercent).toBe(150);
    expect(() => loadConfig({ GC_HEAP_GROWING_PERCENT: 'lots' })).toThrow(/GC_HEAP_GROWING_PERCENT/);
    expect(() => loadConfig({ GC_HEAP_GROWING_PERCENT: '5000' })).toThrow(/between 0 and 1000/);
    expect(describeConfig(loadConfig({})).gcHeapGrowingPercent).toBe(300);
  });

  it('answers reads in front of Fastify by default; FAST_READS=off turns it off; nonsense is refused', () => {
    expect(loadConfig({}).fastReads).toBe(true);
    expect(loadConfig({ FAST_READS: 'off' }).fastReads).toBe(false);
    expect(loadConfig({ FAST_READS: ' FALSE ' }).fastReads).toBe(false);
    expect(loadConfig({ FAST_READS: 'on' }).fastReads).toBe(true);
    expect(() => loadConfig({ FAST_READS: 'sometimes' })).toThrow(/FAST_READS must be on or off/);
    expect(describeConfig(loadConfig({ FAST_READS: '0' })).fastReads).toBe(false);
  });

  it('is live against api.flowroute.com with both keys', () => {
    const c = loadConfig({ FLOWROUTE_ACCESS_KEY: 'acc', FLOWROUTE_SECRET_KEY: 'sec' });
    expect(c.mode).toBe('live');
    expect(c.upstream).toEqual({ baseUrl: 'https://api.flowroute.com', accessKey: 'acc', secretKey: 'sec' });
  });

  it('reads the secret from FLOWROUTE_SECRET_KEY_FILE, trimmed', () => {
    const file = path.join(dir, 'secret');
    writeFileSync(file, '  s3cr3t-from-file\n');
    const c = loadConfig({ FLOWROUTE_ACCESS_KEY: 'acc', FLOWROUTE_SECRET_KEY_FILE: file });
    expect(c.upstream?.secretKey).toBe('s3cr3t-from-file');
  });

  it('accepts plain http only for loopback base URLs and strips a trailing slash', () => {
    const keys = { FLOWROUTE_ACCESS_KEY: 'a', FLOWROUTE_SECRET_KEY: 's' };
    expect(loadConfig({ ...keys, FLOWROUTE_BASE_URL: 'http://127.0.0.1:9100/' }).upstream?.baseUrl).toBe(
      'http://127.0.0.1:9100',
    );
    expect(loadConfig({ ...keys, FLOWROUTE_BASE_URL: 'http://localhost:9100' }).upstream?.baseUrl).toBe(
      'http://localhost:9100',
    );
    expect(loadConfig({ ...keys, FLOWROUTE_BASE_URL: 'http://[::1]:9100' }).upstream?.baseUrl).toBe(
      'http://[::1]:9100',
    );
    expect(
      loadConfig({ ...keys, FLOWROUTE_BASE_URL: 'https://api.example.com/prefix/' }).upstream?.baseUrl,
    ).toBe('https://api.example.com/prefix');
  });

  it('parses lists and numbers', () => {
    const c = loadConfig({
      PORT: '9201',
      HOST: '0.0.0.0',
      TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1',
      CORS_ORIGINS: 'https://ops.example.com',
      SESSION_IDLE_MINUTES: '30',
      LOG_LEVEL: 'DEBUG',
      EMULATOR_PORT: '9150',
      UPSTREAM_READ_TIMEOUT_MS: '5000',
    });
    expect(c).toMatchObject({
      port: 9201,
      host: '0.0.0.0',
      trustProxy: ['10.0.0.0/8', '127.0.0.1', '::1'],
      corsOrigins: ['https://ops.example.com'],
      sessionIdleMinutes: 30,
      logLevel: 'debug',
      emulatorPort: 9150,
      timeouts: { readMs: 5000 },
    });
  });

  it('R-8 pressure limits for /readyz: 200 ms event-loop delay and 90 % of the V8 heap limit by default, 0 = off', () => {
    expect(loadConfig({}).readyzPressure).toEqual({
      maxEventLoopDelayMs: 200,
      maxHeapUsedBytes: 0,
      maxHeapUsedRatio: 0.9,
      sampleIntervalMs: 1000,
    });
    expect(
      loadConfig({
        READYZ_MAX_EVENT_LOOP_DELAY_MS: '0',
        READYZ_MAX_HEAP_USED_BYTES: ' 1073741824 ',
        READYZ_MAX_HEAP_USED_RATIO: '.75',
        READYZ_PRESSURE_SAMPLE_MS: '250',
      }).readyzPressure,
    ).toEqual({
      maxEventLoopDelayMs: 0,
      maxHeapUsedBytes: 1073741824,
      maxHeapUsedRatio: 0.75,
      sampleIntervalMs: 250,
    });
    expect(loadConfig({ READYZ_MAX_HEAP_USED_RATIO: '0' }).readyzPressure.maxHeapUsedRatio).toBe(0);
    expect(describeConfig(loadConfig({})).readyzPressure).toMatchObject({ maxEventLoopDelayMs: 200 });
  });

  const cases: [string, Record<string, string>, RegExp][] = [
    [
      'only the access key',
      { FLOWROUTE_ACCESS_KEY: 'a' },
      /FLOWROUTE_SECRET_KEY .*is not: set both for live mode, or neither for demo mode/,
    ],
    ['only the secret', { FLOWROUTE_SECRET_KEY: 's' }, /FLOWROUTE_ACCESS_KEY is not: set both/],
    [
      'both secret forms',
      { FLOWROUTE_ACCESS_KEY: 'a', FLOWROUTE_SECRET_KEY: 's', FLOWROUTE_SECRET_KEY_FILE: '/x' },
      /Set only one of FLOWROUTE_SECRET_KEY and FLOWROUTE_SECRET_KEY_FILE/,
    ],
    [
      'a missing secret file',
      { FLOWROUTE_ACCESS_KEY: 'a', FLOWROUTE_SECRET_KEY_FILE: '/no/such/file' },
      /FLOWROUTE_SECRET_KEY_FILE could not be read \(ENOENT\): \/no\/such\/file/,
    ],
    [
      'http to a remote host',
      {
        FLOWROUTE_ACCESS_KEY: 'a',
        FLOWROUTE_SECRET_KEY: 's',
        FLOWROUTE_BASE_URL: 'http://api.flowroute.com',
      },
      /plain http for a non-loopback host .*use https:\/\//,
    ],
    [
      'credentials in the base URL',
      {
        FLOWROUTE_ACCESS_KEY: 'a',
        FLOWROUTE_SECRET_KEY: 's',
        FLOWROUTE_BASE_URL: 'https://u:p@api.flowroute.com',
      },
      /must not contain credentials/,
    ],
    [
      'a base URL without keys',
      { FLOWROUTE_BASE_URL: 'https://api.flowroute.com' },
      /FLOWROUTE_BASE_URL is set but no Flowroute keys are/,
    ],
    [
      'a non-URL base',
      { FLOWROUTE_ACCESS_KEY: 'a', FLOWROUTE_SECRET_KEY: 's', FLOWROUTE_BASE_URL: 'api.flowroute.com' },
      /is not a URL/,
    ],
    [
      'an ftp base',
      { FLOWROUTE_ACCESS_KEY: 'a', FLOWROUTE_SECRET_KEY: 's', FLOWROUTE_BASE_URL: 'ftp://api.flowroute.com' },
      /must start with https:\/\//,
    ],
    [
      'a key with a space',
      { FLOWROUTE_ACCESS_KEY: 'a b', FLOWROUTE_SECRET_KEY: 's' },
      /contains spaces or control characters/,
    ],
    [
      'a colon in the access key',
      { FLOWROUTE_ACCESS_KEY: 'a:b', FLOWROUTE_SECRET_KEY: 's' },
      /must not contain ":"/,
    ],
    ['a bad port', { PORT: 'eighty' }, /PORT must be a whole number between 0 and 65535; got "eighty"/],
    ['a port out of range', { PORT: '70000' }, /PORT must be between 0 and 65535; got 70000/],
    [
      'a bad TRUST_PROXY entry',
      { TRUST_PROXY: '10.0.0.0/33' },
      /TRUST_PROXY entry "10.0.0.0\/33" is not an IP address or CIDR/,
    ],
    ['a hostname in TRUST_PROXY', { TRUST_PROXY: 'lb.internal' }, /TRUST_PROXY entry "lb.internal"/],
    [
      'a CORS origin with a path',
      { CORS_ORIGINS: 'https://ops.example.com/' },
      /CORS_ORIGINS entry "https:\/\/ops.example.com\/" must be an exact origin/,
    ],
    ['a plain-http remote CORS origin', { CORS_ORIGINS: 'http://ops.example.com' }, /CORS_ORIGINS entry/],
    [
      'an unknown log level',
      { LOG_LEVEL: 'verbose' },
      /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "verbose"/,
    ],
    ['a non-postgres DATABASE_URL', { DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres:\/\//],
    [
      'a negative session length',
      { SESSION_IDLE_MINUTES: '-5' },
      /SESSION_IDLE_MINUTES must be a positive number/,
    ],
    ['a bad HOST', { HOST: 'not a host!' }, /HOST must be an IP address or host name/],
    [
      'an event-loop limit with a unit',
      { READYZ_MAX_EVENT_LOOP_DELAY_MS: '200ms' },
      /READYZ_MAX_EVENT_LOOP_DELAY_MS must be a whole number between 0 and 60000; got "200ms"/,
    ],
    [
      'a negative event-loop limit',
      { READYZ_MAX_EVENT_LOOP_DELAY_MS: '-1' },
      /READYZ_MAX_EVENT_LOOP_DELAY_MS must be a whole number/,
    ],
    [
      'a heap ratio in per cent',
      { READYZ_MAX_HEAP_USED_RATIO: '90%' },
      /READYZ_MAX_HEAP_USED_RATIO must be a fraction of the V8 heap limit from 0 \(off\) to below 1, e.g. 0.9 for 90 %; got "90%"/,
    ],
    [
      'a heap ratio of 1',
      { READYZ_MAX_HEAP_USED_RATIO: '1' },
      /READYZ_MAX_HEAP_USED_RATIO must be a fraction/,
    ],
    [
      'a heap ratio over 1',
      { READYZ_MAX_HEAP_USED_RATIO: '1.5' },
      /READYZ_MAX_HEAP_USED_RATIO must be a fraction/,
    ],
    [
      'a heap limit with a unit',
      { READYZ_MAX_HEAP_USED_BYTES: '512MB' },
      /READYZ_MAX_HEAP_USED_BYTES must be a whole number of bytes, e.g. 1073741824 for 1 GiB \(0 = off\); got "512MB"/,
    ],
    [
      'a heap limit in megabytes by mistake',
      { READYZ_MAX_HEAP_USED_BYTES: '512' },
      /READYZ_MAX_HEAP_USED_BYTES is 512 bytes, below the 1 MiB any Node process uses/,
    ],
    [
      'a sample interval too short',
      { READYZ_PRESSURE_SAMPLE_MS: '5' },
      /READYZ_PRESSURE_SAMPLE_MS must be between 20 and 60000; got 5/,
    ],
  ];
  it.each(cases)('refuses %s with a message saying what to fix', (_name, env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never puts a key in the start-up description', () => {
    const c = loadConfig({ FLOWROUTE_ACCESS_KEY: 'acc-canary', FLOWROUTE_SECRET_KEY: 'sec-canary' });
    const text = JSON.stringify(describeConfig(c));
    expect(text).not.toContain('sec-canary');
    expect(text).not.toContain('acc-canary');
    expect(text).toContain('https://api.flowroute.com');
  });
});

describe('isLoopbackHost', () => {
  it.each([
    ['localhost', true],
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['[::1]', true],
    ['app.localhost', true],
    ['0.0.0.0', false],
    ['10.0.0.1', false],
    ['api.flowroute.com', false],
    ['127.0.0.1.nip.io', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});
