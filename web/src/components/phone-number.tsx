// A phone number as people read it (+1 206-555-0100), in a tabular font so columns line up.
import { Text, type TextProps } from '@mantine/core';
import { formatNanp } from '@/lib/format';

export function PhoneNumber({ value, ...props }: { value: string | null | undefined } & TextProps) {
  if (!value) {
    return (
      <Text span c="dimmed" {...props}>
        —
      </Text>
    );
  }
  return (
    <Text span ff="monospace" style={{ whiteSpace: 'nowrap' }} {...props}>
      {formatNanp(value)}
    </Text>
  );
}
