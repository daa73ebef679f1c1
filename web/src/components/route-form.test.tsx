import { MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RouteForm, routeValueError, routeValueFor } from './route-form';

const original = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = original;
});

function json(body: unknown, status = 200, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/vnd.api+json', ...headers },
  });
}

/** Answers requests in order; records method, url, Idempotency-Key and body. */
function stub(...answers: Array<(req: Request) => Response | Promise<Response>>) {
  const calls: Array<{ method: string; url: string; key: string | null; body: unknown }> = [];
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(input, init);
    const text = await req.clone().text();
    calls.push({
      method: req.method,
      url: req.url,
      key: req.headers.get('idempotency-key'),
      body: text ? JSON.parse(text) : null,
    });
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)];
    if (!answer) throw new Error('no answer');
    return answer(req);
  }) as typeof fetch;
  return calls;
}

function renderForm(onCreated = vi.fn()) {
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  render(
    <MantineProvider env="test">
      <QueryClientProvider client={client}>
        <RouteForm onCreated={onCreated} />
      </QueryClientProvider>
    </MantineProvider>,
  );
  return { onCreated, user: userEvent.setup() };
}

const created = (id: string) =>
  json(
    {
      data: {
        type: 'route',
        id,
        attributes: { alias: 'PBX', route_type: 'host', value: 'pbx.example.com:5060' },
        links: { self: '' },
      },
    },
    201,
  );

describe('route value helpers', () => {
  it('normalises numbers as people type them and validates with the contract rules', () => {
    expect(routeValueFor('number', '(206) 555-0100')).toBe('12065550100');
    expect(routeValueError('number', '(206) 555-0100')).toBeNull();
    expect(routeValueError('number', '555-0100')).toMatch(/Too short/);
    expect(routeValueError('host', 'pbx.example.com.')).toBe('Remove the trailing dot.');
    expect(routeValueError('host', '[2001:db8::1]:5060')).toBeNull();
    expect(routeValueError('uri', 'sip:@pbx.example.com')).toMatch(/user part/);
    expect(routeValueError('uri', 'sips:alice@pbx.example.com;transport=tls')).toBeNull();
  });
});

describe('RouteForm', () => {
  it('validates as the user types and sends nothing while invalid', async () => {
    const calls = stub(() => created('1'));
    const { user } = renderForm();
    await user.type(screen.getByRole('textbox', { name: 'Host address' }), 'pbx..example.com');
    expect(screen.getByText('A host name cannot contain empty parts (..).')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Create route' }));
    expect(await screen.findByText('Give the route a name (alias).')).toBeInTheDocument();
    expect(calls).toHaveLength(0);
  });

  it('posts a JSON:API body with an Idempotency-Key and reports the created route', async () => {
    const calls = stub(() => created('98400'));
    const { user, onCreated } = renderForm();
    await user.click(screen.getByRole('radio', { name: 'Phone number' }));
    await user.type(screen.getByRole('textbox', { name: 'Alias' }), 'Cell');
    await user.type(screen.getByRole('textbox', { name: 'Forward to number' }), '(206) 555-0100');
    expect(screen.getByText('Sent to Flowroute as 12065550100')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Create route' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalledWith(expect.objectContaining({ id: '98400' })));
    expect(calls[0]).toMatchObject({
      method: 'POST',
      body: {
        data: { type: 'route', attributes: { route_type: 'number', alias: 'Cell', value: '12065550100' } },
      },
    });
    expect(calls[0]?.url).toMatch(/\/api\/v2\/routes$/);
    expect(calls[0]?.key).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("shows the proxy's field error on the field it points at", async () => {
    stub(() =>
      json(
        {
          errors: [
            {
              status: 400,
              code: 'invalid_route',
              detail: 'Flowroute says no such host.',
              source: { pointer: '/data/attributes/value' },
            },
          ],
        },
        400,
        { 'x-proxy-error': 'invalid_route' },
      ),
    );
    const { user } = renderForm();
    await user.type(screen.getByRole('textbox', { name: 'Alias' }), 'PBX');
    await user.type(screen.getByRole('textbox', { name: 'Host address' }), 'pbx.example.com');
    await user.click(screen.getByRole('button', { name: 'Create route' }));
    const input = screen.getByRole('textbox', { name: 'Host address' });
    await waitFor(() =>
      expect(input).toHaveAccessibleDescription(expect.stringContaining('Flowroute says no such host.')),
    );
  });

  it('reuses the key when no answer came back, and uses a new one after an error answer', async () => {
    const calls = stub(
      () => Promise.reject(new TypeError('Failed to fetch')),
      () => json({ errors: [{ status: 500, title: 'Server Error', detail: 'boom' }] }, 500),
      () => created('7'),
    );
    const { user, onCreated } = renderForm();
    await user.type(screen.getByRole('textbox', { name: 'Alias' }), 'PBX');
    await user.type(screen.getByRole('textbox', { name: 'Host address' }), 'pbx.example.com:5060');
    const submit = screen.getByRole('button', { name: 'Create route' });
    await user.click(submit);
    await screen.findByText('The route was not created');
    await user.click(submit);
    await waitFor(() => expect(calls).toHaveLength(2));
    await screen.findByText(/boom/);
    await user.click(submit);
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(calls[1]?.key).toBe(calls[0]?.key); // network failure: outcome unknown → same key (replay)
    expect(calls[2]?.key).not.toBe(calls[1]?.key); // a 500 was stored for that key → fresh key
  });

  it('after "outcome unknown" finds the route that was created anyway instead of sending it again', async () => {
    const calls = stub(
      () =>
        json({ errors: [{ status: 502, code: 'outcome_unknown', detail: 'no answer came back' }] }, 502, {
          'x-proxy-error': 'outcome_unknown',
        }),
      () =>
        json({
          data: [
            {
              type: 'route',
              id: '55',
              attributes: { alias: 'PBX', route_type: 'host', value: 'pbx.example.com:5060' },
              links: { self: '' },
            },
          ],
          links: { self: '' },
        }),
    );
    const { user, onCreated } = renderForm();
    await user.type(screen.getByRole('textbox', { name: 'Alias' }), 'PBX');
    await user.type(screen.getByRole('textbox', { name: 'Host address' }), 'pbx.example.com:5060');
    await user.click(screen.getByRole('button', { name: 'Create route' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalledWith(expect.objectContaining({ id: '55' })));
    expect(calls.map((c) => c.method)).toEqual(['POST', 'GET']);
  });
});
