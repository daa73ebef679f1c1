// Route cells on the first frame: no detail query until the table has been on screen one frame (a cold load draws the
// rows sooner), but a detail already in the cache shows at once (no flash of placeholders when coming back).
import { screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { numberQueries, type NumberDetail, type NumberResource } from '@/lib/flowroute/numbers';
import { json, newTestQueryClient, renderUi, stubFetch } from '@/test-utils';
import { NumbersTable } from './numbers-table';

const ID = '12065550100';
const row = {
  id: ID,
  type: 'number',
  links: { self: '' },
  attributes: {
    alias: null,
    rate_center: 'seattle',
    state: 'wa',
    number_type: 'longcode',
    cnam_lookups_enabled: true,
  },
} as unknown as NumberResource;
const detail = {
  data: {
    ...row,
    relationships: {
      primary_route: { data: { id: '42', type: 'route' } },
      failover_route: { data: null },
    },
  },
  included: [
    {
      id: '42',
      type: 'route',
      links: { self: '' },
      attributes: { alias: 'Office SBC', route_type: 'host', value: 'sbc:5060' },
    },
  ],
  links: { self: '' },
} as unknown as NumberDetail;

// jsdom has no layout: give the scroll box a size so the virtualized table renders its rows.
const clientHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
const clientWidth = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientWidth');

let stub: ReturnType<typeof stubFetch>;
beforeEach(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 800 });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1200 });
  stub = stubFetch(() => json(detail));
});
afterEach(() => {
  stub.restore();
  vi.restoreAllMocks();
  if (clientHeight) Object.defineProperty(HTMLElement.prototype, 'clientHeight', clientHeight);
  if (clientWidth) Object.defineProperty(HTMLElement.prototype, 'clientWidth', clientWidth);
});

function table() {
  return (
    <NumbersTable
      rows={[row]}
      sort={null}
      onSort={() => undefined}
      isSelected={() => false}
      onToggle={() => undefined}
      onToggleAll={() => undefined}
      allState="none"
      caption="Numbers"
      height={400}
    />
  );
}

describe('NumbersTable route cells', () => {
  it('ask for no detail before the first frame, then fetch and show the route', async () => {
    const frames: FrameRequestCallback[] = [];
    vi.spyOn(window, 'requestAnimationFrame').mockImplementation((cb) => frames.push(cb));
    renderUi(table());
    await screen.findAllByText('+1 206-555-0100');
    expect(stub.calls).toHaveLength(0);
    expect(screen.queryByText('Office SBC')).toBeNull();
    for (const cb of frames.splice(0)) cb(performance.now());
    expect(await screen.findAllByText('Office SBC')).not.toHaveLength(0);
    await waitFor(() => expect(stub.calls.some((r) => r.url.endsWith(`/api/v2/numbers/${ID}`))).toBe(true));
  });

  it('show a detail already in the cache at once, without waiting for a frame', async () => {
    vi.spyOn(window, 'requestAnimationFrame').mockImplementation(() => 0); // the first frame never comes
    const client = newTestQueryClient();
    client.setQueryData(numberQueries.detail(ID).queryKey, detail);
    renderUi(table(), client);
    expect(await screen.findAllByText('Office SBC')).not.toHaveLength(0);
  });
});
