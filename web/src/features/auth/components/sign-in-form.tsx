// Username + password form: validates before sending, shows sign-in failures inline (wrong credentials,
// throttled with a live wait, disabled, server/network) and locks the button while throttled.
import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { CurrentUser } from '@/lib/auth';
import { authMutations } from '../api/auth-queries';
import { signInError, type SignInError } from '../api/sign-in-error';
import { useCountdown } from './use-countdown';

export interface SignInValues {
  username: string;
  password: string;
}

/** 42 → "42 s", 899 → "14:59". */
export function formatCountdown(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

export function validateSignIn(values: SignInValues): Partial<Record<keyof SignInValues, string>> {
  const errors: Partial<Record<keyof SignInValues, string>> = {};
  if (!values.username.trim()) errors.username = 'Enter your username';
  if (!values.password) errors.password = 'Enter your password';
  return errors;
}

export function SignInForm({ onSignedIn }: { onSignedIn: (user: CurrentUser) => void }) {
  const form = useForm<SignInValues>({
    mode: 'controlled',
    initialValues: { username: '', password: '' },
    validate: validateSignIn,
  });
  const login = useMutation(authMutations.login());
  const [failure, setFailure] = useState<SignInError | null>(null);
  const { left: wait, start: startWait } = useCountdown();
  const throttled = wait > 0;

  const submit = form.onSubmit((values) => {
    if (throttled) return;
    setFailure(null);
    login.mutate(
      { username: values.username.trim(), password: values.password },
      {
        onSuccess: (user) => onSignedIn(user),
        onError: (error) => {
          const described = signInError(error);
          setFailure(described);
          startWait(described.retryAfterSeconds);
          if (described.kind === 'credentials') {
            form.setFieldValue('password', '');
            form.getInputNode('password')?.focus();
          }
        },
      },
    );
  });

  return (
    <form onSubmit={submit} noValidate aria-label="Sign in">
      <Stack gap="md">
        {failure ? (
          <Alert
            color={failure.kind === 'throttled' ? 'yellow' : 'red'}
            variant="light"
            role="alert"
            title={failure.kind === 'throttled' ? 'Too many attempts' : 'Sign-in failed'}
            data-testid="sign-in-error"
          >
            {failure.kind === 'throttled' && !throttled ? 'You can try again now.' : failure.message}
          </Alert>
        ) : null}
        <TextInput
          label="Username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          data-autofocus
          {...form.getInputProps('username')}
        />
        <PasswordInput
          label="Password"
          autoComplete="current-password"
          required
          {...form.getInputProps('password')}
        />
        <Button type="submit" fullWidth loading={login.isPending} disabled={throttled}>
          {throttled ? `Try again in ${formatCountdown(wait)}` : 'Sign in'}
        </Button>
      </Stack>
    </form>
  );
}
