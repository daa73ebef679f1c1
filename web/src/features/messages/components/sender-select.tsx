// "From": a searchable select over the account's numbers, loaded page by page (200 per call) in the
// background, so accounts with thousands of numbers still get every number to choose from.
import { Select, type SelectProps } from '@mantine/core';
import { useQueries } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { nextOffsetFromLink } from '@/components/pager';
import { formatNanp } from '@/lib/format';
import { NUMBERS_MAX_LIMIT, numberQueries } from '@/lib/flowroute/numbers';

/** Stop after this many numbers; the select's search narrows within what is loaded. */
const MAX_NUMBERS = 10_000;

export function useAccountNumbers() {
  const [offsets, setOffsets] = useState<number[]>([0]);
  const combined = useQueries({
    queries: offsets.map((offset) => numberQueries.list({ limit: NUMBERS_MAX_LIMIT, offset })),
    combine: (results) => {
      const seen = new Set<string>();
      const numbers: { value: string; alias: string | null }[] = [];
      for (const r of results) {
        for (const n of r.data?.data ?? []) {
          const value = n.attributes.value ?? n.id;
          if (seen.has(value)) continue;
          seen.add(value);
          numbers.push({ value, alias: n.attributes.alias ?? null });
        }
      }
      const last = results[results.length - 1]?.data;
      return {
        numbers,
        loading: results.some((r) => r.isPending),
        error: results.find((r) => r.error)?.error ?? null,
        next: last && last.data.length > 0 ? nextOffsetFromLink(last.links?.next) : null,
      };
    },
  });
  const lastOffset = offsets[offsets.length - 1] ?? 0;
  const { next } = combined;
  useEffect(() => {
    if (next !== null && next > lastOffset && next < MAX_NUMBERS) {
      setOffsets((prev) => (prev.includes(next) ? prev : [...prev, next]));
    }
  }, [next, lastOffset]);
  return combined;
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
      description={
        numbers.length > 0 ? `${numbers.length.toLocaleString('en-US')} numbers on the account` : undefined
      }
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
