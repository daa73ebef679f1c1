// Changes whose outcome is unknown (GET /admin/outcomes, proxy/src/routes/outcomes.ts): still being checked against
// Flowroute, or flagged for an operator because nobody could tell within the proxy's deadline.
import { queryOptions } from '@tanstack/react-query';
import { z } from 'zod';
import { getJson } from '@/lib/api';

const nullableString = z
  .string()
  .nullish()
  .transform((v) => v ?? null);

export const unsettledSchema = z.object({
  id: z.string(),
  state: z.enum(['checking', 'flagged', 'applied', 'not_applied']),
  operation: z.string(),
  target: nullableString,
  actor: nullableString,
  idempotencyKey: nullableString,
  detail: nullableString,
  since: z.string(),
  settledAt: nullableString,
  source: z.enum(['proxy', 'audit']).optional(),
});
export type Unsettled = z.infer<typeof unsettledSchema>;

const listSchema = z.object({ items: z.array(unsettledSchema) });

export const outcomeQueries = {
  all: () => ['system', 'outcomes'] as const,
  unsettled: () =>
    queryOptions({
      queryKey: [...outcomeQueries.all(), 'unsettled'] as const,
      queryFn: async ({ signal }) => listSchema.parse(await getJson('/admin/outcomes', { signal })).items,
      // Checks finish within a minute: keep the list current while the page is open.
      refetchInterval: 10_000,
    }),
};

const OPERATION_LABELS: Record<string, string> = {
  purchaseNumber: 'Buy number',
  sendMessage: 'Send message',
  createRoute: 'Create route',
  updatePrimaryRoute: 'Set primary route',
  updateFailoverRoute: 'Set failover route',
};

export function operationLabel(operation: string): string {
  return OPERATION_LABELS[operation] ?? operation;
}
