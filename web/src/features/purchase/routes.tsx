// Routes of the buy feature: one layout (sub-navigation + cart) around the inventory and cart pages,
// each page loaded lazily.
import type { RouteObject } from 'react-router';

export const routes: RouteObject[] = [
  {
    path: '/buy',
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
