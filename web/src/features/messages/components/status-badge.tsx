// An MDR status as a coloured badge; empty status (inbound MMS) reads "none".
import { Badge } from '@mantine/core';
import { statusColor } from '../model/dlr';

export function StatusBadge({ status, size = 'sm' }: { status: string; size?: 'xs' | 'sm' | 'md' }) {
  return (
    <Badge
      color={statusColor(status)}
      variant="light"
      size={size}
      style={{
        textTransform: 'none',
        // -9 reads on the light tint in light mode, but is too dark on dark backgrounds (axe: < 4.5:1).
        color: `light-dark(var(--mantine-color-${statusColor(status)}-9), var(--mantine-color-${statusColor(status)}-2))`,
      }}
    >
      {status || 'none'}
    </Badge>
  );
}

export function DirectionBadge({ direction, size = 'sm' }: { direction: string; size?: 'xs' | 'sm' | 'md' }) {
  const inbound = direction === 'inbound';
  return (
    <Badge
      color={inbound ? 'grape.9' : 'indigo.9'}
      variant="outline"
      size={size}
      style={{
        textTransform: 'none',
        color: `light-dark(var(--mantine-color-${inbound ? 'grape' : 'indigo'}-9), var(--mantine-color-${inbound ? 'grape' : 'indigo'}-2))`,
        borderColor: 'currentColor',
      }}
    >
      {inbound ? '← in' : 'out →'}
    </Badge>
  );
}
