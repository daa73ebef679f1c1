// Compose: send one SMS or MMS from one of the account's numbers (operators and admins).
import { Alert, Grid, List, Paper, Stack, Text, Title } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { PageHeader } from '@/components/page-header';
import { Can } from '@/lib/auth';
import { parseNanp } from '@/lib/format';
import { ComposeForm } from '../components/compose-form';
import { MessagesNav } from '../components/messages-nav';

export function ComposePage() {
  const [params] = useSearchParams();
  const from = params.get('from') ?? '';
  const toParam = params.get('to') ?? '';
  const to = parseNanp(toParam);
  return (
    <>
      <PageHeader
        title="Compose message"
        description="Send an SMS or MMS through Flowroute."
        actions={<MessagesNav />}
      />
      <Can
        role="operator"
        fallback={
          <Alert color="gray" title="Read-only access">
            Your role can read messages but not send them. Sending needs the operator role.
          </Alert>
        }
      >
        <Grid gap="lg">
          <Grid.Col span={{ base: 12, md: 8 }}>
            <Paper withBorder p="md" radius="md">
              <ComposeForm
                scope="compose"
                initial={{ from: /^1\d{10}$/.test(from) ? from : '', to: to.ok ? to.digits : toParam }}
              />
            </Paper>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 4 }}>
            <Paper withBorder p="md" radius="md" bg="var(--mantine-color-default-hover)">
              <Stack gap="xs">
                <Title order={2} size="h5">
                  Flowroute&apos;s rules
                </Title>
                <List size="sm" spacing={4}>
                  <List.Item>
                    Plain ASCII: 160 characters in one segment, 140 per segment beyond that.
                  </List.Item>
                  <List.Item>
                    Any other character (emoji, accents, smart quotes) makes the whole message UCS-2: 70 per
                    segment.
                  </List.Item>
                  <List.Item>Each segment is billed as one SMS.</List.Item>
                  <List.Item>5 SMS per second and 1 MMS per second per account.</List.Item>
                  <List.Item>
                    MMS: 750 kB in total including text; media must be public https links.
                  </List.Item>
                  <List.Item>You can only send from a number on this account.</List.Item>
                </List>
                <Text size="xs" c="dimmed">
                  The standard GSM rule (153 / 67 per segment) is shown for comparison; Flowroute documents
                  its own.
                </Text>
              </Stack>
            </Paper>
          </Grid.Col>
        </Grid>
      </Can>
    </>
  );
}
