// Range picker for the MDR list: presets and custom UTC days, the exact window in UTC, and a reload.
import { ActionIcon, Group, NativeSelect, SegmentedControl, Text, Tooltip } from '@mantine/core';
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
  const options = [
    ...RANGE_PRESETS.map((p) => ({ value: p.value, label: p.label })),
    { value: 'custom', label: 'Custom' },
  ];
  const choose = (v: string) => {
    if (v === 'custom') {
      onChange({
        preset: 'custom',
        start: resolved.start_date.slice(0, 10),
        end: resolved.end_date.slice(0, 10),
      });
    } else onChange({ preset: v as RangeSpec['preset'] });
  };
  return (
    <Group gap="sm" wrap="wrap" align="flex-end">
      <SegmentedControl
        aria-label="Date range"
        size="sm"
        visibleFrom="sm"
        value={spec.preset}
        onChange={choose}
        data={options}
      />
      <NativeSelect
        label="Date range"
        size="sm"
        hiddenFrom="sm"
        value={spec.preset}
        onChange={(e) => choose(e.currentTarget.value)}
        data={options}
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
