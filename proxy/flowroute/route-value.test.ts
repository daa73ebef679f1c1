import { describe, expect, it } from 'vitest';
import { validateNewRoute, validateRouteValue } from './route-value';

describe('validateRouteValue', () => {
  const valid: [string, string | null][] = [
    ['host', 'sip.example.com'],
    ['host', 'sip.example.com:5060'],
    ['host', 'il775u.sonsofodin.com'],
    ['host', 'a-b.c-d.example.org:65535'],
    ['host', '203.0.113.10'],
    ['host', '203.0.113.10:5080'],
    ['host', '2001:db8::1'],
    ['host', '[2001:db8::1]:5060'],
    ['host', '[::ffff:192.0.2.1]:5060'],
    ['host', 'sip.example.com;weight=500'],
    ['uri', 'sip:alice@atlanta.com'],
    ['uri', 'sips:alice@atlanta.com:5061'],
    ['uri', 'sip:+12065550100@pbx.example.com;transport=tcp'],
    ['uri', 'sip:bob@[2001:db8::2]:5060'],
    ['uri', 'sip:ops.desk@10.0.0.5'],
    ['number', '12065550100'],
    ['sip-reg', null],
    ['sip-reg', ''],
  ];
  it.each(valid)('%s %j is valid', (type, value) => {
    expect(validateRouteValue(type, value)).toBeNull();
  });

  const invalid: [string, string | null, RegExp][] = [
    ['host', '', /Enter a host/],
    ['host', 'sip.example.com.', /trailing dot/],
    ['host', 'sip .example.com', /spaces/],
    [' host'.trim(), ' sip.example.com', /spaces/],
    ['host', 'localhost', /full host name/],
    ['host', 'sip..example.com', /empty parts/],
    ['host', '-sip.example.com', /letters, digits/],
    ['host', 'sip_example.com', /letters, digits/],
    ['host', 'sip.example.com:0', /port/],
    ['host', 'sip.example.com:70000', /port/],
    ['host', 'sip.example.com:', /port/],
    ['host', ':5060', /before the port/],
    ['host', '256.1.1.1', /IPv4/],
    ['host', '10.0.0', /IPv4/],
    ['host', '2001:db8::1:5060:zz', /IPv6/],
    ['host', '2001:db8:::1', /IPv6/],
    ['host', '[2001:db8::1]5060', /\[2001:db8::1\]:5060/],
    ['host', '[2001:db8::1]:99999', /port/],
    ['host', 'sip.example.com;weight=2000', /weight/],
    ['uri', 'alice@atlanta.com', /starts with sip:/],
    ['uri', 'http://atlanta.com', /starts with sip:/],
    ['uri', 'sip:', /user part is missing/],
    ['uri', 'sip:alice@', /host after @ is missing/],
    ['uri', 'sip:@atlanta.com', /user part is missing/],
    ['uri', 'sip:atlanta.com', /user part is missing/],
    ['uri', 'sip:alice@atlanta.com;transport=sctp', /transport/],
    ['uri', 'sip:alice@atlanta.com:99999', /port/],
    ['uri', 'sip:al ice@atlanta.com', /spaces/],
    ['number', '2065550100', /11-digit/],
    ['number', '+12065550100', /11-digit/],
    ['number', '1206555010', /11-digit/],
    ['number', '', /Enter the number/],
    ['sip-reg', 'anything', /no value/],
    ['pstn', 'x', /route type/],
  ];
  it.each(invalid)('%s %j is refused', (type, value, message) => {
    expect(validateRouteValue(type, value)).toMatch(message);
  });
});

describe('validateNewRoute', () => {
  it('accepts a JSON:API body', () => {
    const r = validateNewRoute({
      data: {
        type: 'route',
        attributes: { alias: 'PBX', route_type: 'host', value: 'pbx.example.com:5060' },
      },
    });
    expect(r).toEqual({
      ok: true,
      route: { alias: 'PBX', route_type: 'host', value: 'pbx.example.com:5060' },
    });
  });
  it('points at each bad field', () => {
    const r = validateNewRoute({
      data: { type: 'route', attributes: { alias: ' ', route_type: 'uri', value: 'sip:' } },
    });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.map((e) => e.pointer)).toEqual(['/data/attributes/alias', '/data/attributes/value']);
    }
  });
  it('refuses unknown types and shapes', () => {
    expect(
      validateNewRoute({
        data: { type: 'route', attributes: { alias: 'x', route_type: 'pstn', value: '1' } },
      }).ok,
    ).toBe(false);
    expect(validateNewRoute({ alias: 'x' }).ok).toBe(false);
    expect(validateNewRoute(null).ok).toBe(false);
    expect(
      validateNewRoute({ data: { type: 'number', attributes: { alias: 'x', route_type: 'sip-reg' } } }).ok,
    ).toBe(false);
  });
});
