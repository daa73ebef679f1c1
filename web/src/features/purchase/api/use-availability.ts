// Flowroute has no reservations: a number in the cart can be sold to someone else at any time. The cart
// page asks again (one small search per number) so sold numbers and changed prices show before buying.
import { useQueries } from '@tanstack/react-query';
import { useEffect } from 'react';
import { availableQueries } from '@/lib/flowroute/purchase';
import { applyPrices, isBusy, type CartItem, type PriceUpdate } from './cart';
import { updateCart } from './cart-store';
import { toCents } from './money';

export interface Availability {
  /** Numbers Flowroute no longer offers. */
  sold: ReadonlySet<string>;
  checking: boolean;
}

const RECHECK_MS = 15_000;

export function useAvailability(items: readonly CartItem[]): Availability {
  const toCheck = items.filter((item) => !isBusy(item) && item.outcome?.status !== 'bought');
  const result = useQueries({
    queries: toCheck.map((item) => ({
      // starts_with = the whole number without its country code: matches exactly this number.
      ...availableQueries.numbers({ limit: 1, offset: 0, starts_with: item.number.slice(1) }),
      placeholderData: undefined,
      staleTime: RECHECK_MS,
    })),
    combine: (results) => {
      const sold: string[] = [];
      const prices: PriceUpdate[] = [];
      results.forEach((r, i) => {
        const item = toCheck[i];
        if (!item || !r.isSuccess) return;
        const found = r.data.data.find((n) => n.attributes.value === item.number);
        if (!found) sold.push(item.number);
        else {
          prices.push({
            number: item.number,
            setup_cents: toCents(found.attributes.setup_cost),
            monthly_cents: toCents(found.attributes.monthly_cost),
          });
        }
      });
      return { sold, prices, checking: results.some((r) => r.isFetching) };
    },
  });

  const priceKey = JSON.stringify(result.prices);
  useEffect(() => {
    const prices = JSON.parse(priceKey) as PriceUpdate[];
    if (prices.length > 0) updateCart((s) => applyPrices(s, prices));
  }, [priceKey]);

  return { sold: new Set(result.sold), checking: result.checking };
}
