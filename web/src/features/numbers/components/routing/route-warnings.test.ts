import { describe, expect, it } from 'vitest';
import type { Route } from '@/lib/flowroute/routes';
import { hasBlockingWarning, routingWarnings, type SlotRoute } from './route-warnings';

const NUMBER = '12065550100';

function slot(
  id: string,
  route_type: Route['attributes']['route_type'],
  value: string | null,
  alias = `r${id}`,
): SlotRoute {
  const route: Route = { type: 'route', id, attributes: { route_type, alias, value }, links: { self: '' } };
  return { id, route };
}

const sipReg = slot('0', 'sip-reg', null, 'sip-reg');
const pbx = slot('10', 'host', 'pbx.example.com:5060');
const backup = slot('11', 'host', 'backup.example.com:5060');
const cell = slot('12', 'number', '12065559999');
const ownDid = slot('13', 'number', '12065550111');

const codes = (input: Parameters<typeof routingWarnings>[0]) => routingWarnings(input).map((w) => w.code);

describe('routingWarnings', () => {
  it.each([
    ['healthy pair', pbx, backup, null, []],
    ['failover equals primary', pbx, pbx, null, ['failover_equals_primary']],
    ['no failover', pbx, null, null, ['no_failover']],
    ['primary is the default sip-reg route 0', sipReg, backup, null, ['primary_default']],
    ['default route and no failover', sipReg, null, null, ['no_failover', 'primary_default']],
    ['failover number not on the account', pbx, cell, false, []],
    ['failover number on the account', pbx, ownDid, true, ['failover_own_number']],
    ['failover number still being checked', pbx, ownDid, null, []],
    [
      'different routes, same destination',
      pbx,
      slot('14', 'host', 'PBX.example.com:5060'),
      null,
      ['same_destination'],
    ],
  ] as const)('%s', (_name, primary, failover, owned, expected) => {
    expect(codes({ number: NUMBER, primary, failover, failoverTargetOnAccount: owned })).toEqual(expected);
  });

  it('flags a number route that forwards to the number itself', () => {
    const self = slot('20', 'number', NUMBER);
    expect(codes({ number: NUMBER, primary: pbx, failover: self, failoverTargetOnAccount: true })).toEqual([
      'routes_to_itself',
    ]);
    expect(codes({ number: NUMBER, primary: self, failover: backup, failoverTargetOnAccount: null })).toEqual(
      ['routes_to_itself'],
    );
  });

  it('mentions DNS SRV for a host without a port, including bare IPv6', () => {
    expect(
      codes({
        number: NUMBER,
        primary: slot('30', 'host', 'pbx.example.com'),
        failover: backup,
        failoverTargetOnAccount: null,
      }),
    ).toEqual(['host_without_port']);
    expect(
      codes({
        number: NUMBER,
        primary: slot('31', 'host', '2001:db8::1'),
        failover: backup,
        failoverTargetOnAccount: null,
      }),
    ).toEqual(['host_without_port']);
    expect(
      codes({
        number: NUMBER,
        primary: slot('32', 'host', '[2001:db8::1]:5060'),
        failover: backup,
        failoverTargetOnAccount: null,
      }),
    ).toEqual([]);
  });

  it('orders errors before warnings and marks only errors as blocking', () => {
    const warnings = routingWarnings({
      number: NUMBER,
      primary: sipReg,
      failover: ownDid,
      failoverTargetOnAccount: true,
    });
    expect(warnings.map((w) => w.severity)).toEqual(['error', 'warning']);
    expect(hasBlockingWarning(warnings)).toBe(true);
    expect(
      hasBlockingWarning(
        routingWarnings({ number: NUMBER, primary: sipReg, failover: null, failoverTargetOnAccount: null }),
      ),
    ).toBe(false);
  });

  it('works with route ids whose route object is unknown', () => {
    expect(
      codes({
        number: NUMBER,
        primary: { id: '7', route: null },
        failover: { id: '7', route: null },
        failoverTargetOnAccount: null,
      }),
    ).toEqual(['failover_equals_primary']);
  });
});
