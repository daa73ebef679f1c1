// Is a phone number one of this account's Flowroute numbers? (Flowroute forbids a failover to one.)
import { useQuery } from '@tanstack/react-query';
import { numberQueries } from '@/lib/flowroute/numbers';

/**
 * true/false once known, null while unknown. Asks the account list filtered by the number (always a
 * 200, unlike probing the number's detail, which would log a 404 in the console for foreign numbers).
 */
export function useOnAccount(target: string | null): boolean | null {
  const digits = target?.replace(/^1/, '') ?? '';
  const query = useQuery({
    ...numberQueries.list({ starts_with: digits, limit: 10 }),
    enabled: target !== null && digits.length === 10,
    meta: { silent: true },
  });
  if (target === null || !query.isSuccess) return null;
  return query.data.data.some((n) => n.id === target);
}
