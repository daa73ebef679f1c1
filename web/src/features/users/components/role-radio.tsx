// The three roles as radio cards, each saying what it allows.
import { Radio, Stack } from '@mantine/core';
import { ROLE_DESCRIPTIONS, ROLE_LABELS, ROLES, type Role } from '../api/user-queries';

export function RoleRadio({
  value,
  onChange,
  label = 'Role',
  error,
}: {
  value: Role;
  onChange: (role: Role) => void;
  label?: string;
  error?: string | null;
}) {
  return (
    <Radio.Group
      label={label}
      value={value}
      onChange={(next) => onChange(next as Role)}
      error={error ?? undefined}
      required
    >
      <Stack gap="xs" mt={6}>
        {ROLES.map((role) => (
          <Radio key={role} value={role} label={ROLE_LABELS[role]} description={ROLE_DESCRIPTIONS[role]} />
        ))}
      </Stack>
    </Radio.Group>
  );
}
