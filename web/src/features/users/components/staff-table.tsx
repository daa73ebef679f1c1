// The staff list: username, role, status, dates, and a menu of account changes per row.
import { ActionIcon, Badge, Group, Menu, Stack, Table, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { DateTime } from '@/components/date-time';
import { ROLE_LABELS, type StaffUser } from '../api/user-queries';
import type { AccountAction } from './account-dialogs';

const ROLE_COLORS = { viewer: 'gray', operator: 'blue', admin: 'grape' } as const;

export function StaffTable({
  users,
  currentUserId,
  onAction,
}: {
  users: StaffUser[];
  currentUserId: string | null;
  onAction: (user: StaffUser, action: AccountAction) => void;
}) {
  // Phones get one card per account: a six-column table does not fit in 390 px.
  const narrow = useMediaQuery('(max-width: 40em)');
  if (narrow) return <StaffCards users={users} currentUserId={currentUserId} onAction={onAction} />;
  return (
    <Table.ScrollContainer minWidth={360}>
      <Table striped highlightOnHover verticalSpacing="sm" aria-label="Staff accounts">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Username</Table.Th>
            <Table.Th scope="col">Role</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col" visibleFrom="md">
              Created
            </Table.Th>
            <Table.Th scope="col" visibleFrom="md">
              Last changed
            </Table.Th>
            <Table.Th scope="col" ta="right">
              <Text span size="sm" fw={700}>
                Actions
              </Text>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((user) => {
            const isSelf = user.id === currentUserId;
            return (
              <Table.Tr key={user.id} data-testid={`staff-row-${user.username}`}>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <Text size="sm" fw={500} style={{ overflowWrap: 'anywhere' }}>
                      {user.username}
                    </Text>
                    {isSelf ? (
                      <Badge size="xs" variant="outline" color="gray">
                        you
                      </Badge>
                    ) : null}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <RoleBadge user={user} />
                </Table.Td>
                <Table.Td>
                  <StatusBadge user={user} />
                </Table.Td>
                <Table.Td visibleFrom="md">
                  <DateTime value={user.createdAt ?? null} size="sm" seconds={false} />
                </Table.Td>
                <Table.Td visibleFrom="md">
                  <DateTime value={user.updatedAt ?? null} size="sm" seconds={false} />
                </Table.Td>
                <Table.Td ta="right">
                  <ActionsMenu user={user} onAction={onAction} />
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function RoleBadge({ user }: { user: StaffUser }) {
  return (
    <Badge variant="light" color={ROLE_COLORS[user.role]}>
      {ROLE_LABELS[user.role]}
    </Badge>
  );
}

function StatusBadge({ user }: { user: StaffUser }) {
  return user.disabled ? (
    <Badge variant="outline" color="red">
      Disabled
    </Badge>
  ) : (
    <Badge variant="dot" color="teal">
      Active
    </Badge>
  );
}

function ActionsMenu({
  user,
  onAction,
}: {
  user: StaffUser;
  onAction: (user: StaffUser, action: AccountAction) => void;
}) {
  return (
    <Menu position="bottom-end" withinPortal shadow="md">
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" size="lg" aria-label={`Actions for ${user.username}`}>
          <svg width="18" height="18" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true">
            <circle cx="5" cy="12" r="2" />
            <circle cx="12" cy="12" r="2" />
            <circle cx="19" cy="12" r="2" />
          </svg>
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item onClick={() => onAction(user, 'role')}>Change role…</Menu.Item>
        <Menu.Item onClick={() => onAction(user, 'password')}>Reset password…</Menu.Item>
        <Menu.Divider />
        {user.disabled ? (
          <Menu.Item onClick={() => onAction(user, 'enable')}>Enable account…</Menu.Item>
        ) : (
          <Menu.Item color="red" onClick={() => onAction(user, 'disable')}>
            Disable account…
          </Menu.Item>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}

function StaffCards({
  users,
  currentUserId,
  onAction,
}: {
  users: StaffUser[];
  currentUserId: string | null;
  onAction: (user: StaffUser, action: AccountAction) => void;
}) {
  return (
    <Stack gap={0} component="ul" aria-label="Staff accounts" p={0} m={0} style={{ listStyle: 'none' }}>
      {users.map((user) => (
        <Group
          component="li"
          key={user.id}
          data-testid={`staff-row-${user.username}`}
          justify="space-between"
          wrap="nowrap"
          py="sm"
          style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}
        >
          <Stack gap={6} style={{ minWidth: 0 }}>
            <Group gap={6} wrap="nowrap">
              <Text fw={600} size="sm" style={{ overflowWrap: 'anywhere' }}>
                {user.username}
              </Text>
              {user.id === currentUserId ? (
                <Badge size="xs" variant="outline" color="gray">
                  you
                </Badge>
              ) : null}
            </Group>
            <Group gap={6}>
              <RoleBadge user={user} />
              <StatusBadge user={user} />
            </Group>
          </Stack>
          <ActionsMenu user={user} onAction={onAction} />
        </Group>
      ))}
    </Stack>
  );
}
