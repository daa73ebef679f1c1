// Paging for Flowroute lists: limit/offset in the URL, Next only when the API sent links.next (no totals).
import { Button, Group, NativeSelect, Text } from '@mantine/core';
import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

export const PAGE_SIZES = [10, 25, 50, 100, 200] as const;

/** Reads `limit`/`offset` from the URL (clamped to what Flowroute allows). */
export function readPageParams(
  params: URLSearchParams,
  { defaultLimit = 50, maxLimit = 200 }: { defaultLimit?: number; maxLimit?: number } = {},
): { limit: number; offset: number } {
  const rawLimit = Number(params.get('limit'));
  const rawOffset = Number(params.get('offset'));
  const limit = Number.isInteger(rawLimit) && rawLimit > 0 ? Math.min(rawLimit, maxLimit) : defaultLimit;
  const offset = Number.isInteger(rawOffset) && rawOffset > 0 ? rawOffset : 0;
  return { limit, offset };
}

/** `offset` of a Flowroute `links.next` URL, or null when there is no next page. */
export function nextOffsetFromLink(next: string | null | undefined): number | null {
  if (!next) return null;
  try {
    const value = new URL(next, 'http://x').searchParams.get('offset');
    const offset = Number(value);
    return value !== null && Number.isInteger(offset) && offset >= 0 ? offset : null;
  } catch {
    return null;
  }
}

/**
 * Limit/offset state in the URL. Changing filters should call `resetOffset` (page 1);
 * changing page size keeps the first visible row on screen.
 */
export function usePageParams(options?: { defaultLimit?: number; maxLimit?: number }) {
  const [searchParams, setSearchParams] = useSearchParams();
  const { limit, offset } = readPageParams(searchParams, options);
  const defaultLimit = options?.defaultLimit ?? 50;
  const setPage = useCallback(
    (next: { limit?: number; offset?: number }) => {
      setSearchParams(
        (prev) => {
          const params = new URLSearchParams(prev);
          const newLimit = next.limit ?? limit;
          const newOffset = next.offset ?? offset;
          if (newLimit === defaultLimit) params.delete('limit');
          else params.set('limit', String(newLimit));
          if (newOffset > 0) params.set('offset', String(newOffset));
          else params.delete('offset');
          return params;
        },
        { preventScrollReset: true },
      );
    },
    [setSearchParams, limit, offset, defaultLimit],
  );
  return { limit, offset, setPage };
}

export function Pager({
  limit,
  offset,
  count,
  nextOffset,
  onChange,
  loading = false,
  pageSizes = PAGE_SIZES,
  itemLabel = 'rows',
}: {
  limit: number;
  offset: number;
  /** Rows on the current page. */
  count: number;
  /** From links.next; null = last page. */
  nextOffset: number | null;
  onChange: (page: { limit: number; offset: number }) => void;
  loading?: boolean;
  pageSizes?: readonly number[];
  itemLabel?: string;
}) {
  const first = count > 0 ? offset + 1 : 0;
  const last = offset + count;
  return (
    <Group justify="space-between" gap="sm" wrap="wrap" py="xs">
      <Group gap="xs" wrap="nowrap">
        <NativeSelect
          label="Rows per page"
          size="xs"
          value={String(limit)}
          data={pageSizes.map((n) => String(n))}
          onChange={(event) => onChange({ limit: Number(event.currentTarget.value), offset })}
          styles={{
            root: { display: 'flex', alignItems: 'center', gap: 8 },
            label: { whiteSpace: 'nowrap' },
          }}
        />
      </Group>
      {/* Wraps on phones: the range text above, the buttons below, never wider than the screen. */}
      <Group gap="xs" wrap="wrap" justify="flex-end" style={{ minWidth: 0 }}>
        <Text size="sm" c="dimmed" aria-live="polite">
          {count > 0
            ? `${itemLabel[0]?.toUpperCase()}${itemLabel.slice(1)} ${first}–${last}`
            : loading
              ? 'Loading…'
              : `No ${itemLabel}`}
          {count === 0 && loading
            ? ''
            : nextOffset !== null
              ? ' · more available'
              : offset > 0 || count > 0
                ? ' · last page'
                : ''}
        </Text>
        <PageButtons
          limit={limit}
          offset={offset}
          nextOffset={nextOffset}
          loading={loading}
          onPage={(o) => onChange({ limit, offset: o })}
        />
      </Group>
    </Group>
  );
}

/** Previous / Next for a limit/offset list (Next only when Flowroute sent links.next); both off while loading. */
export function PageButtons({
  limit,
  offset,
  nextOffset,
  loading,
  onPage,
}: {
  limit: number;
  offset: number;
  nextOffset: number | null;
  loading: boolean;
  onPage: (offset: number) => void;
}) {
  return (
    <Group gap="xs" wrap="nowrap">
      <Button
        size="xs"
        variant="default"
        disabled={offset === 0 || loading}
        onClick={() => onPage(Math.max(0, offset - limit))}
      >
        Previous
      </Button>
      <Button
        size="xs"
        variant="default"
        disabled={nextOffset === null || loading}
        onClick={() => nextOffset !== null && onPage(nextOffset)}
      >
        Next
      </Button>
    </Group>
  );
}
