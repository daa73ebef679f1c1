// Links between the Messages screens; the log's range travels along to the conversations and back.
import { Button, Group } from '@mantine/core';
import { Link, useLocation, useSearchParams } from 'react-router';
import { Can } from '@/lib/auth';

export function MessagesNav() {
  const { pathname } = useLocation();
  const [params] = useSearchParams();
  const keep = new URLSearchParams();
  for (const k of ['range', 'start', 'end']) {
    const v = params.get(k);
    if (v) keep.set(k, v);
  }
  const qs = keep.toString() ? `?${keep.toString()}` : '';
  const item = (to: string, label: string, active: boolean) => (
    <Button
      component={Link}
      to={to}
      variant={active ? 'light' : 'subtle'}
      size="sm"
      aria-current={active ? 'page' : undefined}
    >
      {label}
    </Button>
  );
  return (
    <Group gap={4} component="nav" aria-label="Messages sections">
      {item(`/messages${qs}`, 'Log', pathname === '/messages')}
      {item(`/messages/conversations${qs}`, 'Conversations', pathname.startsWith('/messages/conversations'))}
      <Can role="operator">{item('/messages/compose', 'Compose', pathname === '/messages/compose')}</Can>
    </Group>
  );
}
