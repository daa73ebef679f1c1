// The toast container (with its transitions) is not needed to show a page, so it stays out of the first route's JS
// (docs/performance.md): it loads when the first notification is shown. notifications.show() writes to Mantine's
// store either way, and the container shows what is there when it mounts.
import { useNotifications } from '@mantine/notifications';
import { lazy, Suspense, useState, type ComponentProps } from 'react';

// A local module that re-exports the container: a dynamic import of '@mantine/notifications' itself would pull
// the whole package into the first route (the store above is imported statically from the same index).
const Notifications = lazy(() =>
  import('./notifications-container').then((m) => ({ default: m.Notifications })),
);

export function NotificationsOnDemand(props: ComponentProps<typeof Notifications>) {
  const state = useNotifications();
  const pending = state.notifications.length + state.queue.length > 0;
  // Once mounted it stays mounted (exit transitions, later toasts).
  const [needed, setNeeded] = useState(pending);
  if (pending && !needed) setNeeded(true);
  if (!needed && !pending) return null;
  return (
    <Suspense fallback={null}>
      <Notifications {...props} />
    </Suspense>
  );
}
