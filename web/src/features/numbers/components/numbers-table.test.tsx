// Route cells on the first frame: no detail query until the table has been on screen one frame (a cold load draws the
// rows sooner), but a detail already in the cache shows at once (no flash of placeholders when coming back).
import { screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { numberQueries } from '@/lib/flowroute/numbers';
import { json, newTestQueryClient, renderUi, stubFetch } from '@/test-utils';
import { fakeLayout, numberDetail, numberResource, restoreLayout } from '../test-fixtures';
import { NumbersTable } from './numbers-table';

const ID = '12065550100';
const row = numberResource(ID);
const detail = numberDetail(ID);

let stub: ReturnType<typeof stubFetch>;
beforeEach(() => {
  fakeLayout();
  stub = stubFetch(() => json(detail));
});
afterEach(() => {
  stub.restore();
  vi.restoreAllMocks();
  restoreLayout();
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
