// The MDR log on phones: the same virtualized log as messages-table.tsx, as two-line cards
// (direction, other party, status / time, text).
import { memo } from 'react';
import { MessagesLog, type MessagesLogProps } from './messages-table';

export const MessagesList = memo(function MessagesList(props: MessagesLogProps) {
  return <MessagesLog layout="cards" {...props} />;
});
