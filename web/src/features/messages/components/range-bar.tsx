// Range picker for the MDR list: presets and custom UTC days, the exact window in UTC, and a reload.
import { ActionIcon, Group, SegmentedControl, Text, Tooltip } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import { moveAnchor } from '../model/anchor';
import { describeRange, RANGE_PRESETS, type RangeSpec, type ResolvedRange } from '../model/range';

export function RangeBar({
  spec,
  resolved,
  onChange,
}: {
  spec: RangeSpec;
  resolved: ResolvedRange;
  onChange: (spec: RangeSpec) => void;
}) {
  const today = new Date().toISOString().slice(0, 10);
  return (
    <Group gap="sm" wrap="wrap" align="flex-end">
      <SegmentedControl
        aria-label="Date range"
        size="sm"
        value={spec.preset}
        onChange={(v) => {
          if (v === 'custom') {
            const start = resolved.start_date.slice(0, 10);
            const end = resolved.end_date.slice(0, 10);
            onChange({ preset: 'custom', start, end });
          } else onChange({ preset: v as RangeSpec['preset'] });
        }}
        data={[
          ...RANGE_PRESETS.map((p) => ({ value: p.value, label: p.label })),
          { value: 'custom', label: 'Custom' },
        ]}
      />
      {spec.preset === 'custom' ? (
        <DatePickerInput
          type="range"
          label="Days (UTC)"
          size="sm"
          allowSingleDateInRange
          maxDate={today}
          value={[spec.start ?? null, spec.end ?? null]}
          onChange={([start, end]) => {
            if (start && end)
              onChange({
                preset: 'custom',
                start: String(start).slice(0, 10),
                end: String(end).slice(0, 10),
              });
          }}
          valueFormat="YYYY-MM-DD"
          w={240}
        />
      ) : null}
      <Group gap={4} wrap="nowrap">
        <Text size="sm" c="dimmed" data-testid="range-label">
          {describeRange(resolved)}
        </Text>
        <Tooltip label="Reload the range up to now">
          <ActionIcon variant="subtle" aria-label="Reload the range up to now" onClick={() => moveAnchor()}>
            ↻
          </ActionIcon>
        </Tooltip>
      </Group>
    </Group>
  );
}
