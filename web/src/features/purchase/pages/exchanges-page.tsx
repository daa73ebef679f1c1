// /buy/areacodes/:areacode: the exchanges (NPA-NXX) of one area code that have numbers for sale.
import { Anchor, Box, Breadcrumbs, Button, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { nextOffsetFromLink, Pager, usePageParams } from '@/components/pager';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { availableQueries, MAX_EXCHANGES_LIMIT } from '@/lib/flowroute/purchase';
import { formatCents } from '../api/money';
import { CostCapForm } from '../components/cost-cap-form';
import { exchangeLabel } from '../components/labels';
import { costCapParam, readCostCap, withFilters } from '../components/search-params';

export function ExchangesPage() {
  const { areacode = '' } = useParams();
  const valid = /^[2-9]\d{2}$/.test(areacode);
  const [searchParams, setSearchParams] = useSearchParams();
  const { limit, offset, setPage } = usePageParams({ defaultLimit: 200, maxLimit: MAX_EXCHANGES_LIMIT });
  const capCents = readCostCap(searchParams);
  const cap = costCapParam(capCents);
  const query = useQuery({
    ...availableQueries.exchanges({
      areacode,
      limit,
      offset,
      ...(cap !== null ? { max_setup_cost: cap } : {}),
    }),
    enabled: valid,
  });
  const codes = query.data?.data ?? [];
  const backSuffix = cap !== null ? `?max_setup_cost=${cap}` : '';

  return (
    <Stack gap="md">
      <Breadcrumbs separator="›">
        <Anchor component={Link} to={`/buy${backSuffix}`}>
          Area codes
        </Anchor>
        <Text span>{areacode}</Text>
      </Breadcrumbs>
      <Box>
        <Title order={2} size="h4" mb={4}>
          Exchanges in area code {areacode}
        </Title>
        <Text size="sm" c="dimmed">
          Pick an exchange to see its numbers.
          {capCents !== null
            ? ` Only exchanges with a number at most ${formatCents(capCents)} to set up.`
            : ''}
        </Text>
      </Box>
      <CostCapForm
        key={cap ?? 'none'}
        valueCents={capCents}
        onApply={(cents) =>
          setSearchParams((prev) => withFilters(prev, { max_setup_cost: costCapParam(cents) }))
        }
      />

      {!valid ? (
        <EmptyState title="Not an area code">
          An area code is 3 digits and does not start with 0 or 1.
        </EmptyState>
      ) : query.isPending ? (
        <LoadingState label="Loading exchanges…" rows={4} />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : codes.length === 0 ? (
        <EmptyState
          title={`No exchanges with numbers for sale in ${areacode}`}
          action={
            <Button component={Link} to="/buy" variant="light">
              Back to area codes
            </Button>
          }
        >
          {capCents !== null ? 'Try a higher setup cost cap.' : undefined}
        </EmptyState>
      ) : (
        <SimpleGrid
          cols={{ base: 3, xs: 4, sm: 5, md: 6, lg: 8 }}
          spacing="xs"
          verticalSpacing="xs"
          component="ul"
          p={0}
          m={0}
          style={{ listStyle: 'none', opacity: query.isPlaceholderData ? 0.6 : 1 }}
          aria-label={`Exchanges in area code ${areacode}`}
        >
          {codes.map((code) => (
            <li key={code.id}>
              <Button
                component={Link}
                to={`/buy/search?starts_with=${code.id}${cap !== null ? `&max_setup_cost=${cap}` : ''}`}
                variant="default"
                fullWidth
                px="xs"
                ff="monospace"
                aria-label={`Exchange ${exchangeLabel(code.id)}`}
              >
                {exchangeLabel(code.id)}
              </Button>
            </li>
          ))}
        </SimpleGrid>
      )}

      {query.data ? (
        <Pager
          limit={limit}
          offset={offset}
          count={codes.length}
          nextOffset={nextOffsetFromLink(query.data.links?.next)}
          onChange={setPage}
          loading={query.isFetching}
          pageSizes={[50, 100, 200]}
          itemLabel="exchanges"
        />
      ) : null}
    </Stack>
  );
}
