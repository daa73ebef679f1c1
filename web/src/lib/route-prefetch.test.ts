import { describe, expect, it, vi } from 'vitest';
import { prefetchRoute, setPrefetchRoutes } from './route-prefetch';

describe('prefetchRoute', () => {
  it("starts the matching lazy routes' imports once, and only those", async () => {
    const detail = vi.fn(async () => ({}));
    const list = vi.fn(async () => ({}));
    const messages = vi.fn(async () => ({}));
    setPrefetchRoutes([
      {
        path: '/',
        children: [
          { path: 'numbers', lazy: list },
          { path: 'numbers/:number', lazy: detail },
          { path: 'messages', lazy: messages },
        ],
      },
    ]);
    prefetchRoute('/numbers/12065550100?tab=routes');
    prefetchRoute('/numbers/12065550100');
    await Promise.resolve();
    expect(detail).toHaveBeenCalledTimes(1);
    expect(list).not.toHaveBeenCalled();
    expect(messages).not.toHaveBeenCalled();
  });

  it('tries again after a failed import (e.g. offline)', async () => {
    let fail = true;
    const page = vi.fn(async () => {
      if (fail) throw new Error('Failed to fetch dynamically imported module');
      return {};
    });
    setPrefetchRoutes([{ path: '/routes', lazy: page }]);
    prefetchRoute('/routes');
    await vi.waitFor(() => expect(page).toHaveBeenCalledTimes(1));
    await new Promise((r) => setTimeout(r, 0));
    fail = false;
    prefetchRoute('/routes');
    expect(page).toHaveBeenCalledTimes(2);
  });
});
