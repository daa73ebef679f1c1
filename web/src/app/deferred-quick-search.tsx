// The quick search (Mantine Spotlight) is not needed to show a page, so its code stays out of the first route's JS
// (docs/performance.md) and loads on the first sign the person may want it: any key press (so Ctrl/Cmd+K and "/"
// still open it on the first try) or any pointer press, which includes the header's search button: its
// spotlight.open() sets Mantine's shared store, and the Spotlight opens as soon as it has mounted.
import { spotlight } from '@mantine/spotlight';
import { lazy, Suspense, useEffect, useState } from 'react';

/** Set once the module has arrived: from then on the Spotlight's own hotkeys handle Ctrl/Cmd+K and "/". */
let loaded = false;
const QuickSearch = lazy(() =>
  import('./quick-search').then((m) => {
    loaded = true;
    return { default: m.QuickSearch };
  }),
);

function isShortcut(e: KeyboardEvent): boolean {
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') return true;
  const target = e.target as HTMLElement | null;
  const typing = target?.closest('input, textarea, select, [contenteditable="true"]');
  return e.key === '/' && !typing;
}

export function DeferredQuickSearch() {
  const [wanted, setWanted] = useState(false);
  useEffect(() => {
    // Listens until the module has loaded (a modifier alone arrives first: Ctrl, then K while still loading).
    const onKey = (e: KeyboardEvent) => {
      if (loaded) return;
      setWanted(true);
      if (isShortcut(e)) {
        e.preventDefault();
        spotlight.open();
      }
    };
    const onPointer = () => setWanted(true);
    window.addEventListener('keydown', onKey, true);
    window.addEventListener('pointerdown', onPointer, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      window.removeEventListener('pointerdown', onPointer, true);
    };
  }, []);
  if (!wanted) return null;
  return (
    <Suspense fallback={null}>
      <QuickSearch />
    </Suspense>
  );
}
