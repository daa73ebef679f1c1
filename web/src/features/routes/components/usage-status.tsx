// The "which numbers use each route" scan: starting it, its progress, and when it was counted.
import { Alert, Button, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, useSyncExternalStore } from 'react';
import { DateTime } from '@/components/date-time';
import { ErrorState } from '@/components/states';
import { numberQueries } from '@/lib/flowroute/numbers';
import { MAX_PAGE, routeQueries } from '@/lib/flowroute/routes';
import { countOf } from '@/lib/format';
import {
  MAX_SCAN,
  routeUsageQuery,
  scanProgressStore,
  type ScanProgress,
  type SlotIds,
} from '../api/route-usage';

export interface RouteUsageView {
  /** Per-number slots (final, or partial while the first scan runs); null = not counted. */
  numbers: Record<string, SlotIds> | null;
  /** The counts cover every number on the account. */
  complete: boolean;
  progress: ScanProgress | null;
  finishedAt: number | null;
  listed: number;
  failed: number;
  /** The account has more than one list page of numbers: the scan waits for a click. */
  large: boolean;
  error: unknown;
  scanning: boolean;
  start: () => void;
  cancel: () => void;
}

export function useRouteUsage(): RouteUsageView {
  const queryClient = useQueryClient();
  const firstPage = useQuery(numberQueries.list({ limit: MAX_PAGE, offset: 0 }));
  const large = Boolean(firstPage.data?.links?.next);
  const [requested, setRequested] = useState(false);
  const usage = useQuery({
    ...routeUsageQuery(queryClient),
    enabled: requested || (firstPage.isSuccess && !large),
  });
  const progress = useSyncExternalStore(
    scanProgressStore.subscribe,
    scanProgressStore.get,
    scanProgressStore.get,
  );
  const data = usage.data;
  return {
    numbers: data?.numbers ?? progress?.numbers ?? null,
    complete: Boolean(data && data.complete && data.failed.length === 0),
    progress,
    finishedAt: data?.finishedAt ?? null,
    listed: data?.listed ?? 0,
    failed: data?.failed.length ?? 0,
    large,
    error: usage.error,
    scanning: usage.isFetching,
    start: () => {
      if (requested || data) void usage.refetch();
      setRequested(true);
    },
    cancel: () => void queryClient.cancelQueries({ queryKey: routeQueries.usageKey() }),
  };
}

export function UsageStatus({ usage }: { usage: RouteUsageView }) {
  const { progress } = usage;
  if (usage.scanning && progress) {
    const percent = progress.listed > 0 ? Math.round((progress.scanned / progress.listed) * 100) : 0;
    return (
      <Paper withBorder p="sm" radius="md">
        <Stack gap={6}>
          <Group justify="space-between" gap="sm">
            <Text size="sm" aria-live="polite">
              Counting which numbers use each route: read {progress.scanned.toLocaleString('en-US')} of{' '}
              {progress.listed.toLocaleString('en-US')}
              {progress.listDone ? '' : '+'}{' '}
              {progress.listed === 1 && progress.listDone ? 'number' : 'numbers'}
              {progress.failed > 0 ? ` (${progress.failed} could not be read)` : ''}
            </Text>
            <Button size="compact-sm" variant="default" onClick={usage.cancel}>
              Cancel
            </Button>
          </Group>
          <Progress value={percent} aria-label="Route usage count progress" animated />
          {progress.pausedUntil !== null ? (
            <Text size="xs" c="dimmed">
              Paused by the proxy&apos;s read limit (nothing is lost); continuing at{' '}
              <DateTime value={progress.pausedUntil} size="xs" />.
            </Text>
          ) : null}
        </Stack>
      </Paper>
    );
  }
  if (usage.error) {
    // No automatic retry: a count reads every number on the account, so it runs again only on request.
    return (
      <ErrorState
        error={usage.error}
        title="Could not count route usage"
        onRetry={usage.start}
        autoRetry={false}
      />
    );
  }
  if (usage.finishedAt !== null) {
    return (
      <Group gap="xs" justify="space-between">
        <Text size="sm" c="dimmed">
          Usage counted from {countOf(usage.listed, 'number')} at{' '}
          <DateTime value={usage.finishedAt} size="sm" />
          {usage.failed > 0
            ? ` · ${countOf(usage.failed, 'number')} could not be read, so counts may be low`
            : ''}
          {usage.listed >= MAX_SCAN ? ` · stopped at ${MAX_SCAN.toLocaleString('en-US')} numbers` : ''}
        </Text>
        <Button size="compact-sm" variant="subtle" onClick={usage.start} loading={usage.scanning}>
          Recount
        </Button>
      </Group>
    );
  }
  if (usage.large) {
    return (
      <Alert variant="light" color="blue" title="Which numbers use each route?">
        <Stack gap="xs">
          <Text size="sm">
            Flowroute can only tell this from each number&apos;s details, one request per number. This account
            has more than {MAX_PAGE} numbers, so the count starts when you ask for it. It shows progress, can
            be cancelled, and pauses by itself at the proxy&apos;s per-minute read limit, so a large account
            takes a while.
          </Text>
          <Group>
            <Button size="xs" onClick={usage.start}>
              Count numbers per route
            </Button>
          </Group>
        </Stack>
      </Alert>
    );
  }
  return null;
}
