// Routes of the buy feature: one layout (sub-navigation + cart) around the inventory and cart pages,
// each page loaded lazily.
import type { RouteObject } from 'react-router';
import { authQueries } from '@/lib/auth';
import { queryClient } from '@/lib/query-client';

/** The cart is per user: pick the signed-in user's cart before any buy screen renders. */
async function bindCart() {
  // Imported here, not at the top: this file is part of the entry, the cart's code only of the buy screens.
  const [user, { bindCartToUser }] = await Promise.all([
    queryClient.ensureQueryData(authQueries.me()),
    import('./api/cart-store'),
  ]);
  bindCartToUser(user ? String(user.id) : null);
  return null;
}

export const routes: RouteObject[] = [
  {
    path: '/buy',
    loader: bindCart,
    // The user does not change while signed in; no need to re-run on every /buy navigation.
    shouldRevalidate: () => false,
    lazy: async () => ({ Component: (await import('./pages/buy-layout')).BuyLayout }),
    children: [
      {
        index: true,
        lazy: async () => ({ Component: (await import('./pages/areacodes-page')).AreacodesPage }),
      },
      {
        path: 'areacodes/:areacode',
        lazy: async () => ({ Component: (await import('./pages/exchanges-page')).ExchangesPage }),
      },
      {
        path: 'search',
        lazy: async () => ({ Component: (await import('./pages/search-page')).SearchPage }),
      },
      {
        path: 'cart',
        lazy: async () => ({ Component: (await import('./pages/cart-page')).CartPage }),
      },
    ],
  },
];
