// Test fixtures shared by the numbers feature's tests: Flowroute number resources and details, and a layout for
// jsdom (which has none) so that the virtualized table renders its rows.
import type { NumberDetail, NumberResource } from '@/lib/flowroute/numbers';

/** A Seattle long code; every third one has an alias, every other one CNAM lookups. */
export function numberResource(id: string, i = 0): NumberResource {
  return {
    id,
    type: 'number',
    links: { self: `https://api.flowroute.com/v2/numbers/${id}` },
    attributes: {
      value: id,
      alias: i % 3 === 0 ? `Line ${i}` : null,
      state: 'wa',
      rate_center: 'seattle',
      number_type: 'longcode',
      cnam_lookups_enabled: i % 2 === 0,
    },
  } as unknown as NumberResource;
}

/** The number's detail: primary route 42 "Office SBC", no failover. */
export function numberDetail(id: string): NumberDetail {
  return {
    data: {
      ...numberResource(id, 0),
      relationships: {
        primary_route: { data: { id: '42', type: 'route' } },
        failover_route: { data: null },
        cnam_preset: { data: null },
        e911_address: { data: null },
      },
    },
    included: [
      {
        id: '42',
        type: 'route',
        links: { self: '' },
        attributes: { alias: 'Office SBC', route_type: 'host', value: 'sbc.example.com:5060' },
      },
    ],
    links: { self: '' },
  } as unknown as NumberDetail;
}

const clientHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
const clientWidth = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientWidth');

/** Gives every element an 800 × 1200 box (call in beforeEach; undo with `restoreLayout` in afterEach). */
export function fakeLayout(): void {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 800 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1200 });
}

export function restoreLayout(): void {
  if (clientHeight) Object.defineProperty(HTMLElement.prototype, 'clientHeight', clientHeight);
  if (clientWidth) Object.defineProperty(HTMLElement.prototype, 'clientWidth', clientWidth);
}
