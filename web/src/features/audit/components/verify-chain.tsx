// "Verify chain": re-reads the whole audit log on the proxy and says whether any record was edited or removed.
import { Alert, Anchor, Button, Text } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { ErrorState } from '@/components/states';
import { formatDateTime } from '@/lib/format';
import type { VerifyResult } from '../api/audit-queries';

export function VerifyChainButton({ verify }: { verify: UseQueryResult<VerifyResult> }) {
  return (
    <Button variant="default" loading={verify.isFetching} onClick={() => void verify.refetch()}>
      Verify chain
    </Button>
  );
}

export function VerifyChainResult({
  verify,
  onOpenRecord,
}: {
  verify: UseQueryResult<VerifyResult>;
  onOpenRecord: (id: string) => void;
}) {
  if (verify.isFetching && !verify.data) return null;
  if (verify.isError) return <ErrorState title="Could not verify the chain" error={verify.error} />;
  const result = verify.data;
  if (!result) return null;
  const at = formatDateTime(verify.dataUpdatedAt);
  if (result.ok) {
    return (
      <Alert color="teal" variant="light" title="Chain intact" role="status" data-testid="verify-result">
        <Text size="sm">
          {result.checked.toLocaleString('en-US')} records checked at {at}: none edited, inserted or removed.
        </Text>
      </Alert>
    );
  }
  const broken = result.firstBroken;
  return (
    <Alert color="red" variant="light" title="Chain broken" role="alert" data-testid="verify-result">
      <Text size="sm">
        {broken
          ? broken.reason === 'hash_mismatch'
            ? `Record #${broken.seq} does not match its hash: it was edited after it was written.`
            : `Record #${broken.seq} does not link to the record before it: records were removed or inserted there.`
          : 'The chain does not verify.'}{' '}
        {result.checked.toLocaleString('en-US')} records before it are intact (checked at {at}). Treat
        everything from there on as untrustworthy and restore from a copy.
      </Text>
      {broken ? (
        <Anchor component="button" type="button" size="sm" mt={4} onClick={() => onOpenRecord(broken.id)}>
          Open record #{broken.seq}
        </Anchor>
      ) : null}
    </Alert>
  );
}
