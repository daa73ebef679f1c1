// Progress of loading a range page by page: how much is loaded, a stop button, and continue/retry.
import { Button, Group, Loader, Progress, Text } from '@mantine/core';
import { ErrorState } from '@/components/states';
import { countOf } from '@/lib/format';
import type { ProgressiveMessages } from '../model/use-progressive-messages';

export function LoadProgress({ state }: { state: ProgressiveMessages }) {
  const count = countOf(state.rows.length, 'message');
  const pages = countOf(state.pages, 'page');
  // Nothing loaded and the load failed: the page shows the error (and its retry) instead of a progress bar.
  if (state.error && state.pages === 0) return null;
  if (state.error && state.pages > 0) {
    // The same error box as every failed read: it continues loading by itself after a countdown.
    return <ErrorState error={state.error} title={`Loading stopped after ${count}`} onRetry={state.retry} />;
  }
  if (state.complete) {
    return (
      <Text size="sm" c="dimmed" data-testid="load-status" aria-live="polite">
        {state.rows.length === 1 ? 'The only message' : `All ${count}`} in the range{' '}
        {state.rows.length === 1 ? 'is' : 'are'} loaded ({pages}).
      </Text>
    );
  }
  if (state.stopped) {
    return (
      <Group gap="sm" data-testid="load-status" aria-live="polite">
        <Text size="sm">Stopped after {count}; filters, chart and export cover these only.</Text>
        <Button size="xs" variant="light" onClick={state.resume}>
          Continue loading
        </Button>
      </Group>
    );
  }
  return (
    <Group gap="sm" wrap="nowrap" data-testid="load-status" aria-live="polite">
      <Loader size="xs" />
      <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
        Loading… {count} ({pages})
      </Text>
      <Progress
        value={100}
        animated
        striped
        size="sm"
        style={{ flex: 1, minWidth: 60 }}
        aria-label="Loading messages"
      />
      <Button size="xs" variant="default" onClick={state.stop}>
        Stop
      </Button>
    </Group>
  );
}
