// /buy: area codes that have purchasable numbers (optionally under a setup-cost cap) → their exchanges.
import { Anchor, Box, Button, Group, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { nextOffsetFromLink, Pager, usePageParams } from '@/components/pager';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { availableQueries, MAX_AREACODES_LIMIT } from '@/lib/flowroute/purchase';
import { formatCents } from '../api/money';
import { CostCapForm } from '../components/cost-cap-form';
import { costCapParam, readCostCap, withFilters } from '../components/search-params';

const AREACODE_PAGE_SIZES = [50, 100, 200, 400] as const;

export function AreacodesPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const { limit, offset, setPage } = usePageParams({ defaultLimit: 200, maxLimit: MAX_AREACODES_LIMIT });
  const capCents = readCostCap(searchParams);
  const cap = costCapParam(capCents);
  const query = useQuery(
    availableQueries.areacodes({ limit, offset, ...(cap !== null ? { max_setup_cost: cap } : {}) }),
  );
  const codes = query.data?.data ?? [];
  const suffix = cap !== null ? `?max_setup_cost=${cap}` : '';

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="md">
        <CostCapForm
          key={cap ?? 'none'}
          valueCents={capCents}
          onApply={(cents) =>
            setSearchParams((prev) => withFilters(prev, { max_setup_cost: costCapParam(cents) }))
          }
        />
        <GoToAreacode suffix={suffix} />
      </Group>

      <Box>
        <Title order={2} size="h4" mb={4}>
          Area codes with numbers for sale
        </Title>
        <Text size="sm" c="dimmed">
          {capCents !== null
            ? `Only area codes with a number whose setup cost is at most ${formatCents(capCents)}.`
            : 'Pick an area code to see its exchanges.'}
        </Text>
      </Box>

      {query.isPending ? (
        <LoadingState label="Loading area codes…" rows={4} />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : codes.length === 0 ? (
        <EmptyState title="No area codes found">
          {capCents !== null
            ? 'Try a higher setup cost cap.'
            : 'Flowroute has no purchasable numbers right now.'}
        </EmptyState>
      ) : (
        <SimpleGrid
          cols={{ base: 4, xs: 6, sm: 8, md: 10, lg: 12 }}
          spacing="xs"
          verticalSpacing="xs"
          component="ul"
          p={0}
          m={0}
          style={{ listStyle: 'none', opacity: query.isPlaceholderData ? 0.6 : 1 }}
          aria-label="Area codes"
        >
          {codes.map((code) => (
            <li key={code.id}>
              <Button
                component={Link}
                to={`/buy/areacodes/${code.id}${suffix}`}
                variant="default"
                fullWidth
                ff="monospace"
                aria-label={`Area code ${code.id}`}
              >
                {code.id}
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
          pageSizes={AREACODE_PAGE_SIZES}
          itemLabel="area codes"
        />
      ) : null}
    </Stack>
  );
}

/** Jump straight to an area code's exchanges ("206", "(206)"). */
function GoToAreacode({ suffix }: { suffix: string }) {
  const navigate = useNavigate();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const digits = value.replace(/\D/g, '').replace(/^1(?=\d{3}$)/, '');
    if (!/^[2-9]\d{2}$/.test(digits)) {
      setError('An area code is 3 digits and does not start with 0 or 1.');
      return;
    }
    setError(null);
    void navigate(`/buy/areacodes/${digits}${suffix}`);
  };
  return (
    <form onSubmit={submit} aria-label="Go to an area code">
      <Group align="flex-start" gap="xs" wrap="nowrap">
        <TextInput
          label="Go to area code"
          placeholder="206"
          inputMode="numeric"
          value={value}
          onChange={(e) => setValue(e.currentTarget.value)}
          error={error}
          w={160}
        />
        <Button type="submit" variant="default" mt={25}>
          Go
        </Button>
      </Group>
      <Anchor component={Link} to="/buy/search" size="xs">
        Or search by state, rate center or digits
      </Anchor>
    </form>
  );
}
