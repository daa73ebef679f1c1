// Loading, empty and error states used by every screen, so they look and read the same everywhere.
import { Alert, Button, Center, Group, Loader, Skeleton, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { toApiError } from '@/lib/api';

export function LoadingState({ label = 'Loading…', rows }: { label?: string; rows?: number }) {
  if (rows) {
    return (
      <Stack gap="xs" aria-busy="true" aria-label={label}>
        {Array.from({ length: rows }, (_, i) => (
          <Skeleton key={i} height={28} radius="sm" />
        ))}
      </Stack>
    );
  }
  return (
    <Center py="xl" aria-busy="true">
      <Group gap="sm">
        <Loader size="sm" />
        <Text c="dimmed" size="sm">
          {label}
        </Text>
      </Group>
    </Center>
  );
}

export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <Stack align="center" gap="xs" py="xl" ta="center">
      <Text fw={600}>{title}</Text>
      {children ? (
        <Text c="dimmed" size="sm" maw={480}>
          {children}
        </Text>
      ) : null}
      {action}
    </Stack>
  );
}

/** Shows an error inline, says whose error it is (our proxy, Flowroute, the network), offers a retry. */
export function ErrorState({
  error,
  title,
  onRetry,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
}) {
  const apiError = toApiError(error);
  const heading = title ?? errorTitle(apiError.kind);
  return (
    <Alert
      color={apiError.kind === 'not_found' ? 'gray' : 'red'}
      title={heading}
      role="alert"
      variant="light"
    >
      <Stack gap="xs">
        <Text size="sm">{apiError.message}</Text>
        {apiError.kind === 'rate_limited' &&
        apiError.retryAfterSeconds !== null &&
        !/try again in/i.test(apiError.message) ? (
          <Text size="sm">Try again in {apiError.retryAfterSeconds} s.</Text>
        ) : null}
        {apiError.status ? (
          <Text size="xs" c="dimmed">
            HTTP {apiError.status}
            {apiError.proxyError ? ` · proxy: ${apiError.proxyError}` : ''}
            {apiError.errorId ? ` · Flowroute error id ${apiError.errorId}` : ''}
          </Text>
        ) : null}
        {onRetry && apiError.kind !== 'forbidden' && apiError.kind !== 'not_found' ? (
          <Group>
            <Button size="xs" variant="light" color="red" onClick={onRetry}>
              Try again
            </Button>
          </Group>
        ) : null}
      </Stack>
    </Alert>
  );
}

function errorTitle(kind: ReturnType<typeof toApiError>['kind']): string {
  switch (kind) {
    case 'network':
      return 'No connection';
    case 'forbidden':
      return 'Not allowed for your role';
    case 'not_found':
      return 'Not found';
    case 'rate_limited':
      return 'Slow down';
    case 'upstream_unavailable':
      return 'Flowroute is unavailable';
    case 'upstream_rejected':
      return 'Flowroute refused the request';
    case 'validation':
      return 'Check the values';
    case 'unauthenticated':
      return 'Signed out';
    default:
      return 'Something went wrong';
  }
}
