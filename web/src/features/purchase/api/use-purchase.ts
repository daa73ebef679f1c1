// React side of the purchase queue: wires the runner to the real API call and to cache invalidation, so
// bought numbers show up in the account list (and leave the inventory) without a manual reload.
import { notifications } from '@mantine/notifications';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { newIdempotencyKey } from '@/lib/api';
import { formatNanp } from '@/lib/format';
import { numberQueries } from '@/lib/flowroute/numbers';
import {
  availableQueries,
  isOnAccount,
  purchaseNumber,
  requestPurchaseConfirmation,
} from '@/lib/flowroute/purchase';
import { centsToDecimal } from './money';
import {
  resumePurchase,
  retryPurchase,
  startPurchase,
  stopPurchase,
  useRunnerState,
  type RunnerDeps,
} from './purchase-runner';

export function purchaseDeps(queryClient: QueryClient): RunnerDeps {
  return {
    purchase: (number, key, confirmation) => purchaseNumber(number, key, { confirmation }),
    confirm: (item) =>
      requestPurchaseConfirmation(item.number, {
        setup_cost: centsToDecimal(item.setup_cents),
        monthly_cost: centsToDecimal(item.monthly_cents),
      }),
    isOwned: (number) => isOnAccount(number),
    newKey: newIdempotencyKey,
    concurrency: 2,
    onFinished: ({ bought }) => {
      void queryClient.invalidateQueries({ queryKey: numberQueries.all() });
      void queryClient.invalidateQueries({ queryKey: availableQueries.all() });
      if (bought.length > 0) {
        notifications.show({
          color: 'green',
          title: bought.length === 1 ? 'Number bought' : `${bought.length} numbers bought`,
          message:
            bought.length <= 3
              ? bought.map((n) => formatNanp(n)).join(', ')
              : 'They are in your account list now.',
        });
      }
    },
  };
}

export function usePurchase() {
  const queryClient = useQueryClient();
  const runner = useRunnerState();
  const deps = useMemo(() => purchaseDeps(queryClient), [queryClient]);
  return useMemo(
    () => ({
      ...runner,
      start: (numbers: readonly string[]) => startPurchase(numbers, deps),
      retry: (numbers: readonly string[]) => retryPurchase(numbers, deps),
      resume: () => resumePurchase(deps),
      stop: () => stopPurchase(),
    }),
    [runner, deps],
  );
}
