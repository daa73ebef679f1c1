// /admin/staff: who can sign in and with which role; add, change role, disable/enable, reset password.
import {
  Alert,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Text,
  TextInput,
  VisuallyHidden,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { PageHeader } from '@/components/page-header';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { authQueries, hasRole, useCurrentUser } from '@/lib/auth';
import { countOf } from '@/lib/format';
import { userQueries, type StaffUser } from '../api/user-queries';
import {
  ChangeRoleDialog,
  ResetPasswordDialog,
  SetDisabledDialog,
  type AccountAction,
} from '../components/account-dialogs';
import { AddUserDialog } from '../components/add-user-dialog';
import { StaffTable } from '../components/staff-table';

type StatusFilter = 'all' | 'active' | 'disabled';

export function filterStaff(users: StaffUser[], query: string, status: StatusFilter): StaffUser[] {
  const q = query.trim().toLowerCase();
  return users.filter(
    (u) =>
      (!q || u.username.toLowerCase().includes(q)) &&
      (status === 'all' || (status === 'disabled' ? u.disabled : !u.disabled)),
  );
}

export function StaffPage() {
  const session = useQuery(authQueries.me());
  const me = session.data;
  if (session.isPending) return <LoadingState label="Checking your role" />;
  // The proxy refuses the data anyway (403); say so plainly instead of showing an empty screen.
  if (me && !hasRole(me, 'admin')) {
    return (
      <>
        <PageHeader title="Staff" />
        <Alert color="gray" variant="light" title="Admins only">
          Only admins can manage staff accounts. You are signed in as {me.username} ({me.role}).
        </Alert>
      </>
    );
  }
  return <StaffPageScreen />;
}

function StaffPageScreen() {
  const me = useCurrentUser();
  const users = useQuery(userQueries.list());
  const [searchParams, setSearchParams] = useSearchParams();
  const query = searchParams.get('q') ?? '';
  const rawStatus = searchParams.get('status');
  const status: StatusFilter = rawStatus === 'active' || rawStatus === 'disabled' ? rawStatus : 'all';
  const [adding, setAdding] = useState(false);
  const [open, setOpen] = useState<{ user: StaffUser; action: AccountAction } | null>(null);

  const setParam = (key: string, value: string) =>
    setSearchParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value && value !== 'all') next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );

  const done = (message: string) => {
    setOpen(null);
    notifications.show({ color: 'teal', message, closeButtonProps: { 'aria-label': 'Dismiss' } });
  };

  const visible = users.data ? filterStaff(users.data, query, status) : [];
  const dialogProps = open
    ? {
        user: open.user,
        isSelf: String(me?.id ?? '') === open.user.id,
        onClose: () => setOpen(null),
        onDone: done,
      }
    : null;

  return (
    <>
      <PageHeader
        title="Staff"
        description="Who can sign in, and what each person may do. Every change here is recorded in the audit log."
        actions={<Button onClick={() => setAdding(true)}>Add staff member</Button>}
      />
      <Paper withBorder radius="md" p="md">
        <Group gap="sm" mb="sm" wrap="wrap" align="flex-end">
          <TextInput
            label="Find by username"
            placeholder="e.g. alice"
            value={query}
            onChange={(event) => setParam('q', event.currentTarget.value)}
            w={{ base: '100%', xs: 260 }}
          />
          <div>
            <VisuallyHidden id="staff-status-label">Status</VisuallyHidden>
            <SegmentedControl
              aria-labelledby="staff-status-label"
              value={status}
              onChange={(value) => setParam('status', value)}
              data={[
                { value: 'all', label: 'All' },
                { value: 'active', label: 'Active' },
                { value: 'disabled', label: 'Disabled' },
              ]}
            />
          </div>
          {users.data ? (
            <Text size="sm" c="dimmed" ml="auto" aria-live="polite">
              {visible.length} of {countOf(users.data.length, 'account')}
            </Text>
          ) : null}
        </Group>
        {users.isPending ? (
          <LoadingState rows={4} label="Loading staff accounts" />
        ) : users.isError ? (
          <ErrorState error={users.error} onRetry={() => void users.refetch()} />
        ) : visible.length === 0 ? (
          <EmptyState title={users.data.length ? 'No account matches' : 'No staff accounts yet'}>
            {users.data.length
              ? 'Clear the search or the status filter.'
              : 'Add the first one with “Add staff member”.'}
          </EmptyState>
        ) : (
          <StaffTable
            users={visible}
            currentUserId={me ? String(me.id) : null}
            onAction={(user, action) => setOpen({ user, action })}
          />
        )}
      </Paper>

      <AddUserDialog
        opened={adding}
        onClose={() => setAdding(false)}
        onCreated={(_user, username) =>
          notifications.show({
            color: 'teal',
            message: `Added ${username}.`,
            closeButtonProps: { 'aria-label': 'Dismiss' },
          })
        }
      />
      {open && dialogProps && open.action === 'role' ? <ChangeRoleDialog {...dialogProps} /> : null}
      {open && dialogProps && open.action === 'password' ? <ResetPasswordDialog {...dialogProps} /> : null}
      {open && dialogProps && (open.action === 'disable' || open.action === 'enable') ? (
        <SetDisabledDialog {...dialogProps} disable={open.action === 'disable'} />
      ) : null}
    </>
  );
}
