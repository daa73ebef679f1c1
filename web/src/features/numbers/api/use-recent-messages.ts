// Messages to and from one number in the last N days. Flowroute's MDR list filters by date only, so we
// read the window (shared cache with the messages log) and keep this number's records.
import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { messageQueries, type Mdr } from '@/lib/flowroute/messages';

/** Stop reading after this many pages (1,000 records each) and say the window was cut short. */
const MAX_PAGES = 10;

/** A window that stays the same all day (UTC), so the cache key does not change on every render. */
export function recentWindow(days: number, now = new Date()) {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - days));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  return { start_date: start.toISOString(), end_date: end.toISOString() };
}

export function useRecentMessages(number: string, days = 30) {
  const range = useMemo(() => recentWindow(days), [days]);
  const query = useInfiniteQuery({ ...messageQueries.list(range), meta: { silent: true } });
  const pages = query.data?.pages.length ?? 0;
  const { hasNextPage, isFetchingNextPage, fetchNextPage, isError } = query;

  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && !isError && pages < MAX_PAGES) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, isError, pages, fetchNextPage]);

  const messages = useMemo(() => {
    const found: Mdr[] = [];
    for (const page of query.data?.pages ?? []) {
      for (const record of page.data) {
        if (record.attributes.from === number || record.attributes.to === number) found.push(record);
      }
    }
    return found.sort((a, b) => Date.parse(b.attributes.timestamp) - Date.parse(a.attributes.timestamp));
  }, [query.data, number]);

  return {
    messages,
    range,
    isPending: query.isPending,
    isError: query.isError,
    error: query.error,
    refetch: query.refetch,
    /** Still reading pages of the window. */
    isScanning: query.isPending || (hasNextPage && pages < MAX_PAGES && !isError),
    /** The window had more records than we read. */
    truncated: hasNextPage && pages >= MAX_PAGES,
  };
}
