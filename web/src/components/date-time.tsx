// A timestamp in the viewer's zone with the zone shown; the exact UTC value is in the tooltip.
import { Text, Tooltip, type TextProps } from '@mantine/core';
import { formatDateTime, formatUtc } from '@/lib/format';

export function DateTime({
  value,
  seconds,
  ...props
}: { value: string | number | Date | null | undefined; seconds?: boolean } & TextProps) {
  if (value === null || value === undefined || value === '') {
    return (
      <Text span c="dimmed" {...props}>
        —
      </Text>
    );
  }
  const utc = formatUtc(value);
  return (
    <Tooltip label={`UTC ${utc}`} withArrow openDelay={300}>
      <Text
        span
        component="time"
        dateTime={typeof value === 'string' ? value : utc}
        style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}
        {...props}
      >
        {formatDateTime(value, { seconds })}
      </Text>
    </Tooltip>
  );
}
