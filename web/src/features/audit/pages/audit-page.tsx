// /admin/audit: the audit log for admins — filters and page in the URL, detail drawer, CSV export, chain check.
import { Alert, Button, Collapse, Paper, Stack, Text } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import type { ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { PageHeader } from '@/components/page-header';
import { Pager } from '@/components/pager';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { authQueries, hasRole } from '@/lib/auth';
import { viewerTimeZone } from '@/lib/format';
import { auditCsvUrl, auditQueries } from '../api/audit-queries';
import {
  AUDIT_PAGE_SIZES,
  hasFilters,
  readAuditSearch,
  toAuditFilters,
  toListParams,
  writeAuditSearch,
  type AuditSearch,
} from '../api/audit-search';
import { AuditDetailDrawer } from '../components/audit-detail-drawer';
import { AuditFiltersForm, type FilterValues } from '../components/audit-filters-form';
import { AuditTable } from '../components/audit-table';
import { VerifyChainButton, VerifyChainResult } from '../components/verify-chain';

export function AuditPage() {
  const session = useQuery(authQueries.me());
  const me = session.data;
  if (session.isPending) return <LoadingState label="Checking your role" />;
  // The proxy refuses the data anyway (403); say so plainly instead of showing an empty screen.
  if (me && !hasRole(me, 'admin')) {
    return (
      <>
        <PageHeader title="Audit log" />
        <Alert color="gray" variant="light" title="Admins only">
          Only admins can read the audit log. You are signed in as {me.username} ({me.role}).
        </Alert>
      </>
    );
  }
  return <AuditPageScreen />;
}

function AuditPageScreen() {
  const [searchParams, setSearchParams] = useSearchParams();
  const search = readAuditSearch(searchParams);
  const list = useQuery(auditQueries.list(toListParams(search)));
  const verify = useQuery(auditQueries.verify());
  const filters = toAuditFilters(search);

  const update = (changes: Partial<AuditSearch>, replace = false) =>
    setSearchParams((prev) => writeAuditSearch(prev, changes), { replace, preventScrollReset: true });
  const open = (id: string) => update({ id });

  const filterValues: FilterValues = {
    who: search.who,
    what: search.what,
    from: search.from,
    to: search.to,
    number: search.number,
    ip: search.ip,
    result: search.result,
  };
  const items = list.data?.items ?? [];
  const activeFilters = Object.values(filterValues).filter(Boolean).length;

  return (
    <>
      <PageHeader
        title="Audit log"
        description={`Changes, sign-ins and staff changes, newest first. Times in ${viewerTimeZone()}.`}
        actions={
          <>
            <VerifyChainButton verify={verify} />
            <Button component="a" href={auditCsvUrl(filters)} download variant="default">
              Export CSV
            </Button>
          </>
        }
      />
      <Stack gap="md">
        <VerifyChainResult verify={verify} onOpenRecord={open} />
        <FiltersPanel active={activeFilters}>
          {/* Re-mount when the URL's filters change (back/forward, Clear) so the form shows them. */}
          <AuditFiltersForm
            key={JSON.stringify(filterValues)}
            initial={filterValues}
            onApply={(values) => update(values)}
          />
        </FiltersPanel>
        <Paper withBorder radius="md" p="md">
          {list.isPending ? (
            <LoadingState rows={8} label="Loading audit records" />
          ) : list.isError ? (
            <ErrorState error={list.error} onRetry={() => void list.refetch()} />
          ) : items.length === 0 && search.offset === 0 ? (
            <EmptyState title={hasFilters(search) ? 'Nothing matches these filters' : 'No audit records yet'}>
              {hasFilters(search)
                ? 'Widen the date range or clear a filter.'
                : 'Sign-ins, changes and staff updates appear here as they happen.'}
            </EmptyState>
          ) : (
            <Stack gap="xs">
              <AuditTable
                entries={items}
                selectedId={search.id || null}
                onOpen={open}
                caption={`Audit records ${search.offset + 1}–${search.offset + items.length}, newest first`}
              />
              {list.isPlaceholderData ? (
                <Text size="xs" c="dimmed" aria-live="polite">
                  Updating…
                </Text>
              ) : null}
            </Stack>
          )}
          <Pager
            limit={search.limit}
            offset={search.offset}
            count={items.length}
            nextOffset={list.data?.nextOffset ?? null}
            loading={list.isFetching}
            pageSizes={AUDIT_PAGE_SIZES}
            itemLabel="records"
            onChange={({ limit, offset }) => update({ limit, offset: limit !== search.limit ? 0 : offset })}
          />
        </Paper>
      </Stack>
      <AuditDetailDrawer id={search.id || null} onClose={() => update({ id: '' }, true)} />
    </>
  );
}

/** On phones the six filters fold away behind one button, so the records are on the first screen. */
function FiltersPanel({ active, children }: { active: number; children: ReactNode }) {
  const narrow = useMediaQuery('(max-width: 40em)');
  const [opened, { toggle }] = useDisclosure(false);
  if (!narrow) {
    return (
      <Paper withBorder radius="md" p="md">
        {children}
      </Paper>
    );
  }
  return (
    <Paper withBorder radius="md" p="sm">
      <Button
        variant="subtle"
        fullWidth
        justify="space-between"
        onClick={toggle}
        aria-expanded={opened}
        aria-controls="audit-filters-panel"
        rightSection={<span aria-hidden="true">{opened ? '▲' : '▼'}</span>}
      >
        {active ? `Filters (${active} active)` : 'Filters'}
      </Button>
      <Collapse expanded={opened} id="audit-filters-panel">
        <div style={{ paddingTop: 8 }}>{children}</div>
      </Collapse>
    </Paper>
  );
}
