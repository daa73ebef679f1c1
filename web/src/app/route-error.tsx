// Route-level error screens: inside the shell for one page, and the root fallback when even the shell fails.
// A page whose code cannot be downloaded (offline, or its hashed file is gone after a redeploy) gets its own
// screen with Reload, and after a redeploy one automatic reload (guarded so it can never loop).
import { Alert, Button, Center, Code, Group, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { isRouteErrorResponse, Link, useRouteError } from 'react-router';
import { ErrorState } from '@/components/states';
import { isApiError } from '@/lib/api';

function useErrorInfo() {
  const error = useRouteError();
  if (isRouteErrorResponse(error)) {
    return { error, notFound: error.status === 404, text: `${error.status} ${error.statusText}` };
  }
  return { error, notFound: isApiError(error) && error.kind === 'not_found', text: null };
}

/** Messages browsers give when a lazily imported module (a route chunk) or its CSS cannot be loaded. */
const CHUNK_ERROR =
  /Failed to fetch dynamically imported module|error loading dynamically imported module|Importing a module script failed|Unable to preload CSS|Loading (CSS )?chunk \S+ failed/i;

export function isChunkLoadError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'ChunkLoadError' || CHUNK_ERROR.test(error.message);
}

const RELOAD_KEY = 'flowroute.chunk-reload-at';
/** A second chunk failure within this time after an automatic reload is not a redeploy: stop and ask. */
const RELOAD_GUARD_MS = 60_000;

/** True when no automatic reload happened recently in this tab (the guard against reload loops). */
export function mayAutoReload(now = Date.now()): boolean {
  try {
    const last = Number(sessionStorage.getItem(RELOAD_KEY));
    return !(Number.isFinite(last) && last > 0 && now - last < RELOAD_GUARD_MS);
  } catch {
    return false; // without the guard a reload could loop
  }
}

/** Reloads once, remembering when, so that a chunk still missing afterwards stops here and asks the user. */
export function reloadForNewVersion(now = Date.now()): void {
  try {
    sessionStorage.setItem(RELOAD_KEY, String(now));
  } catch {
    return;
  }
  window.location.reload();
}

function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    };
  }, []);
  return online;
}

/** Reload, and a way back to the landing page: what every error screen inside the shell offers. */
function RecoveryActions({
  reloadVariant,
  reloading = false,
}: {
  reloadVariant: 'filled' | 'light';
  reloading?: boolean;
}) {
  return (
    <Group>
      <Button onClick={() => window.location.reload()} variant={reloadVariant} loading={reloading}>
        Reload
      </Button>
      <Button component={Link} to="/numbers" variant="subtle">
        Go to numbers
      </Button>
    </Group>
  );
}

/** The page's code could not be downloaded: say why in plain words and offer Reload. */
export function ChunkErrorPage() {
  const online = useOnline();
  // Online, the file is most likely gone after a redeploy: the new index.html names the new files, so
  // reload once. Offline a reload would only fail: wait for the connection instead.
  const [reloading] = useState(() => navigator.onLine && mayAutoReload());
  useEffect(() => {
    if (reloading) reloadForNewVersion();
  }, [reloading]);
  const [wasOffline] = useState(() => !navigator.onLine);
  useEffect(() => {
    if (online && wasOffline && mayAutoReload()) reloadForNewVersion();
  }, [online, wasOffline]);
  return (
    <Stack gap="md" maw={720}>
      <Title order={1} size="h2">
        {online ? 'This page could not be loaded' : 'You are offline'}
      </Title>
      <Alert color={online ? 'blue' : 'yellow'} variant="light" role="alert">
        {reloading
          ? 'A new version of the dashboard is available. Reloading…'
          : online
            ? 'Part of the dashboard could not be downloaded, most likely because a new version was deployed. Reload the page to get it.'
            : 'This page’s code could not be downloaded because there is no connection. Reconnect, then reload.'}
      </Alert>
      <RecoveryActions reloadVariant="filled" reloading={reloading} />
    </Stack>
  );
}

/** A page failed; the header and navigation stay usable. */
export function RouteErrorPage() {
  const { error, notFound, text } = useErrorInfo();
  if (notFound) return <NotFoundPage />;
  if (isChunkLoadError(error)) return <ChunkErrorPage />;
  return (
    <Stack gap="md" maw={720}>
      <Title order={1} size="h2">
        This page could not be shown
      </Title>
      {isApiError(error) ? (
        <ErrorState error={error} />
      ) : (
        <Text c="dimmed">
          {text ?? (error instanceof Error ? error.message : 'An unexpected error happened.')}
        </Text>
      )}
      <RecoveryActions reloadVariant="light" />
    </Stack>
  );
}

export function NotFoundPage() {
  return (
    <Stack gap="sm" maw={560}>
      <Title order={1} size="h2">
        Page not found
      </Title>
      <Text c="dimmed">
        There is nothing at this address. Check the link, or start from the numbers list.
      </Text>
      <Group>
        <Button component={Link} to="/numbers" variant="light">
          Go to numbers
        </Button>
      </Group>
    </Stack>
  );
}

/** Last resort: the shell itself failed to render. */
export function RootErrorPage() {
  const { error, text } = useErrorInfo();
  const detail = text ?? (error instanceof Error ? error.message : String(error));
  if (isChunkLoadError(error)) {
    return (
      <Center mih="100vh" p="md">
        <ChunkErrorPage />
      </Center>
    );
  }
  return (
    <Center mih="100vh" p="md">
      <Stack gap="md" maw={560} align="flex-start">
        <Title order={1} size="h2">
          The dashboard hit an error
        </Title>
        <Text>
          Reload the page. If it happens again, tell whoever runs this dashboard what you were doing.
        </Text>
        <Code block>{detail}</Code>
        <Button onClick={() => window.location.assign('/numbers')}>Reload</Button>
      </Stack>
    </Center>
  );
}
