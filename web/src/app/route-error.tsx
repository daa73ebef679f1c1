// Route-level error screens: inside the shell for one page, and the root fallback when even the shell fails.
import { Button, Center, Code, Group, Stack, Text, Title } from '@mantine/core';
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

/** A page failed; the header and navigation stay usable. */
export function RouteErrorPage() {
  const { error, notFound, text } = useErrorInfo();
  if (notFound) return <NotFoundPage />;
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
      <Group>
        <Button onClick={() => window.location.reload()} variant="light">
          Reload
        </Button>
        <Button component={Link} to="/numbers" variant="subtle">
          Go to numbers
        </Button>
      </Group>
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
