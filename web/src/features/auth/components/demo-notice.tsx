// Tells people on a demo proxy that it is a demo and where the demo password is.
import { Alert, Code, Text } from '@mantine/core';

export function DemoNotice({ demoUser }: { demoUser: string }) {
  return (
    <Alert color="blue" variant="light" title="This is a demo" data-testid="demo-notice">
      <Text size="sm">Flowroute is emulated here: nothing is bought or sent for real.</Text>
      <Text size="sm" mt={4}>
        Sign in as user <Code>{demoUser}</Code> with the password printed in the proxy&apos;s start log (or
        the <Code>DEMO_PASSWORD</Code> it was started with).
      </Text>
    </Alert>
  );
}
