// The header's account button (name, role, chevron), shared by the light stand-in (shell.tsx) and the real menu.
import { Avatar, Badge, Group, Text, UnstyledButton } from '@mantine/core';
import type { ComponentPropsWithRef } from 'react';
import type { CurrentUser, Role } from '@/lib/auth';
import { ChevronDownIcon } from './icons';

const ROLE_COLORS: Record<Role, string> = { viewer: 'gray', operator: 'blue', admin: 'grape' };

export function UserMenuButton({
  user,
  ...props
}: Omit<ComponentPropsWithRef<'button'>, 'children' | 'color' | 'style'> & { user: CurrentUser }) {
  const color = ROLE_COLORS[user.role] ?? 'gray';
  return (
    <UnstyledButton {...props} aria-label={`Account menu for ${user.username}`} data-testid="user-menu">
      <Group gap={6} wrap="nowrap">
        <Avatar size="sm" radius="xl" color={color} hiddenFrom="sm" aria-hidden="true">
          {user.username.slice(0, 1).toUpperCase()}
        </Avatar>
        <Text size="sm" fw={500} visibleFrom="sm" style={{ whiteSpace: 'nowrap' }}>
          {user.username}
        </Text>
        <Badge size="sm" variant="light" color={color} visibleFrom="sm">
          {user.role}
        </Badge>
        <ChevronDownIcon />
      </Group>
    </UnstyledButton>
  );
}
