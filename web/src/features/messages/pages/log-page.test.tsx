// The messages log's text filters: typing applies at once and reaches the URL after a pause; the URL stays the truth.
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { json, renderRoutes, stubFetch } from '@/test-utils';
import { mdr } from '../model/fixtures.test-util';
import { LogPage, URL_WRITE_DELAY_MS } from './log-page';

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();
const records = [
  mdr({ body: 'hello there', timestamp: hoursAgo(1) }),
  mdr({ body: 'hello again', timestamp: hoursAgo(2) }),
  mdr({ body: 'invoice due', timestamp: hoursAgo(3), to: '13125550111' }),
];

let restore = () => {};
afterEach(() => restore());

function renderLog(path = '/messages?range=7d&chart=0') {
  const stub = stubFetch((request) => {
    if (new URL(request.url).pathname === '/api/v2.1/messages') return json({ data: records, links: {} });
    return json({ errors: [{ status: '404' }] }, { status: 404 });
  });
  restore = stub.restore;
  return renderRoutes([{ path: '/messages', element: <LogPage /> }], path);
}

const count = () => screen.getByTestId('filter-count');

/** The log with its three messages loaded, and a user to type. */
async function renderLoaded(path?: string, loaded = '3 messages loaded') {
  const view = renderLog(path);
  await waitFor(() => expect(count()).toHaveTextContent(loaded));
  return { ...view, user: userEvent.setup() };
}

/** Waits (up to 3 s: past the pause) until the URL holds `part`. */
const urlWillContain = (router: { state: { location: { search: string } } }, part: string) =>
  waitFor(() => expect(router.state.location.search).toContain(part), { timeout: 3_000 });

describe('LogPage text filters', () => {
  it('filters as you type and writes the search text to the URL only once typing pauses', async () => {
    const { router, user } = await renderLoaded();
    const typedAt = Date.now();
    await user.type(screen.getByLabelText('Search'), 'hello');
    await waitFor(() => expect(count()).toHaveTextContent('2 of 3 loaded messages match'));
    // Only if typing and filtering took less than the pause can the URL be checked before the write.
    if (Date.now() - typedAt < URL_WRITE_DELAY_MS - 100)
      expect(router.state.location.search).not.toContain('q=');
    await urlWillContain(router, 'q=hello');
    // Nothing changes on screen when the text reaches the URL.
    expect(count()).toHaveTextContent('2 of 3 loaded messages match');
    expect(screen.getByLabelText('Search')).toHaveValue('hello');
  });

  it('typing on after the text reached the URL keeps every key', async () => {
    const { router, user } = await renderLoaded();
    await user.type(screen.getByLabelText('Search'), 'hel');
    await urlWillContain(router, 'q=hel');
    await user.type(screen.getByLabelText('Search'), 'lo t');
    expect(screen.getByLabelText('Search')).toHaveValue('hello t');
    await waitFor(() => expect(count()).toHaveTextContent('1 of 3 loaded messages matches'));
    await urlWillContain(router, 'q=hello+t');
    expect(screen.getByLabelText('Search')).toHaveValue('hello t');
  });

  it('another filter changing while the text waits keeps both (the write adds only the text)', async () => {
    const { router, user } = await renderLoaded();
    await user.type(screen.getByLabelText('Search'), 'hello');
    // E.g. a select whose change lands just before or after this key; the text is not written yet.
    await router.navigate('/messages?range=7d&chart=0&dir=outbound', { replace: true });
    expect(screen.getByLabelText('Search')).toHaveValue('hello');
    await urlWillContain(router, 'q=hello');
    expect(router.state.location.search).toContain('dir=outbound');
    expect(count()).toHaveTextContent('2 of 3 loaded messages match');
  });

  it('a change of the URL from elsewhere wins over text still waiting to be written', async () => {
    const { router, user } = await renderLoaded(
      '/messages?range=7d&chart=0&q=invoice',
      '1 of 3 loaded messages matches',
    );
    await user.clear(screen.getByLabelText('Search'));
    await user.type(screen.getByLabelText('Search'), 'hel');
    await waitFor(() => expect(count()).toHaveTextContent('2 of 3 loaded messages match'));
    // E.g. Back, or a link to other filters, before the pause is over.
    await router.navigate('/messages?range=7d&chart=0&q=again', { replace: true });
    await waitFor(() => expect(screen.getByLabelText('Search')).toHaveValue('again'));
    expect(count()).toHaveTextContent('1 of 3 loaded messages matches');
    // The pending write was dropped: it does not come back and undo the navigation.
    await new Promise((resolve) => setTimeout(resolve, URL_WRITE_DELAY_MS + 200));
    expect(router.state.location.search).toContain('q=again');
    expect(screen.getByLabelText('Search')).toHaveValue('again');
  });

  it('Clear filters empties the typed text and the URL at once', async () => {
    const { router, user } = await renderLoaded();
    await user.type(screen.getByLabelText('Their number'), '3125550111');
    await waitFor(() => expect(count()).toHaveTextContent('1 of 3 loaded messages matches'));
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(count()).toHaveTextContent('3 messages loaded'));
    expect(screen.getByLabelText('Their number')).toHaveValue('');
    await new Promise((resolve) => setTimeout(resolve, URL_WRITE_DELAY_MS + 200));
    expect(router.state.location.search).not.toContain('theirs=');
  });
});
