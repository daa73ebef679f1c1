// /messages — the MDR log for a UTC range: loaded page by page, filtered locally, charted, exported.
import { Anchor, Button, Drawer, Group, Skeleton, Stack, Switch, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { lazy, Suspense, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { PageHeader } from '@/components/page-header';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { Can } from '@/lib/auth';
import { countOf } from '@/lib/format';
import { FiltersBar } from '../components/filters-bar';
import { LoadProgress } from '../components/load-progress';
import { MessageDetail } from '../components/message-detail';
import { MessagesNav } from '../components/messages-nav';
import { MessagesList } from '../components/messages-list';
import { MessagesTable } from '../components/messages-table';
import { RangeBar } from '../components/range-bar';
import { buildMessagesCsv, csvFileName } from '../model/csv';
import { downloadText } from '../model/download';
import {
  applyFilters,
  distinctValues,
  filtersFromParams,
  filtersToParams,
  hasActiveFilters,
  type LogFilters,
} from '../model/filters';
import { useProgressiveMessages } from '../model/use-progressive-messages';
import { useRangeParam } from '../model/use-range';

const VolumeChart = lazy(() => import('../components/volume-chart'));

const FILTER_KEYS = ['dir', 'status', 'ours', 'theirs', 'q'] as const;

/** One string for a set of filter values (what the page shows is memoized on it). */
const filtersKey = (f: LogFilters) => [f.direction, f.status, f.ours, f.theirs, f.q].join('\u0000');

/** The URL's two typed fields, as written by filtersToParams. */
const textKeyOf = (theirs: string, q: string) => `${theirs}\u0000${q}`;

/** How long typing must pause before the search text and their number are written to the URL. */
export const URL_WRITE_DELAY_MS = 600;

export function LogPage() {
  const [params, setParams] = useSearchParams();
  const { spec, resolved, setSpec } = useRangeParam();
  const progress = useProgressiveMessages(resolved);
  const isSmall = useMediaQuery('(max-width: 48em)');

  const filterKey = FILTER_KEYS.map((k) => params.get(k) ?? '').join('\u0000');
  // eslint-disable-next-line react-hooks/exhaustive-deps -- filterKey captures exactly the params read here
  const urlFilters = useMemo(() => filtersFromParams(params), [filterKey]);
  // What is typed in the two text fields applies at once and reaches the URL after a pause: a URL change is a router
  // navigation, which re-renders the whole page and every link on it, for each key (docs/performance.md, 33).
  // Typed text counts while the URL's text fields are the ones it was typed over, or the ones its own write made
  // (more may have been typed meanwhile). When something else changes them (Clear, Back, a link), the URL wins; a
  // change of another filter (a select) leaves the typed text alone, and the write adds only the text to the URL.
  const textKey = textKeyOf(params.get('theirs') ?? '', params.get('q') ?? '');
  const [typed, setTyped] = useState<{
    q: string;
    theirs: string;
    over: string;
    written: string | null;
  } | null>(null);
  const urlWrite = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const written = useRef<string | null>(null);
  // React Router's setter reads the params of the render it came from: the delayed write takes the latest one.
  const latestSetParams = useRef(setParams);
  useEffect(() => {
    latestSetParams.current = setParams;
  }, [setParams]);
  // A write still pending when something else changes the text in the URL would undo that change.
  useEffect(() => {
    if (textKey !== written.current) clearTimeout(urlWrite.current);
  }, [textKey]);
  useEffect(() => () => clearTimeout(urlWrite.current), []);
  const shown =
    typed && (typed.over === textKey || typed.written === textKey)
      ? { ...urlFilters, q: typed.q, theirs: typed.theirs }
      : urlFilters;
  const shownKey = filtersKey(shown);
  // One object per distinct set of values: the text reaching the URL changes nothing on screen.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- shownKey holds every value of `shown`
  const filters = useMemo(() => shown, [shownKey]);
  const writeFilters = useCallback(
    (next: LogFilters) =>
      setParams((prev) => filtersToParams(next, prev), { replace: true, preventScrollReset: true }),
    [setParams],
  );
  // A choice (a select, Clear filters) goes to the URL at once, with the text as shown (`next` holds it).
  const setFilters = useCallback(
    (next: LogFilters) => {
      clearTimeout(urlWrite.current);
      written.current = null;
      setTyped(null);
      writeFilters(next);
    },
    [writeFilters],
  );
  const typeFilters = useCallback(
    ({ q, theirs }: LogFilters) => {
      setTyped((t) => ({ q, theirs, over: textKey, written: t?.written ?? null }));
      clearTimeout(urlWrite.current);
      urlWrite.current = setTimeout(() => {
        const key = textKeyOf(theirs, q);
        written.current = key;
        setTyped((t) => t && { ...t, written: key });
        // Only the text: the other filters stay as the URL has them now (a select may have changed since).
        latestSetParams.current((prev) => filtersToParams({ ...filtersFromParams(prev), q, theirs }, prev), {
          replace: true,
          preventScrollReset: true,
        });
      }, URL_WRITE_DELAY_MS);
    },
    [textKey],
  );
  const showChart = params.get('chart') !== '0';
  const selectedId = params.get('sel');
  const select = useCallback(
    (id: string | null) =>
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (id) next.set('sel', id);
          else next.delete('sel');
          return next;
        },
        { preventScrollReset: true },
      ),
    [setParams],
  );

  // Filtering runs on deferred values: typing stays responsive while a large set is re-filtered.
  const deferredRows = useDeferredValue(progress.rows);
  const deferredFilters = useDeferredValue(filters);
  const filtered = useMemo(
    () => applyFilters(deferredRows, deferredFilters),
    [deferredRows, deferredFilters],
  );
  const options = useMemo(() => distinctValues(progress.snapshot), [progress.snapshot]);
  const stale = deferredFilters !== filters || deferredRows !== progress.rows;

  const exportCsv = () =>
    downloadText(buildMessagesCsv(filtered), csvFileName(resolved.start_date, resolved.end_date));

  return (
    <>
      <PageHeader
        title="Messages"
        description="Message detail records from Flowroute for the chosen UTC range. Filters apply to what is loaded."
        actions={<MessagesNav />}
      />
      <Stack gap="md">
        <RangeBar spec={spec} resolved={resolved} onChange={setSpec} />
        {progress.initialLoading ? null : <LoadProgress state={progress} />}

        {progress.initialLoading ? (
          <LoadingState label="Loading messages…" rows={8} />
        ) : progress.error && progress.pages === 0 ? (
          <ErrorState error={progress.error} title="Could not load messages" onRetry={progress.retry} />
        ) : (
          <>
            <Group justify="space-between">
              <Switch
                size="sm"
                label="Show chart"
                checked={showChart}
                onChange={(e) => {
                  const on = e.currentTarget.checked;
                  setParams(
                    (prev) => {
                      const next = new URLSearchParams(prev);
                      if (on) next.delete('chart');
                      else next.set('chart', '0');
                      return next;
                    },
                    { replace: true, preventScrollReset: true },
                  );
                }}
              />
            </Group>
            {showChart ? (
              <Suspense fallback={<Skeleton h={290} radius="md" />}>
                <VolumeChart rows={progress.snapshot} startMs={resolved.startMs} endMs={resolved.endMs} />
              </Suspense>
            ) : null}

            <FiltersBar
              filters={filters}
              onChange={setFilters}
              onType={typeFilters}
              statuses={options.statuses}
              ours={options.ours}
            />

            <Group justify="space-between" wrap="wrap" gap="xs">
              <Text
                size="sm"
                aria-live="polite"
                data-testid="filter-count"
                data-stale={stale}
                c={stale ? 'dimmed' : undefined}
              >
                {hasActiveFilters(filters)
                  ? `${filtered.length.toLocaleString('en-US')} of ${countOf(progress.rows.length, 'loaded message')} ${filtered.length === 1 ? 'matches' : 'match'}`
                  : `${countOf(progress.rows.length, 'message')} loaded`}
              </Text>
              <Group gap="xs">
                {filters.ours && filters.theirs.length >= 10 ? (
                  <Button
                    component={Link}
                    variant="default"
                    size="xs"
                    to={`/messages/conversations?${new URLSearchParams({
                      ...Object.fromEntries(
                        ['range', 'start', 'end'].flatMap((k) =>
                          params.get(k) ? [[k, params.get(k)!]] : [],
                        ),
                      ),
                      ours: filters.ours,
                      theirs: filters.theirs.length === 10 ? `1${filters.theirs}` : filters.theirs,
                    }).toString()}`}
                  >
                    Open as conversation
                  </Button>
                ) : null}
                <Button
                  size="xs"
                  variant="light"
                  onClick={exportCsv}
                  disabled={filtered.length === 0}
                  data-testid="export-csv"
                >
                  Export CSV ({countOf(filtered.length, 'row')})
                </Button>
              </Group>
            </Group>

            {progress.rows.length === 0 && progress.complete ? (
              <EmptyState title="No messages in this range">
                Flowroute has no message records between these times. Try a longer range.
                <Can role="operator">
                  {' '}
                  Or{' '}
                  <Anchor component={Link} to="/messages/compose">
                    send one
                  </Anchor>
                  .
                </Can>
              </EmptyState>
            ) : filtered.length === 0 && !stale && progress.rows.length > 0 ? (
              <EmptyState
                title="No loaded message matches these filters"
                action={
                  <Button
                    variant="subtle"
                    onClick={() => setFilters({ direction: 'all', status: '', ours: '', theirs: '', q: '' })}
                  >
                    Clear filters
                  </Button>
                }
              />
            ) : isSmall ? (
              <MessagesList rows={filtered} selectedId={selectedId} onSelect={select} height={520} />
            ) : (
              <MessagesTable rows={filtered} selectedId={selectedId} onSelect={select} height={560} />
            )}
          </>
        )}
      </Stack>

      <Drawer
        opened={!!selectedId}
        onClose={() => select(null)}
        position="right"
        size={isSmall ? '100%' : 'xl'}
        title={
          <Group gap="sm">
            <Text fw={600}>Message</Text>
            {selectedId ? (
              <Anchor component={Link} to={`/messages/${selectedId}`} size="sm">
                Open full page
              </Anchor>
            ) : null}
          </Group>
        }
      >
        {selectedId ? <MessageDetail id={selectedId} compact /> : null}
      </Drawer>
    </>
  );
}
