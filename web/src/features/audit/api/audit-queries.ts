// The audit log (admin only): query factory for records, one record with its outcomes, chain verification,
// and the CSV export address. Shapes follow proxy/src/routes/admin.ts.
import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { z } from 'zod';
import { API_ORIGIN, getJson } from '@/lib/api';

const nullableString = z
  .string()
  .nullish()
  .transform((v) => v ?? null);
const nullableNumber = z
  .number()
  .nullish()
  .transform((v) => v ?? null);

export const auditRecordSchema = z.object({
  seq: z.number(),
  id: z.string(),
  ts: z.string(),
  kind: z.enum(['intent', 'outcome', 'event']),
  refId: nullableString,
  actorId: nullableString,
  actor: nullableString,
  role: nullableString,
  sourceIp: nullableString,
  userAgent: nullableString,
  sessionHash: nullableString,
  action: z.string(),
  target: nullableString,
  summary: z
    .record(z.string(), z.unknown())
    .nullish()
    .transform((v) => v ?? {}),
  idempotencyKey: nullableString,
  status: nullableNumber,
  flowrouteId: nullableString,
  durationMs: nullableNumber,
  result: nullableString,
  detail: nullableString,
  instanceId: nullableString,
  prevHash: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  hash: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;

export const auditEntrySchema = auditRecordSchema.extend({
  outcome: auditRecordSchema.nullish().transform((v) => v ?? null),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

const listSchema = z.object({
  items: z.array(auditEntrySchema),
  nextOffset: z
    .number()
    .nullish()
    .transform((v) => v ?? null),
});
export type AuditPage = z.infer<typeof listSchema>;

const detailSchema = z.object({ record: auditRecordSchema, outcomes: z.array(auditRecordSchema) });
export type AuditDetail = z.infer<typeof detailSchema>;

const verifySchema = z.object({
  ok: z.boolean(),
  checked: z.number(),
  firstBroken: z
    .object({
      seq: z.number(),
      id: z.string(),
      reason: z.enum(['hash_mismatch', 'chain_break']).or(z.string()),
    })
    .nullish(),
});
export type VerifyResult = z.infer<typeof verifySchema>;

/** Filters as the proxy takes them (from/to are ISO date-times, `to` exclusive). */
export interface AuditFilters {
  who?: string;
  what?: string;
  from?: string;
  to?: string;
  number?: string;
  ip?: string;
  result?: string;
}

export interface AuditListParams extends AuditFilters {
  limit: number;
  offset: number;
}

function cleanFilters(filters: AuditFilters): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(filters)) if (value) out[key] = value;
  return out;
}

export const auditQueries = {
  all: () => ['admin', 'audit'] as const,
  lists: () => [...auditQueries.all(), 'list'] as const,
  list: (params: AuditListParams) =>
    queryOptions({
      queryKey: [...auditQueries.lists(), params] as const,
      queryFn: async ({ signal }) =>
        listSchema.parse(
          await getJson<unknown>('/admin/audit/records', {
            signal,
            searchParams: { ...cleanFilters(params), limit: params.limit, offset: params.offset },
          }),
        ),
      placeholderData: keepPreviousData,
      // The log grows while people work; fresh on every visit, no background polling.
      staleTime: 0,
    }),
  detail: (id: string) =>
    queryOptions({
      queryKey: [...auditQueries.all(), 'detail', id] as const,
      queryFn: async ({ signal }) =>
        detailSchema.parse(
          await getJson<unknown>(`/admin/audit/records/${encodeURIComponent(id)}`, { signal }),
        ),
    }),
  /** Run on demand (button), never cached: each press re-reads the whole chain. */
  verify: () =>
    queryOptions({
      queryKey: [...auditQueries.all(), 'verify'] as const,
      queryFn: async ({ signal }) =>
        verifySchema.parse(await getJson<unknown>('/admin/audit/verify', { signal })),
      enabled: false,
      staleTime: 0,
      gcTime: 0,
      retry: false,
    }),
};

/** Address of the CSV export of everything matching the filters (a plain GET: the browser downloads it). */
export function auditCsvUrl(filters: AuditFilters): string {
  const query = new URLSearchParams(cleanFilters(filters)).toString();
  return `${API_ORIGIN}/admin/audit/export.csv${query ? `?${query}` : ''}`;
}
