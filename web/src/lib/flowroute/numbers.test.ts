import { describe, expect, it } from 'vitest';
import { createLimiter, includedRoutes, normalizeListParams, routeOf, type NumberDetail } from './numbers';

describe('createLimiter', () => {
  it('never runs more than `max` tasks at once and runs them all', async () => {
    const run = createLimiter(2);
    let active = 0;
    let peak = 0;
    const task = async (i: number) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
      return i;
    };
    const results = await Promise.all(Array.from({ length: 9 }, (_, i) => run(() => task(i))));
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(peak).toBe(2);
  });

  it('drops a queued task whose signal aborts, without running it', async () => {
    const run = createLimiter(1);
    let release!: () => void;
    const first = run(() => new Promise<void>((r) => (release = r)));
    const controller = new AbortController();
    let ran = false;
    const second = run(async () => {
      ran = true;
    }, controller.signal);
    controller.abort();
    await expect(second).rejects.toBeDefined();
    release();
    await first;
    await run(async () => undefined); // the slot is free again
    expect(ran).toBe(false);
  });
});

describe('numbers helpers', () => {
  it('normalizes list params (empty filters dropped, limit clamped to 200)', () => {
    expect(normalizeListParams({ starts_with: '', contains: '555', limit: 500, offset: -1 })).toEqual({
      contains: '555',
      limit: 200,
      offset: 0,
    });
  });

  it('reads routes from relationships + included', () => {
    const detail = {
      data: {
        id: '12065550100',
        type: 'number',
        links: { self: '' },
        attributes: {
          value: '12065550100',
          alias: null,
          state: 'wa',
          rate_center: 'seattle',
          number_type: 'longcode',
          cnam_lookups_enabled: true,
        },
        relationships: {
          primary_route: { data: { id: '0', type: 'route' } },
          failover_route: { data: { id: '77', type: 'route' } },
          cnam_preset: { data: null },
          e911_address: { data: null },
        },
      },
      included: [
        {
          id: '0',
          type: 'route',
          links: { self: '' },
          attributes: { alias: 'sip-reg', route_type: 'sip-reg', value: null },
        },
      ],
      links: { self: '' },
    } satisfies NumberDetail;
    expect(includedRoutes(detail).size).toBe(1);
    expect(routeOf(detail, 'primary_route').route?.attributes.alias).toBe('sip-reg');
    expect(routeOf(detail, 'failover_route')).toEqual({ id: '77', route: null });
  });
});
