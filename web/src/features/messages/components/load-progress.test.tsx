import { screen } from '@testing-library/react';
import { ApiError } from '@/lib/api';
import type { ProgressiveMessages } from '../model/use-progressive-messages';
import { renderUi } from '../test-utils';
import { LoadProgress } from './load-progress';

const state = (over: Partial<ProgressiveMessages>): ProgressiveMessages => ({
  rows: [],
  snapshot: [],
  pages: 0,
  initialLoading: false,
  loadingMore: false,
  complete: false,
  stopped: false,
  error: null,
  stop: () => {},
  resume: () => {},
  retry: () => {},
  ...over,
});

const outage = new ApiError({
  kind: 'upstream_unavailable',
  status: 503,
  message: 'Flowroute is not answering.',
});

describe('LoadProgress', () => {
  it('shows no progress bar or spinner once the first page has failed (the page shows the error)', () => {
    renderUi(<LoadProgress state={state({ error: outage })} />);
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.queryByTestId('load-status')).toBeNull();
  });

  it('a later page that failed: an error box that continues by itself, no progress bar', () => {
    renderUi(<LoadProgress state={state({ error: outage, pages: 2 })} />);
    expect(screen.getByRole('alert')).toHaveTextContent('Loading stopped after 0 messages');
    expect(screen.getByTestId('auto-retry')).toHaveTextContent(/Trying again in \d+ s/);
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it('says "1 message", not "1 messages"', () => {
    renderUi(<LoadProgress state={state({ rows: [{} as never], pages: 1, complete: true })} />);
    expect(screen.getByTestId('load-status')).toHaveTextContent(
      'The only message in the range is loaded (1 page).',
    );
  });
});
