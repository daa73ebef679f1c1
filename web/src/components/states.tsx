// Loading, empty and error states used by every screen, so they look and read the same everywhere.
import { Alert, Button, Center, Group, Loader, Skeleton, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { isApiError, toApiError } from '@/lib/api';

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

/** A network failure as the browser reports it (not a TypeError thrown by a crash in our own code). */
const NETWORK_FAILURE = /failed to fetch|networkerror|load failed|network request failed|timed? ?out/i;

/** Errors where trying the same read again later can help (not 4xx answers about the request itself). */
const PERMANENT_UPSTREAM = new Set([
  'upstream_auth',
  'upstream_too_large',
  'upstream_malformed',
  'upstream_tls',
]);

function isTransient(original: unknown, error: ReturnType<typeof toApiError>): boolean {
  if (!isApiError(original) && !(original instanceof Error && NETWORK_FAILURE.test(original.message))) {
    return false;
  }
  // Flowroute answers that another try cannot fix (bad API keys, a page too large, a malformed body, a TLS
  // failure): shown with the manual button only, never retried every few seconds.
  if (error.proxyError !== null && PERMANENT_UPSTREAM.has(error.proxyError)) return false;
  switch (error.kind) {
    case 'network':
    case 'upstream_unavailable':
    case 'rate_limited':
      return true;
    case 'unknown':
      // A 5xx from the server; not a crash in our own code (status 0), which another try cannot fix.
      return error.status >= 500;
    default:
      return false;
  }
}

/** "… Try again in 26 s." in a proxy message: the wait it names (the countdown replaces the frozen text). */
const TRY_AGAIN_IN = /\s*Try again in (\d+) ?s(?:econds?)?\.?/i;

/** Seconds before the next automatic retry: what the server asked for, else 5, 10, 20, then every 30 s. */
export function autoRetryDelay(attempt: number, serverHint: number | null): number {
  if (serverHint !== null && serverHint > 0) return Math.min(Math.max(serverHint, 2), 300);
  return [5, 10, 20][attempt] ?? 30;
}

/**
 * Shows an error inline, says whose error it is (our proxy, Flowroute, the network), offers a retry. A read
 * that failed for a passing reason (no connection, Flowroute unavailable, rate limit) is retried by itself
 * after a visible countdown, so the screen recovers without a reload once Flowroute is back.
 */
export function ErrorState({
  error,
  title,
  onRetry,
  autoRetry = true,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
  /** Retry transient errors by itself (needs `onRetry`). */
  autoRetry?: boolean;
}) {
  const apiError = toApiError(error);
  const heading = title ?? errorTitle(apiError.kind);
  const hint = TRY_AGAIN_IN.exec(apiError.message);
  const message = hint ? apiError.message.replace(TRY_AGAIN_IN, '').trim() : apiError.message;
  const serverWait = hint ? Number(hint[1]) : apiError.retryAfterSeconds;
  const canRetry = Boolean(onRetry) && apiError.kind !== 'forbidden' && apiError.kind !== 'not_found';
  const auto = canRetry && autoRetry && isTransient(error, apiError);

  // Each new failure (a new error object) starts a new countdown; the wait grows with every attempt.
  const [prevError, setPrevError] = useState(error);
  const [generation, setGeneration] = useState(0);
  const [attempt, setAttempt] = useState(0);
  const [retrying, setRetrying] = useState(false);
  if (prevError !== error) {
    setPrevError(error);
    setGeneration((g) => g + 1);
    setRetrying(false);
  }
  const retry = () => {
    if (!onRetry) return;
    setRetrying(true);
    setAttempt((a) => a + 1);
    onRetry();
  };

  return (
    <Alert
      color={apiError.kind === 'not_found' ? 'gray' : 'red'}
      title={heading}
      role="alert"
      variant="light"
    >
      <Stack gap="xs">
        <Text size="sm">{message}</Text>
        {auto && retrying ? (
          <Text size="sm" data-testid="auto-retry">
            Trying again…
            {/* A retry whose answer never comes back as a new error (cancelled): count down again. */}
            <RetryWatchdog onTimeout={() => setRetrying(false)} />
          </Text>
        ) : auto ? (
          <RetryCountdown key={generation} seconds={autoRetryDelay(attempt, serverWait)} onDone={retry} />
        ) : apiError.kind === 'rate_limited' && serverWait !== null ? (
          <Text size="sm">Wait {serverWait} s before trying again.</Text>
        ) : null}
        {apiError.status ? (
          <Text size="xs" c="dimmed">
            HTTP {apiError.status}
            {apiError.proxyError ? ` · proxy: ${apiError.proxyError}` : ''}
            {apiError.errorId ? ` · Flowroute error id ${apiError.errorId}` : ''}
          </Text>
        ) : null}
        {canRetry ? (
          <Group>
            <Button size="xs" variant="light" color="red" loading={retrying} onClick={retry}>
              Try again
            </Button>
          </Group>
        ) : null}
      </Stack>
    </Alert>
  );
}

/** "Trying again in 12 s." counting down every second; calls `onDone` once at zero. */
function RetryCountdown({ seconds, onDone }: { seconds: number; onDone: () => void }) {
  const [deadline] = useState(() => Date.now() + seconds * 1000);
  const [left, setLeft] = useState(seconds);
  const done = useRef(onDone);
  useEffect(() => {
    done.current = onDone;
  });
  useEffect(() => {
    const timer = window.setInterval(() => {
      const remaining = Math.ceil((deadline - Date.now()) / 1000);
      if (remaining > 0) {
        setLeft(remaining);
        return;
      }
      window.clearInterval(timer);
      done.current();
    }, 1000);
    return () => window.clearInterval(timer);
  }, [deadline]);
  return (
    // Not re-announced every second: the alert around it was announced once.
    <Text size="sm" data-testid="auto-retry" aria-live="off">
      Trying again in {left} s.
    </Text>
  );
}

function RetryWatchdog({ onTimeout }: { onTimeout: () => void }) {
  const fire = useRef(onTimeout);
  useEffect(() => {
    fire.current = onTimeout;
  });
  useEffect(() => {
    const timer = window.setTimeout(() => fire.current(), 30_000);
    return () => window.clearTimeout(timer);
  }, []);
  return null;
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
