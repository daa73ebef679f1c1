import { QueryClient } from '@tanstack/react-query';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppProviders } from '@/app/providers';
import { fakeLayout, numberDetail, numberResource, restoreLayout } from '../test-fixtures';
import { NumbersListPage } from './numbers-list-page';

// The bulk bar belongs to another engineer and talks to other endpoints; here we only check what it is given.
const bulkProps = vi.fn();
vi.mock('../components/bulk/bulk-route-bar', () => ({
  BulkRouteBar: (props: unknown) => {
    bulkProps(props);
    return <div data-testid="bulk-bar" />;
  },
}));

const NUMBERS = Array.from({ length: 30 }, (_, i) => String(12065550100 + i));

const requests: URL[] = [];

function respond(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/vnd.api+json' },
  });
}

beforeEach(() => {
  fakeLayout();
  requests.length = 0;
  bulkProps.mockReset();
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: Request) => {
      const url = new URL(input.url);
      requests.push(url);
      // An operator: selection and the bulk bar are only offered to roles that may change routes.
      if (url.pathname === '/auth/me') {
        return respond({ user: { id: '1', username: 'olivia', role: 'operator' } });
      }
      const detailMatch = /^\/api\/v2\/numbers\/(\d{11})$/.exec(url.pathname);
      if (detailMatch) return respond(numberDetail(detailMatch[1]!));
      if (url.pathname === '/api/v2/numbers') {
        const p = url.searchParams;
        const limit = Number(p.get('limit') ?? 10);
        const offset = Number(p.get('offset') ?? 0);
        const matching = NUMBERS.filter(
          (n) =>
            (!p.get('starts_with') || n.startsWith(`1${p.get('starts_with')}`)) &&
            (!p.get('contains') || n.includes(p.get('contains')!)) &&
            (!p.get('ends_with') || n.endsWith(p.get('ends_with')!)),
        );
        const page = matching.slice(offset, offset + limit);
        const links: Record<string, string> = { self: url.toString() };
        if (offset + limit < matching.length) {
          links.next = `https://api.flowroute.com/v2/numbers?limit=${limit}&offset=${offset + limit}`;
        }
        return respond({ data: page.map((n) => numberResource(n, NUMBERS.indexOf(n))), links });
      }
      return respond({ errors: [{ status: 404, detail: 'not here' }] }, 404);
    }),
  );
});

afterEach(() => {
  vi.unstubAllGlobals();
  restoreLayout();
});

function renderList(path = '/numbers') {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const router = createMemoryRouter(
    [
      { path: '/numbers', element: <NumbersListPage /> },
      { path: '/numbers/:number', element: <p>detail page</p> },
    ],
    { initialEntries: [path] },
  );
  render(
    <AppProviders queryClient={client} env="test">
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return { router, client };
}

const listRequests = () => requests.filter((u) => u.pathname === '/api/v2/numbers');

describe('NumbersListPage', { timeout: 30_000 }, () => {
  it('shows a page of formatted numbers with their attributes and routes', async () => {
    renderList('/numbers?limit=10');
    const table = await screen.findByRole('table', { name: 'Account numbers' });
    expect(within(table).getByRole('link', { name: '+1 206-555-0100' })).toHaveAttribute(
      'href',
      '/numbers/12065550100',
    );
    expect(within(table).getByText('Line 0')).toBeInTheDocument();
    expect(within(table).getAllByText('Seattle').length).toBeGreaterThan(0);
    expect(within(table).getAllByText('Local').length).toBeGreaterThan(0);
    // Routes come from each visible row's detail.
    await waitFor(() => expect(within(table).getAllByText('Office SBC').length).toBeGreaterThan(0));
    expect(within(table).getAllByText('None').length).toBeGreaterThan(0);
    expect(listRequests()[0]!.searchParams.get('limit')).toBe('10');
  });

  it('pages with links.next and keeps limit/offset in the URL', async () => {
    const user = userEvent.setup();
    const { router } = renderList('/numbers?limit=25');
    await screen.findByRole('link', { name: '+1 206-555-0100' });
    const next = screen.getAllByRole('button', { name: 'Next' })[0]!;
    await waitFor(() => expect(next).toBeEnabled());
    await user.click(next);
    await screen.findByRole('link', { name: '+1 206-555-0125' });
    expect(router.state.location.search).toContain('offset=25');
    expect(screen.queryByRole('link', { name: '+1 206-555-0100' })).not.toBeInTheDocument();
    // Last page: links.next is gone, so Next is disabled.
    await waitFor(() => expect(screen.getAllByRole('button', { name: 'Next' })[0]).toBeDisabled());
    await user.click(screen.getAllByRole('button', { name: 'Previous' })[0]!);
    await screen.findByRole('link', { name: '+1 206-555-0100' });
  });

  it('sends digits for what people type in the filters', async () => {
    const user = userEvent.setup();
    const { router } = renderList('/numbers');
    await screen.findByRole('link', { name: '+1 206-555-0100' });
    await user.type(screen.getByLabelText('Starts with'), '+1 (206) 555-012');
    await waitFor(() => expect(router.state.location.search).toContain('starts_with=206555012'));
    await waitFor(() =>
      expect(listRequests().some((u) => u.searchParams.get('starts_with') === '206555012')).toBe(true),
    );
    await waitFor(() =>
      expect(screen.queryByRole('link', { name: '+1 206-555-0100' })).not.toBeInTheDocument(),
    );
    expect(screen.getByRole('link', { name: '+1 206-555-0120' })).toBeInTheDocument();

    await user.clear(screen.getByLabelText('Starts with'));
    await user.type(screen.getByLabelText('Ends with'), 'abc');
    expect(await screen.findByText(/Digits only/)).toBeInTheDocument();
  });

  it('shows an empty state when nothing matches', async () => {
    renderList('/numbers?ends_with=9999');
    expect(await screen.findByText('No numbers match')).toBeInTheDocument();
  });

  it('shows the API error inline with a retry', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        respond({ errors: [{ status: 403, title: 'Forbidden', detail: 'Viewers cannot…' }] }, 403),
      ),
    );
    renderList('/numbers');
    expect(await screen.findByRole('alert')).toHaveTextContent('Flowroute refused the request');
  });

  it('selects rows, offers "all matching", and hands the selection to the bulk bar', async () => {
    const user = userEvent.setup();
    const { router } = renderList('/numbers?limit=10&contains=555');
    await screen.findByRole('link', { name: '+1 206-555-0100' });
    await user.click(screen.getByRole('checkbox', { name: 'Select +1 206-555-0101' }));
    await waitFor(() => expect(router.state.location.search).toContain('selected=12065550101'));
    expect(bulkProps).toHaveBeenLastCalledWith(
      expect.objectContaining({
        selection: { mode: 'some', numbers: ['12065550101'] },
        filters: { contains: '555' },
      }),
    );

    await user.click(screen.getByRole('checkbox', { name: 'Select all numbers on this page' }));
    await user.click(
      await screen.findByRole('button', { name: /Select every number matching these filters/ }),
    );
    await waitFor(() => expect(router.state.location.search).toContain('selected=all'));
    expect(bulkProps).toHaveBeenLastCalledWith(
      expect.objectContaining({ selection: { mode: 'all-matching' } }),
    );
    expect(screen.getByText(/Every number matching these filters is selected/)).toBeInTheDocument();

    const { onClear } = bulkProps.mock.lastCall![0] as { onClear: () => void };
    act(() => onClear());
    await waitFor(() => expect(router.state.location.search).not.toContain('selected'));
    // The bar stays mounted (it keeps the last run's revert) and is told nothing is selected.
    await waitFor(() =>
      expect(bulkProps).toHaveBeenLastCalledWith(
        expect.objectContaining({ selection: { mode: 'some', numbers: [] } }),
      ),
    );
  });

  it('sorts the loaded page by a column', async () => {
    const user = userEvent.setup();
    const { router } = renderList('/numbers?limit=10');
    await screen.findByRole('link', { name: '+1 206-555-0100' });
    await user.click(within(screen.getByRole('columnheader', { name: 'Number' })).getByRole('button'));
    await user.click(within(screen.getByRole('columnheader', { name: 'Number' })).getByRole('button'));
    await waitFor(() => expect(router.state.location.search).toContain('dir=desc'));
    const links = within(screen.getByRole('table')).getAllByRole('link');
    expect(links[0]).toHaveTextContent('+1 206-555-0109');
    expect(screen.getByRole('columnheader', { name: 'Number' })).toHaveAttribute('aria-sort', 'descending');
  });
});
