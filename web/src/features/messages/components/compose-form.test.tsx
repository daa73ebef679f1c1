import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { json, renderUi, stubFetch } from '../test-utils';
import { ComposeForm } from './compose-form';

const ID = 'mdr2-39cadeace66e11e7aff806cd7f24ba2d';

function renderReply() {
  return renderUi(
    <ComposeForm scope="test" variant="reply" initial={{ from: '12065550199', to: '13125550122' }} />,
  );
}

const sends = (calls: Request[]) =>
  calls.filter((r) => r.method === 'POST' && r.url.endsWith('/api/v2.1/messages'));

beforeAll(() => {
  // jsdom has no document.fonts; Mantine's autosize Textarea listens to it.
  if (!('fonts' in document)) {
    Object.defineProperty(document, 'fonts', {
      configurable: true,
      value: { addEventListener: () => {}, removeEventListener: () => {} },
    });
  }
});

beforeEach(() => sessionStorage.clear());

describe('ComposeForm', { timeout: 20_000 }, () => {
  it('sends once on a double click, with an Idempotency-Key, and shows the mdr2 id', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const stub = stubFetch(async (req) => {
      if (req.method === 'POST') {
        await gate;
        return json(
          { data: { type: 'message', id: ID, links: { self: `https://x/v2.1/messages/${ID}` } } },
          { status: 202 },
        );
      }
      return json({}, { status: 404 });
    });
    try {
      renderReply();
      const user = userEvent.setup();
      await user.type(screen.getByRole('textbox'), 'Hello there');
      const button = screen.getByTestId('send-button');
      await user.dblClick(button);
      release();
      expect(await screen.findByTestId('sent-id')).toHaveTextContent(ID);
      const posts = sends(stub.calls);
      expect(posts).toHaveLength(1);
      expect(posts[0]?.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{36}$/);
      expect(posts[0]?.headers.get('X-CSRF')).toBe('1');
      expect(await posts[0]?.json()).toEqual({
        data: {
          type: 'message',
          attributes: { to: '13125550122', from: '12065550199', body: 'Hello there' },
        },
      });
      // The reply box is cleared for the next message.
      expect(screen.getByRole('textbox')).toHaveValue('');
    } finally {
      stub.restore();
    }
  });

  it('does not send the same message again on a second click after a successful send', async () => {
    const stub = stubFetch((req) =>
      req.method === 'POST'
        ? json(
            { data: { type: 'message', id: ID, links: { self: `https://x/v2.1/messages/${ID}` } } },
            { status: 202 },
          )
        : json({ data: [], links: { next: null } }),
    );
    try {
      renderUi(
        <ComposeForm
          scope="test-full"
          initial={{ from: '12065550199', to: '(312) 555-0122', body: 'Maintenance at 22:00 UTC' }}
        />,
      );
      const user = userEvent.setup();
      await user.click(screen.getByTestId('send-button'));
      expect(await screen.findByTestId('sent-id')).toHaveTextContent(ID);
      // Same form, second click: nothing goes out, and the button says why.
      const button = screen.getByTestId('send-button');
      expect(button).toBeDisabled();
      expect(button).toHaveTextContent('Sent ✓');
      await user.click(button);
      expect(sends(stub.calls)).toHaveLength(1);
      // A new recipient is a new message: Send is back, and it goes out once more.
      const to = screen.getByRole('textbox', { name: /^To/ });
      await user.clear(to);
      await user.type(to, '(312) 555-0133');
      expect(screen.getByTestId('send-button')).toBeEnabled();
      await user.click(screen.getByTestId('send-button'));
      await waitFor(() => expect(sends(stub.calls)).toHaveLength(2));
      // Sending the very same message again is possible, but only on purpose.
      await waitFor(() => expect(screen.getByTestId('send-button')).toBeDisabled());
      await user.click(screen.getByRole('button', { name: 'send this same message again' }));
      expect(screen.getByTestId('send-button')).toBeEnabled();
    } finally {
      stub.restore();
    }
  });

  it('explains a delivery receipt URL without https:// once typed, and unfolds it when Send is blocked', async () => {
    const stub = stubFetch(() => json({ data: [], links: { next: null } }));
    try {
      renderUi(
        <ComposeForm
          scope="test-dlr"
          initial={{
            from: '12065550199',
            to: '(312) 555-0122',
            body: 'Hi',
            dlrCallback: 'hooks.example.com/dlr',
          }}
        />,
      );
      const user = userEvent.setup();
      await user.click(screen.getByTestId('send-button'));
      const field = await screen.findByRole('textbox', { name: /Delivery receipt callback URL/ });
      expect(field).toBeVisible();
      expect(field).toHaveAccessibleDescription(
        expect.stringContaining('The delivery receipt URL must be a full address starting with https://'),
      );
      expect(sends(stub.calls)).toHaveLength(0);
    } finally {
      stub.restore();
    }
  });

  it('shows Flowroute’s rate limit with the wait time instead of a generic error', async () => {
    const stub = stubFetch(() =>
      json(
        { errors: [{ status: 429, title: 'Too Many Requests', detail: 'Too many requests.' }] },
        { status: 429, headers: { 'Retry-After': '3' } },
      ),
    );
    try {
      renderReply();
      const user = userEvent.setup();
      await user.type(screen.getByRole('textbox'), 'Hi');
      await user.click(screen.getByTestId('send-button'));
      const alert = await screen.findByTestId('rate-limit-alert');
      expect(alert).toHaveTextContent('Flowroute allows 5 SMS per second — try again in 3 s');
      expect(screen.getByTestId('send-button')).toBeDisabled();
    } finally {
      stub.restore();
    }
  });

  it('reuses the key when the outcome is unknown, and takes a new one after a definite refusal', async () => {
    let answer: Response = json({ errors: [{ status: 502, title: 'Bad Gateway' }] }, { status: 502 });
    const stub = stubFetch(() => answer.clone());
    try {
      renderReply();
      const user = userEvent.setup();
      await user.type(screen.getByRole('textbox'), 'Hi');
      await user.click(screen.getByTestId('send-button'));
      await screen.findByRole('alert');
      await waitFor(() => expect(screen.getByTestId('send-button')).toBeEnabled());
      answer = json(
        { errors: [{ status: 422, title: 'Unprocessable', detail: 'Bad number' }] },
        { status: 422 },
      );
      await user.click(screen.getByTestId('send-button'));
      await screen.findByText('Bad number');
      await user.click(screen.getByTestId('send-button'));
      await waitFor(() => expect(sends(stub.calls)).toHaveLength(3));
      const keys = sends(stub.calls).map((r) => r.headers.get('Idempotency-Key'));
      expect(keys[1]).toBe(keys[0]);
      expect(keys[2]).not.toBe(keys[1]);
    } finally {
      stub.restore();
    }
  });
});
