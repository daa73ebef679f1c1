// /messages/conversations — the loaded range grouped into conversations; one open with a reply box.
import { Anchor, Grid, Stack } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useCallback, useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { PageHeader } from '@/components/page-header';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { ConversationList } from '../components/conversation-list';
import { ConversationThread } from '../components/conversation-thread';
import { LoadProgress } from '../components/load-progress';
import { MessagesNav } from '../components/messages-nav';
import { RangeBar } from '../components/range-bar';
import { conversationKey, conversationThread, groupConversations } from '../model/conversations';
import { useProgressiveMessages } from '../model/use-progressive-messages';
import { useRangeParam } from '../model/use-range';

const NANP11 = /^1\d{10}$/;

export function ConversationsPage() {
  const [params, setParams] = useSearchParams();
  const { spec, resolved, setSpec } = useRangeParam();
  const progress = useProgressiveMessages(resolved);
  const isSmall = useMediaQuery('(max-width: 62em)');
  const ours = params.get('ours') ?? '';
  const theirs = params.get('theirs') ?? '';
  const open = NANP11.test(ours) && NANP11.test(theirs);

  const conversations = useMemo(() => groupConversations(progress.rows), [progress.rows]);
  const thread = useMemo(
    () => (open ? conversationThread(progress.rows, ours, theirs) : []),
    [open, progress.rows, ours, theirs],
  );
  const select = useCallback(
    (pair: { ours: string; theirs: string } | null) =>
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (pair) {
            next.set('ours', pair.ours);
            next.set('theirs', pair.theirs);
          } else {
            next.delete('ours');
            next.delete('theirs');
          }
          return next;
        },
        { preventScrollReset: true },
      ),
    [setParams],
  );

  const showList = !isSmall || !open;
  const showThread = open;
  const backLink = (
    <Anchor
      component="button"
      type="button"
      size="sm"
      onClick={() => select(null)}
      style={{ alignSelf: 'flex-start' }}
    >
      ← All conversations
    </Anchor>
  );

  return (
    <>
      <PageHeader
        title="Conversations"
        description="Messages grouped by our number and the other party, from the records in the chosen range."
        actions={<MessagesNav />}
      />
      <Stack gap="md">
        <RangeBar spec={spec} resolved={resolved} onChange={setSpec} />
        {progress.initialLoading ? null : <LoadProgress state={progress} />}
        {progress.initialLoading ? (
          <LoadingState label="Loading messages…" rows={6} />
        ) : progress.error && progress.pages === 0 ? (
          <ErrorState error={progress.error} title="Could not load messages" onRetry={progress.retry} />
        ) : (
          <Grid gap="md">
            {showList ? (
              <Grid.Col span={{ base: 12, md: 4 }}>
                {conversations.length === 0 ? (
                  <EmptyState title="No conversations in this range">
                    Try a longer range, or{' '}
                    <Anchor component={Link} to="/messages/compose">
                      send a message
                    </Anchor>
                    .
                  </EmptyState>
                ) : (
                  <ConversationList
                    conversations={conversations}
                    selectedKey={open ? conversationKey(ours, theirs) : null}
                    onSelect={(c) => select(c)}
                    height={isSmall ? 520 : 'calc(100dvh - 330px)'}
                  />
                )}
              </Grid.Col>
            ) : null}
            {showThread ? (
              <Grid.Col span={{ base: 12, md: 8 }}>
                <Stack gap="xs">
                  {isSmall ? backLink : null}
                  <ConversationThread
                    ours={ours}
                    theirs={theirs}
                    rows={thread}
                    height={isSmall ? 420 : 'calc(100dvh - 520px)'}
                  />
                </Stack>
              </Grid.Col>
            ) : !isSmall ? (
              <Grid.Col span={{ base: 12, md: 8 }}>
                <EmptyState title="Choose a conversation">
                  Pick one on the left to read it and reply.
                </EmptyState>
              </Grid.Col>
            ) : null}
          </Grid>
        )}
      </Stack>
    </>
  );
}
