// /numbers: the account's phone numbers, paged against Flowroute, filtered and selected via the URL.
import { Alert, Anchor, Button, Group, Loader, NativeSelect, Stack, Text } from '@mantine/core';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { PageHeader } from '@/components/page-header';
import { nextOffsetFromLink, PageButtons } from '@/components/pager';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { Can, useHasRole } from '@/lib/auth';
import { numberQueries } from '@/lib/flowroute/numbers';
import { prefetchRoute } from '@/lib/route-prefetch';
import {
  PAGE_SIZES,
  sortNumbers,
  toBulkFilters,
  toBulkSelection,
  useNumbersListState,
  type Selection,
} from '../api/list-state';
import type { BulkRouteBar as BulkRouteBarType } from '../components/bulk/bulk-route-bar';
import { NumberFilters } from '../components/number-filters';
import { NumbersTable } from '../components/numbers-table';

// The bulk route bar (with its dialog, route picker and results table) is code for people who select rows; it stays
// out of the first route's JS (docs/performance.md, section 2) and loads when the pointer or focus enters the list,
// so it is usually there by the first tick of a checkbox.
type BulkModule = { BulkRouteBar: typeof BulkRouteBarType };
let bulkModule: Promise<BulkModule> | null = null;
function loadBulkBar(): Promise<BulkModule> {
  bulkModule ??= import('../components/bulk/bulk-route-bar').catch((error: unknown) => {
    bulkModule = null; // offline: a later attempt may succeed
    throw error;
  });
  return bulkModule;
}
const prefetchBulkBar = () => void loadBulkBar().catch(() => undefined);

/** The number a pointer or focus event happened on, if it was on (or in) a link to a number's page. */
function numberLinkTarget(target: EventTarget | null): string | null {
  const link = target instanceof Element ? target.closest('a[href^="/numbers/"]') : null;
  const match = /^\/numbers\/(\d{11})$/.exec(link?.getAttribute('href') ?? '');
  return match?.[1] ?? null;
}
const BulkRouteBar = lazy(() => loadBulkBar().then((m) => ({ default: m.BulkRouteBar })));

/** bulk-machine.ts STORAGE_KEY (not imported: that would bring the bar's code back; a test checks they match). */
export const BULK_SNAPSHOT_KEY = 'flowroute.bulk-route.last';

/** A finished bulk run saved in this tab (its results and revert are shown even with nothing selected). */
function hasSavedBulkRun(): boolean {
  try {
    return sessionStorage.getItem(BULK_SNAPSHOT_KEY) !== null;
  } catch {
    return false;
  }
}

export function NumbersListPage() {
  const state = useNumbersListState();
  const { filters, limit, offset, sort, selection, update } = state;
  const queryClient = useQueryClient();
  const params = { ...filters, limit, offset };
  const list = useQuery({ ...numberQueries.list(params), placeholderData: keepPreviousData });

  const rows = useMemo(() => list.data?.data ?? [], [list.data]);
  const sorted = useMemo(() => sortNumbers(rows, sort), [rows, sort]);
  const nextOffset = nextOffsetFromLink(list.data?.links?.next);
  const hasFilters = Object.keys(filters).length > 0;

  // Paging forward should be instant: fetch the next page while the user reads this one.
  useEffect(() => {
    if (nextOffset !== null && !list.isPlaceholderData) {
      void queryClient.prefetchQuery(numberQueries.list({ ...filters, limit, offset: nextOffset }));
    }
  }, [queryClient, filters, limit, nextOffset, list.isPlaceholderData]);

  // --- selection ---
  const selectedSet = useMemo(() => new Set(selection.mode === 'some' ? selection.numbers : []), [selection]);
  const isSelected = (n: string) => selection.mode === 'all-matching' || selectedSet.has(n);
  const pageIds = useMemo(() => rows.map((r) => r.id), [rows]);
  const selectedOnPage = pageIds.filter((id) => isSelected(id)).length;
  const allState: 'all' | 'some' | 'none' =
    pageIds.length > 0 && selectedOnPage === pageIds.length ? 'all' : selectedOnPage > 0 ? 'some' : 'none';
  const setSelection = (next: Selection) => update({ selection: next }, { replace: true });
  // Stable while scrolling, so memoized rows do not re-render.
  const toggle = useCallback(
    (n: string) => {
      let next: Selection;
      if (selection.mode === 'all-matching') {
        // Leaving "all matching": keep this page's rows except the one unticked.
        next = { mode: 'some', numbers: pageIds.filter((id) => id !== n) };
      } else {
        const set = new Set(selectedSet);
        if (set.has(n)) set.delete(n);
        else set.add(n);
        next = set.size ? { mode: 'some', numbers: [...set] } : { mode: 'none' };
      }
      update({ selection: next }, { replace: true });
    },
    [selection.mode, selectedSet, pageIds, update],
  );
  const toggleAll = () => {
    if (allState === 'all') {
      if (selection.mode === 'all-matching') return setSelection({ mode: 'none' });
      const rest = [...selectedSet].filter((id) => !pageIds.includes(id));
      return setSelection(rest.length ? { mode: 'some', numbers: rest } : { mode: 'none' });
    }
    setSelection({ mode: 'some', numbers: [...new Set([...selectedSet, ...pageIds])] });
  };
  const clearSelection = () => setSelection({ mode: 'none' });
  const selectedCount = selection.mode === 'some' ? selection.numbers.length : 0;
  const bulkSelection = toBulkSelection(selection);
  const morePagesExist = nextOffset !== null || offset > 0;

  const caption = hasFilters ? 'Account numbers matching the filters' : 'Account numbers';

  // Prefetch on intent: a number link hovered or focused loads the detail page's code and its data (usually already
  // cached: the table reads each visible row's detail for the route columns; staleTime applies either way).
  const prefetchNumber = (target: EventTarget | null) => {
    const number = numberLinkTarget(target);
    if (!number) return;
    prefetchRoute(`/numbers/${number}`);
    void queryClient.prefetchQuery(numberQueries.detail(number));
  };

  // Mounted from the first selection (or a saved run) on, then kept: it holds the last run's results and revert.
  const [bulkMounted, setBulkMounted] = useState(hasSavedBulkRun);
  if (!bulkMounted && selection.mode !== 'none') setBulkMounted(true);
  // Selecting rows only serves the bulk route change: a viewer (who cannot change routes) gets neither.
  const canRoute = useHasRole('operator');

  return (
    <>
      <PageHeader
        title="Numbers"
        description="Phone numbers on the Flowroute account. Filters, page and selection are kept in the address, so you can share this view."
        actions={
          <Can role="admin">
            <Button component={Link} to="/buy" variant="light">
              Buy numbers
            </Button>
          </Can>
        }
      />
      <Stack
        gap="sm"
        onPointerEnter={prefetchBulkBar}
        onPointerOver={(event) => prefetchNumber(event.target)}
        onFocus={(event) => {
          prefetchBulkBar();
          prefetchNumber(event.target);
        }}
      >
        <NumberFilters
          filters={filters}
          onChange={(next) =>
            update({ filters: next, offset: 0, selection: { mode: 'none' } }, { replace: true })
          }
        />

        {/* Once mounted, always mounted: with nothing selected it hides itself, but keeps the last run's results. */}
        {bulkMounted && canRoute ? (
          <Suspense fallback={null}>
            <BulkRouteBar
              selection={bulkSelection ?? { mode: 'some', numbers: [] }}
              filters={toBulkFilters(filters)}
              onClear={clearSelection}
            />
          </Suspense>
        ) : null}

        {canRoute && allState === 'all' && selection.mode === 'some' && morePagesExist ? (
          <Alert variant="light" color="blue" p="xs">
            <Group gap="xs" wrap="wrap">
              <Text size="sm">
                {selectedCount} selected{selectedCount > pageIds.length ? ' (including other pages)' : ''}.
              </Text>
              <Anchor component="button" size="sm" onClick={() => setSelection({ mode: 'all-matching' })}>
                Select every number {hasFilters ? 'matching these filters' : 'on the account'}
              </Anchor>
            </Group>
          </Alert>
        ) : null}
        {canRoute && selection.mode === 'all-matching' ? (
          <Alert variant="light" color="blue" p="xs">
            <Group gap="xs" wrap="wrap">
              <Text size="sm">
                Every number {hasFilters ? 'matching these filters' : 'on the account'} is selected, on all
                pages.
              </Text>
              <Anchor component="button" size="sm" onClick={clearSelection}>
                Clear selection
              </Anchor>
            </Group>
          </Alert>
        ) : null}

        <Group justify="space-between" gap="sm" wrap="wrap">
          <Group gap="xs">
            <NativeSelect
              label="Rows per page"
              size="xs"
              value={String(limit)}
              data={PAGE_SIZES.map(String)}
              onChange={(event) =>
                update({
                  limit: Number(event.currentTarget.value),
                  offset:
                    Math.floor(offset / Number(event.currentTarget.value)) *
                    Number(event.currentTarget.value),
                })
              }
              styles={{ root: { display: 'flex', alignItems: 'center', gap: 8 } }}
            />
            {list.isFetching && !list.isPending ? <Loader size="xs" aria-label="Loading page" /> : null}
          </Group>
          <PageRange
            offset={offset}
            limit={limit}
            count={rows.length}
            nextOffset={list.isPlaceholderData ? null : nextOffset}
            loading={list.isPlaceholderData || !list.data}
            onPage={(o) => update({ offset: o })}
          />
        </Group>

        {list.isPending ? (
          <LoadingState rows={8} label="Loading numbers" />
        ) : list.isError && !list.data ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : rows.length === 0 ? (
          offset > 0 ? (
            <EmptyState
              title="No numbers on this page"
              action={
                <Button variant="light" onClick={() => update({ offset: 0 })}>
                  Back to the first page
                </Button>
              }
            >
              The list may have changed since this link was made.
            </EmptyState>
          ) : hasFilters ? (
            <EmptyState
              title="No numbers match"
              action={
                <Button
                  variant="light"
                  onClick={() => update({ filters: {}, offset: 0, selection: { mode: 'none' } })}
                >
                  Clear filters
                </Button>
              }
            >
              Nothing on the account starts with, contains or ends with those digits.
            </EmptyState>
          ) : (
            <EmptyState
              title="No numbers on this account yet"
              action={
                <Can role="admin">
                  <Button component={Link} to="/buy">
                    Buy numbers
                  </Button>
                </Can>
              }
            >
              Numbers you buy appear here.
            </EmptyState>
          )
        ) : (
          <>
            <NumbersTable
              rows={sorted}
              sort={sort}
              onSort={(next) => update({ sort: next }, { replace: true })}
              isSelected={isSelected}
              onToggle={toggle}
              onToggleAll={toggleAll}
              allState={allState}
              caption={caption}
              selectable={canRoute}
              resetKey={`${offset}|${limit}|${JSON.stringify(filters)}|${sort?.key ?? ''}|${sort?.dir ?? ''}`}
            />
            <Group justify="space-between" gap="sm" wrap="wrap">
              <Text size="xs" c="dimmed">
                {sort ? 'Sorted within this page. ' : ''}Flowroute does not report a total; Next appears while
                more numbers exist.
              </Text>
              <PageRange
                offset={offset}
                limit={limit}
                count={rows.length}
                nextOffset={list.isPlaceholderData ? null : nextOffset}
                loading={list.isPlaceholderData}
                onPage={(o) => update({ offset: o })}
              />
            </Group>
          </>
        )}
      </Stack>
    </>
  );
}

/** The range shown and Previous / Next, compact for the toolbar (the page size is chosen with the filters). */
function PageRange({
  offset,
  limit,
  count,
  nextOffset,
  loading,
  onPage,
}: {
  offset: number;
  limit: number;
  count: number;
  nextOffset: number | null;
  loading: boolean;
  onPage: (offset: number) => void;
}) {
  return (
    <Group gap="xs" wrap="nowrap">
      <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }} aria-live="polite">
        {/* No page yet (loading or failed) is not "0" numbers. */}
        {count > 0 ? `${offset + 1}–${offset + count}` : loading ? '' : '0'}
        {nextOffset !== null ? ' · more' : ''}
      </Text>
      <PageButtons limit={limit} offset={offset} nextOffset={nextOffset} loading={loading} onPage={onPage} />
    </Group>
  );
}
