// The confirm dialogs for one account: change role, disable/enable, reset password.
import { Alert, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { userChangeError } from '../api/user-errors';
import { ROLE_LABELS, userMutations, type Role, type StaffUser } from '../api/user-queries';
import { ConfirmDialog } from './confirm-dialog';
import { PasswordField } from './password-field';
import { MIN_PASSWORD_LENGTH } from './password-strength';
import { RoleRadio } from './role-radio';

export type AccountAction = 'role' | 'disable' | 'enable' | 'password';

interface DialogProps {
  user: StaffUser;
  isSelf: boolean;
  onClose: () => void;
  onDone: (message: string) => void;
}

export function ChangeRoleDialog({ user, isSelf, onClose, onDone }: DialogProps) {
  const [role, setRole] = useState<Role>(user.role);
  const mutation = useMutation(userMutations.setRole());
  const error = mutation.error ? userChangeError(mutation.error).message : null;
  const demotingSelf = isSelf && user.role === 'admin' && role !== 'admin';
  return (
    <ConfirmDialog
      opened
      title={`Change role of ${user.username}`}
      confirmLabel={role === user.role ? 'No change' : `Make ${ROLE_LABELS[role].toLowerCase()}`}
      confirmDisabled={role === user.role}
      confirmColor={demotingSelf ? 'red' : 'blue'}
      loading={mutation.isPending}
      error={error}
      onClose={onClose}
      onConfirm={() =>
        mutation.mutate(
          { id: user.id, role },
          { onSuccess: () => onDone(`${user.username} is now ${ROLE_LABELS[role].toLowerCase()}.`) },
        )
      }
    >
      <RoleRadio label="New role" value={role} onChange={setRole} />
      {role === 'admin' && user.role !== 'admin' ? (
        <Alert color="yellow" variant="light">
          Admins can buy numbers (this spends money) and manage every staff account.
        </Alert>
      ) : null}
      {demotingSelf ? (
        <Alert color="red" variant="light">
          This is your own account: you will lose access to Staff and Audit log at once.
        </Alert>
      ) : null}
      <Text size="xs" c="dimmed">
        The change applies to their next request, and is recorded in the audit log.
      </Text>
    </ConfirmDialog>
  );
}

export function SetDisabledDialog({
  user,
  isSelf,
  onClose,
  onDone,
  disable,
}: DialogProps & { disable: boolean }) {
  const mutation = useMutation(userMutations.setDisabled());
  const error = mutation.error ? userChangeError(mutation.error).message : null;
  return (
    <ConfirmDialog
      opened
      title={disable ? `Disable ${user.username}?` : `Enable ${user.username}?`}
      confirmLabel={disable ? 'Disable account' : 'Enable account'}
      confirmColor={disable ? 'red' : 'blue'}
      loading={mutation.isPending}
      error={error}
      onClose={onClose}
      onConfirm={() =>
        mutation.mutate(
          { id: user.id, disabled: disable },
          { onSuccess: () => onDone(`${user.username} is ${disable ? 'disabled' : 'enabled'}.`) },
        )
      }
    >
      <Text size="sm">
        {disable
          ? `${user.username} is signed out at once and can no longer sign in. Their audit history stays.`
          : `${user.username} can sign in again with their current password, as ${ROLE_LABELS[user.role].toLowerCase()}.`}
      </Text>
      {disable && isSelf ? (
        <Alert color="red" variant="light">
          This is your own account: you will be signed out.
        </Alert>
      ) : null}
    </ConfirmDialog>
  );
}

export function ResetPasswordDialog({ user, onClose, onDone }: DialogProps) {
  const [password, setPassword] = useState('');
  const [touched, setTouched] = useState(false);
  const mutation = useMutation(userMutations.resetPassword());
  const described = mutation.error ? userChangeError(mutation.error) : null;
  const tooShort = [...password].length < MIN_PASSWORD_LENGTH;
  const fieldError =
    touched && tooShort
      ? `Use at least ${MIN_PASSWORD_LENGTH} characters`
      : described?.field === 'password'
        ? described.message
        : null;
  return (
    <ConfirmDialog
      opened
      title={`Reset password of ${user.username}`}
      confirmLabel="Set new password"
      confirmColor="red"
      loading={mutation.isPending}
      error={described && described.field !== 'password' ? described.message : null}
      onClose={onClose}
      onConfirm={() => {
        setTouched(true);
        if (tooShort) return;
        mutation.mutate(
          { id: user.id, password },
          {
            onSuccess: () =>
              onDone(`New password set for ${user.username}. Give it to them over a trusted channel.`),
          },
        );
      }}
    >
      <PasswordField
        label="New password"
        value={password}
        onChange={setPassword}
        username={user.username}
        error={fieldError}
      />
      <Text size="xs" c="dimmed">
        Their old password stops working at once. Share the new one over a channel you trust, never in chat
        logs.
      </Text>
    </ConfirmDialog>
  );
}
