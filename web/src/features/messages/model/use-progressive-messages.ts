// Loads every MDR page of a range one after another (links.next), with stop/continue, and the flat rows.
import { useInfiniteQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { messageQueries, type MessageRange } from '@/lib/flowroute/messages';
import { rowsOfPages, type LogRow } from './rows';

export interface ProgressiveMessages {
  rows: LogRow[];
  pages: number;
  /** first page still loading (nothing to show yet) */
  initialLoading: boolean;
  /** a further page is on its way */
  loadingMore: boolean;
  /** every page of the range is loaded */
  complete: boolean;
  stopped: boolean;
  error: unknown;
  stop: () => void;
  resume: () => void;
  retry: () => void;
}

export function useProgressiveMessages(range: MessageRange): ProgressiveMessages {
  const query = useInfiniteQuery(messageQueries.list(range));
  const rangeKey = `${range.start_date}|${range.end_date}`;
  const [stoppedKey, setStoppedKey] = useState<string | null>(null);
  const stopped = stoppedKey === rangeKey;
  const { hasNextPage, isFetchingNextPage, isFetching, isError, fetchNextPage, status } = query;

  useEffect(() => {
    if (status !== 'success' || stopped || isError || !hasNextPage || isFetchingNextPage || isFetching)
      return;
    void fetchNextPage({ cancelRefetch: false });
  }, [status, stopped, isError, hasNextPage, isFetchingNextPage, isFetching, fetchNextPage]);

  const pages = query.data?.pages;
  const rows = useMemo(() => rowsOfPages(pages ?? []), [pages]);

  const stop = useCallback(() => setStoppedKey(rangeKey), [rangeKey]);
  const resume = useCallback(() => setStoppedKey(null), []);
  const { refetch } = query;
  const retry = useCallback(() => {
    setStoppedKey(null);
    if (pages && pages.length > 0) void fetchNextPage();
    else void refetch();
  }, [pages, fetchNextPage, refetch]);

  return {
    rows,
    pages: pages?.length ?? 0,
    initialLoading: status === 'pending',
    loadingMore: isFetchingNextPage || (status === 'success' && !!hasNextPage && !stopped && !isError),
    complete: status === 'success' && !hasNextPage,
    stopped,
    error: query.error,
    stop,
    resume,
    retry,
  };
}
