// Loads every MDR page of a range one after another (links.next), with stop/continue, and the flat rows.
import { useInfiniteQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { messageQueries, type MessageRange } from '@/lib/flowroute/messages';
import { RowAccumulator, type LogRow } from './rows';

export interface ProgressiveMessages {
  rows: LogRow[];
  /** `rows`, refreshed every few pages while loading (for the chart and filter options) */
  snapshot: LogRow[];
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
  const [accumulator] = useState(() => new RowAccumulator());
  const rows = useMemo(() => accumulator.update(pages ?? []), [accumulator, pages]);
  // Views that summarise everything (chart, select options) follow every 5th page while loading, so
  // a 100-page load does not redraw them 100 times.
  const pageCount = pages?.length ?? 0;
  const settled = !(status === 'success' && !!hasNextPage && !stopped && !isError);
  const snapshotKey = settled ? -1 : Math.floor(pageCount / 5);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- deliberately refreshed only when snapshotKey changes
  const snapshot = useMemo(() => rows, [snapshotKey, settled && rows]);

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
    snapshot,
    pages: pageCount,
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
