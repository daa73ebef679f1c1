// /messages/:id — one message detail record, refreshing itself until its status is final.
import { Anchor, Paper } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { PageHeader } from '@/components/page-header';
import { ErrorState } from '@/components/states';
import { MDR_ID_RE } from '@/lib/flowroute/messages';
import { MessageDetail } from '../components/message-detail';
import { MessagesNav } from '../components/messages-nav';

export function MessageDetailPage() {
  const { id = '' } = useParams();
  return (
    <>
      <PageHeader
        title="Message"
        documentTitle={`Message ${id.slice(0, 13)}…`}
        description={
          <Anchor component={Link} to="/messages" size="sm">
            ← Back to the log
          </Anchor>
        }
        actions={<MessagesNav />}
      />
      <Paper withBorder p={{ base: 'sm', sm: 'lg' }} radius="md">
        {MDR_ID_RE.test(id) ? (
          <MessageDetail id={id} />
        ) : (
          <ErrorState
            error={new Error(`“${id}” is not a message id (mdr2- followed by 32 hex digits).`)}
            title="Not a message id"
          />
        )}
      </Paper>
    </>
  );
}
