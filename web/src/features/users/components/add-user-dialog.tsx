// "Add staff member": username, role and an initial password (with strength hint); refusals shown inline.
import { Alert, Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { userChangeError } from '../api/user-errors';
import { userMutations, type NewStaffUser, type StaffUser } from '../api/user-queries';
import { PasswordField } from './password-field';
import { MIN_PASSWORD_LENGTH } from './password-strength';
import { RoleRadio } from './role-radio';

/** What the proxy accepts (lower-cased first): 1-64 of a-z 0-9 . _ @ -, starting with a letter or digit. */
export const USERNAME_RE = /^[a-z0-9][a-z0-9._@-]{0,63}$/;

export function validateNewUser(values: NewStaffUser): Partial<Record<keyof NewStaffUser, string>> {
  const errors: Partial<Record<keyof NewStaffUser, string>> = {};
  const username = values.username.trim().toLowerCase();
  if (!username) errors.username = 'Enter a username';
  else if (!USERNAME_RE.test(username)) {
    errors.username = 'Use 1–64 of a–z, 0–9 and . _ @ -, starting with a letter or digit';
  }
  if ([...values.password].length < MIN_PASSWORD_LENGTH) {
    errors.password = `Use at least ${MIN_PASSWORD_LENGTH} characters`;
  }
  return errors;
}

export function AddUserDialog({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: (user: StaffUser | null, username: string) => void;
}) {
  const form = useForm<NewStaffUser>({
    mode: 'controlled',
    initialValues: { username: '', role: 'viewer', password: '' },
    validate: validateNewUser,
  });
  const create = useMutation(userMutations.create());
  const [failure, setFailure] = useState<string | null>(null);

  const close = () => {
    if (create.isPending) return;
    form.reset();
    setFailure(null);
    create.reset();
    onClose();
  };

  const submit = form.onSubmit((values) => {
    setFailure(null);
    const input = { ...values, username: values.username.trim().toLowerCase() };
    create.mutate(input, {
      onSuccess: (user) => {
        onCreated(user, input.username);
        form.reset();
        onClose();
      },
      onError: (error) => {
        const described = userChangeError(error);
        if (described.field) form.setFieldError(described.field, described.message);
        else setFailure(described.message);
      },
    });
  });

  return (
    <Modal
      opened={opened}
      onClose={close}
      title="Add staff member"
      centered
      size="lg"
      closeButtonProps={{ 'aria-label': 'Cancel and close' }}
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <TextInput
            label="Username"
            description="Lower case; what they type to sign in"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            required
            data-autofocus
            {...form.getInputProps('username')}
          />
          <RoleRadio
            value={form.values.role}
            onChange={(role) => form.setFieldValue('role', role)}
            error={form.errors.role as string | undefined}
          />
          <PasswordField
            label="Initial password"
            value={form.values.password}
            onChange={(value) => form.setFieldValue('password', value)}
            username={form.values.username}
            error={form.errors.password as string | undefined}
          />
          {failure ? (
            <Alert color="red" variant="light" role="alert">
              {failure}
            </Alert>
          ) : null}
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={close} disabled={create.isPending}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Add staff member
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
