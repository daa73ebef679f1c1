// Tells the user when the browser is offline (navigator.onLine), so failures are not a mystery.
import { Alert } from '@mantine/core';
import { useSyncExternalStore } from 'react';

function subscribe(callback: () => void) {
  window.addEventListener('online', callback);
  window.addEventListener('offline', callback);
  return () => {
    window.removeEventListener('online', callback);
    window.removeEventListener('offline', callback);
  };
}

export function useOnline(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => navigator.onLine,
    () => true,
  );
}

export function OfflineBanner() {
  const online = useOnline();
  if (online) return null;
  return (
    <Alert color="yellow" variant="filled" radius={0} role="status" title="You are offline" mb="md">
      Changes cannot be sent until the connection is back. What you see may be out of date.
    </Alert>
  );
}
