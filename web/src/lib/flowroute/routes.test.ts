import { describe, expect, it } from 'vitest';
import { ApiError } from '@/lib/api';
import { changeError, keyForAttempt, nextOffset, routeLabel, type Route } from './routes';

describe('keyForAttempt', () => {
  const make = () => 'fresh';
  const err = (status: number) =>
    changeError(new ApiError({ kind: 'unknown', status, message: `HTTP ${status}` }));

  it('creates a key for a first attempt', () => {
    expect(keyForAttempt({}, make)).toBe('fresh');
  });
  it.each([500, 502, 503, 422, 404, 403])(
    'uses a new key after a %i answer (a reused key would replay it)',
    (status) => {
      expect(keyForAttempt({ key: 'old', error: err(status) }, make)).toBe('fresh');
    },
  );
  it('reuses the key when the outcome is unknown: no answer, or still in flight (409)', () => {
    expect(keyForAttempt({ key: 'old', error: err(0) }, make)).toBe('old');
    expect(keyForAttempt({ key: 'old', error: err(409) }, make)).toBe('old');
  });
  it('treats a dropped connection as unknown outcome', () => {
    expect(changeError(new TypeError('Failed to fetch')).unknownOutcome).toBe(true);
  });
});

describe('helpers', () => {
  it('reads the offset of links.next', () => {
    expect(nextOffset({ next: 'https://api.flowroute.com/v2/routes?limit=2&offset=2' })).toBe(2);
    expect(nextOffset({})).toBeNull();
    expect(nextOffset(undefined)).toBeNull();
  });
  it('labels routes', () => {
    const route = (
      route_type: Route['attributes']['route_type'],
      alias: string | null,
      value: string | null,
    ): Route => ({
      type: 'route',
      id: '5',
      attributes: { route_type, alias, value },
      links: { self: '' },
    });
    expect(routeLabel(route('host', 'PBX', 'pbx.example.com:5060'))).toBe('PBX (pbx.example.com:5060)');
    expect(routeLabel(route('sip-reg', 'sip-reg', null))).toBe('sip-reg (SIP registration, default)');
    expect(routeLabel(route('host', null, 'h.example.com'))).toBe('Route 5 (h.example.com)');
    expect(routeLabel(null, '9')).toBe('Route 9');
    expect(routeLabel(null, null)).toBe('None');
  });
});
