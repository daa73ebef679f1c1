// Filters over the loaded MDRs; every value lives in the URL (typed text once typing pauses: LogPage).
import { Button, Group, Select, TextInput } from '@mantine/core';
import { memo, useMemo } from 'react';
import { formatNanp } from '@/lib/format';
import { EMPTY_FILTERS, hasActiveFilters, NO_STATUS, type LogFilters } from '../model/filters';

export const FiltersBar = memo(function FiltersBar({
  filters,
  onChange,
  onType,
  statuses,
  ours,
}: {
  filters: LogFilters;
  /** A choice (selects, Clear filters): applied and written to the URL at once. */
  onChange: (next: LogFilters) => void;
  /** Typing in a text field: applied at once, written to the URL after a pause. */
  onType: (next: LogFilters) => void;
  statuses: string[];
  ours: string[];
}) {
  const ourData = useMemo(() => {
    const list = ours.includes(filters.ours) || !filters.ours ? ours : [filters.ours, ...ours];
    return list.map((n) => ({ value: n, label: formatNanp(n) }));
  }, [ours, filters.ours]);
  const statusData = useMemo(() => {
    const list =
      statuses.includes(filters.status) || !filters.status ? statuses : [filters.status, ...statuses];
    return list.map((s) => ({ value: s, label: s === NO_STATUS ? '(none)' : s }));
  }, [statuses, filters.status]);
  return (
    <Group gap="sm" wrap="wrap" align="flex-end">
      <Select
        label="Direction"
        size="sm"
        w={130}
        allowDeselect={false}
        value={filters.direction}
        onChange={(v) => onChange({ ...filters, direction: (v as LogFilters['direction']) ?? 'all' })}
        data={[
          { value: 'all', label: 'Both' },
          { value: 'inbound', label: 'Inbound' },
          { value: 'outbound', label: 'Outbound' },
        ]}
      />
      <Select
        label="Status"
        size="sm"
        w={170}
        clearable
        placeholder="Any"
        value={filters.status || null}
        onChange={(v) => onChange({ ...filters, status: v ?? '' })}
        data={statusData}
      />
      <Select
        label="Our number"
        size="sm"
        w={190}
        clearable
        searchable
        placeholder="Any"
        value={filters.ours || null}
        onChange={(v) => onChange({ ...filters, ours: v ?? '' })}
        data={ourData}
        limit={200}
      />
      <TextInput
        label="Their number"
        size="sm"
        w={170}
        placeholder="(312) 555-0111"
        inputMode="tel"
        value={filters.theirs}
        onChange={(e) => onType({ ...filters, theirs: e.currentTarget.value.replace(/\D/g, '') })}
      />
      <TextInput
        label="Search"
        size="sm"
        style={{ flex: '1 1 180px' }}
        miw={160}
        placeholder="Text, id or number"
        type="search"
        value={filters.q}
        onChange={(e) => onType({ ...filters, q: e.currentTarget.value })}
      />
      {hasActiveFilters(filters) ? (
        <Button variant="subtle" size="sm" onClick={() => onChange(EMPTY_FILTERS)}>
          Clear filters
        </Button>
      ) : null}
    </Group>
  );
});
