// Is a phone number one of this account's Flowroute numbers? (Flowroute forbids a failover to one.)
import { useQuery } from '@tanstack/react-query';
import { isApiError } from '@/lib/api';
import { numberQueries } from '@/lib/flowroute/numbers';

/** true/false once known (the account's number detail answers 200 or 404), null while unknown. */
export function useOnAccount(target: string | null): boolean | null {
  const query = useQuery({
    ...numberQueries.detail(target ?? ''),
    enabled: target !== null,
    retry: false,
    meta: { silent: true },
  });
  if (target === null) return null;
  if (query.isSuccess) return true;
  if (query.isError && isApiError(query.error) && query.error.status === 404) return false;
  return null;
}
