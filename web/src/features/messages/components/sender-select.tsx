// "From": a searchable select over the account's numbers, loaded page by page (200 per call) in the
// background, so accounts with thousands of numbers still get every number to choose from.
import { Select, type SelectProps } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { countOf, formatNanp } from '@/lib/format';
import { senderNumbersQuery } from '@/lib/flowroute/messages';

export function useAccountNumbers() {
  const query = useInfiniteQuery(senderNumbersQuery());
  const { hasNextPage, isFetchingNextPage, isFetching, fetchNextPage, status, data } = query;
  // Pull in every page in the background (each is 200 numbers), capped in the query options.
  useEffect(() => {
    if (status === 'success' && hasNextPage && !isFetchingNextPage && !isFetching)
      void fetchNextPage({ cancelRefetch: false });
  }, [status, hasNextPage, isFetchingNextPage, isFetching, fetchNextPage]);
  const numbers = useMemo(() => {
    const seen = new Set<string>();
    const out: { value: string; alias: string | null }[] = [];
    for (const page of data?.pages ?? []) {
      for (const n of page.data) {
        const value = n.attributes.value ?? n.id;
        if (seen.has(value)) continue;
        seen.add(value);
        out.push({ value, alias: n.attributes.alias ?? null });
      }
    }
    return out;
  }, [data]);
  return { numbers, loading: status === 'pending' || !!hasNextPage, error: query.error };
}

export function SenderSelect({
  value,
  onChange,
  error,
  ...props
}: { value: string; onChange: (value: string) => void; error?: string } & Omit<
  SelectProps,
  'value' | 'onChange' | 'data' | 'error'
>) {
  const { numbers, loading, error: loadError } = useAccountNumbers();
  const data = useMemo(
    () =>
      numbers.map((n) => ({
        value: n.value,
        label: n.alias ? `${formatNanp(n.value)} · ${n.alias}` : formatNanp(n.value),
      })),
    [numbers],
  );
  // If the chosen number is not among those loaded (e.g. from a link), still show it.
  const withValue =
    value && !data.some((d) => d.value === value) ? [{ value, label: formatNanp(value) }, ...data] : data;
  return (
    <Select
      label="From"
      placeholder={loading ? 'Loading your numbers…' : 'Search your numbers'}
      searchable
      limit={100}
      nothingFoundMessage={loading ? 'Loading…' : 'No number on the account matches'}
      data={withValue}
      value={value || null}
      onChange={(v) => onChange(v ?? '')}
      error={error ?? (loadError ? 'Could not load your numbers' : undefined)}
      description={numbers.length > 0 ? `${countOf(numbers.length, 'number')} on the account` : undefined}
      filter={({ options, search }) => {
        const q = search.toLowerCase().trim();
        if (!q) return options;
        const digits = q.replace(/\D/g, '');
        return options.filter((o) => {
          if (!('value' in o)) return false;
          return o.label.toLowerCase().includes(q) || (digits.length > 0 && o.value.includes(digits));
        });
      }}
      {...props}
    />
  );
}
