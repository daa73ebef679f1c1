// The audit filters: who, what, when (days in the viewer's zone), number/target, source IP, result.
// Edited locally and applied together, so typing does not fire a query per keystroke.
import { Button, Group, Select, SimpleGrid, TextInput } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { useState } from 'react';
import { viewerTimeZone } from '@/lib/format';
import { ACTION_FILTER_GROUPS, actionLabel, RESULT_FILTERS } from '../api/audit-display';
import { normalizeTarget, type AuditSearch } from '../api/audit-search';

export type FilterValues = Pick<AuditSearch, 'who' | 'what' | 'from' | 'to' | 'number' | 'ip' | 'result'>;

export const EMPTY_FILTERS: FilterValues = {
  who: '',
  what: '',
  from: '',
  to: '',
  number: '',
  ip: '',
  result: '',
};

export function AuditFiltersForm({
  initial,
  onApply,
}: {
  initial: FilterValues;
  onApply: (values: FilterValues) => void;
}) {
  const [values, setValues] = useState<FilterValues>(initial);
  const set = (changes: Partial<FilterValues>) => setValues((v) => ({ ...v, ...changes }));
  const knownActions = new Set(ACTION_FILTER_GROUPS.flatMap((g) => g.items.map((i) => i.value)));
  const actionData =
    values.what && !knownActions.has(values.what)
      ? [
          ...ACTION_FILTER_GROUPS,
          { group: 'Other', items: [{ value: values.what, label: actionLabel(values.what) }] },
        ]
      : ACTION_FILTER_GROUPS;

  return (
    <form
      aria-label="Audit filters"
      onSubmit={(event) => {
        event.preventDefault();
        // A typed phone number goes into the URL as its 11 digits, so shared links read the same.
        onApply({ ...values, number: normalizeTarget(values.number) });
      }}
    >
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm" verticalSpacing="xs">
        <TextInput
          label="Who"
          placeholder="Username"
          value={values.who}
          onChange={(e) => set({ who: e.currentTarget.value })}
          autoCapitalize="none"
          spellCheck={false}
        />
        <Select
          label="What"
          placeholder="Any action"
          data={actionData}
          value={values.what || null}
          onChange={(v) => set({ what: v ?? '' })}
          clearable
          searchable
          nothingFoundMessage="No such action"
        />
        <DatePickerInput
          type="range"
          label={`When (days, ${viewerTimeZone()})`}
          allowSingleDateInRange
          clearable
          valueFormat="MMM D, YYYY"
          value={[values.from || null, values.to || null]}
          onChange={([from, to]) =>
            set({ from: from ? String(from).slice(0, 10) : '', to: to ? String(to).slice(0, 10) : '' })
          }
        />
        <TextInput
          label="Number or target"
          placeholder="(206) 555-0100, route id, username"
          value={values.number}
          onChange={(e) => set({ number: e.currentTarget.value })}
          spellCheck={false}
        />
        <TextInput
          label="Source IP"
          placeholder="e.g. 203.0.113.7"
          value={values.ip}
          onChange={(e) => set({ ip: e.currentTarget.value })}
          spellCheck={false}
        />
        <Select
          label="Result"
          placeholder="Any result"
          data={RESULT_FILTERS}
          value={values.result || null}
          onChange={(v) => set({ result: v ?? '' })}
          clearable
        />
      </SimpleGrid>
      <Group justify="flex-end" gap="sm" mt="sm">
        <Button
          variant="subtle"
          color="gray"
          onClick={() => {
            setValues(EMPTY_FILTERS);
            onApply(EMPTY_FILTERS);
          }}
        >
          Clear filters
        </Button>
        <Button type="submit">Apply filters</Button>
      </Group>
    </form>
  );
}
