// /login: the only screen reachable signed out. Returns to ?next= (same-app paths only) after sign-in.
import { Box, Center, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { useDocumentTitle } from '@/components/page-header';
import { safeNextPath } from '@/lib/auth';
import { authQueries } from '../api/auth-queries';
import { DemoNotice } from '../components/demo-notice';
import { SignInForm } from '../components/sign-in-form';

export function SignInPage() {
  useDocumentTitle('Sign in');
  const [searchParams] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNextPath(searchParams.get('next'));
  const me = useQuery(authQueries.me());
  // The notice is a courtesy: if /auth/config fails the form still works.
  const config = useQuery({ ...authQueries.config(), meta: { silent: true } });

  if (me.data) return <Navigate to={next} replace />;

  return (
    <Box component="main" mih="100dvh" px="md" py="xl" bg="var(--mantine-color-body)">
      <Center mih="calc(100dvh - 2 * var(--mantine-spacing-xl))">
        <Stack w="100%" maw={400} gap="lg">
          <Stack gap={4} ta="center">
            <Title order={1} size="h2">
              Flowroute ops
            </Title>
            <Text c="dimmed" size="sm">
              Sign in with your staff account
            </Text>
          </Stack>
          {config.data?.mode === 'demo' ? <DemoNotice demoUser={config.data.demoUser ?? 'demo'} /> : null}
          <Paper withBorder shadow="sm" radius="md" p="lg">
            {me.isPending ? (
              <Center py="md" aria-busy="true">
                <Loader size="sm" aria-label="Checking your session" />
              </Center>
            ) : (
              <SignInForm onSignedIn={() => navigate(next, { replace: true })} />
            )}
          </Paper>
        </Stack>
      </Center>
    </Box>
  );
}
