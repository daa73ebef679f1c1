// New-password input for admins: strength meter with hints, "Generate" (shows what it made) and copy.
import {
  ActionIcon,
  Button,
  CopyButton,
  Group,
  PasswordInput,
  Progress,
  Stack,
  Text,
  Tooltip,
} from '@mantine/core';
import { useState } from 'react';
import { generatePassword, MIN_PASSWORD_LENGTH, passwordStrength } from './password-strength';

export function PasswordField({
  label,
  value,
  onChange,
  username,
  error,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  username: string;
  error?: string | null;
}) {
  const strength = passwordStrength(value, username);
  const [visible, setVisible] = useState(false);
  return (
    <Stack gap={6}>
      <PasswordInput
        label={label}
        autoComplete="new-password"
        required
        value={value}
        onChange={(event) => onChange(event.currentTarget.value)}
        error={error ?? undefined}
        visible={visible}
        onVisibilityChange={setVisible}
        spellCheck={false}
      />
      <Group gap="xs" wrap="nowrap" align="center">
        <Button
          size="compact-sm"
          variant="light"
          onClick={() => {
            onChange(generatePassword());
            setVisible(true);
          }}
        >
          Generate
        </Button>
        <CopyButton value={value} timeout={1500}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? 'Copied' : 'Copy password'} withArrow>
              <ActionIcon
                variant="subtle"
                color={copied ? 'teal' : 'gray'}
                onClick={copy}
                disabled={!value}
                aria-label={copied ? 'Password copied' : 'Copy password'}
              >
                <svg
                  width="14"
                  height="14"
                  viewBox="0 0 24 24"
                  fill="none"
                  stroke="currentColor"
                  strokeWidth="2"
                  aria-hidden="true"
                >
                  {copied ? (
                    <path d="M20 6 9 17l-5-5" />
                  ) : (
                    <>
                      <rect x="9" y="9" width="12" height="12" rx="2" />
                      <path d="M5 15H4a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2h9a2 2 0 0 1 2 2v1" />
                    </>
                  )}
                </svg>
              </ActionIcon>
            </Tooltip>
          )}
        </CopyButton>
        <Progress
          value={value ? strength.percent : 0}
          color={strength.color}
          size="sm"
          style={{ flex: 1 }}
          aria-hidden
        />
      </Group>
      <Text size="xs" c="dimmed" aria-live="polite" data-testid="password-strength">
        {value ? (
          <>
            Strength: <strong>{strength.label}</strong>
            {strength.hints.length ? ` — ${strength.hints.join(' ')}` : ''}
          </>
        ) : (
          `At least ${MIN_PASSWORD_LENGTH} characters. A few random words, or Generate, work well.`
        )}
      </Text>
    </Stack>
  );
}
