// Messages section: log (with chart), compose, conversations, message detail. Pages load lazily.
import type { RouteObject } from 'react-router';

export const routes: RouteObject[] = [
  {
    path: '/messages',
    lazy: async () => ({ Component: (await import('./pages/log-page')).LogPage }),
  },
  {
    path: '/messages/compose',
    lazy: async () => ({ Component: (await import('./pages/compose-page')).ComposePage }),
  },
  {
    path: '/messages/conversations',
    lazy: async () => ({ Component: (await import('./pages/conversations-page')).ConversationsPage }),
  },
  {
    path: '/messages/:id',
    lazy: async () => ({ Component: (await import('./pages/detail-page')).MessageDetailPage }),
  },
];
