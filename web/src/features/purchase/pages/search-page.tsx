// /buy/search: purchasable numbers by state + rate center and/or digits (starts with / contains / ends
// with, typed any way, sent as digits), with a setup-cost cap. Every criterion and the page live in the URL.
import {
  Alert,
  Anchor,
  Box,
  Breadcrumbs,
  Button,
  Group,
  NumberInput,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { nextOffsetFromLink, Pager, usePageParams } from '@/components/pager';
import { EmptyState, ErrorState, LoadingState } from '@/components/states';
import { countOf, filterDigits, formatRateCenter, type FilterKind } from '@/lib/format';
import { availableQueries, MAX_NUMBERS_LIMIT, type AvailableNumberParams } from '@/lib/flowroute/purchase';
import { centsToDecimal, formatCents, toCents } from '../api/money';
import { AvailableNumbersTable } from '../components/available-numbers-table';
import { exchangeLabel } from '../components/labels';
import { REGIONS } from '../components/regions';
import { costCapParam, readCostCap, withFilters } from '../components/search-params';

const DIGIT_FIELDS: Array<{ name: FilterKind; label: string; placeholder: string }> = [
  { name: 'starts_with', label: 'Starts with', placeholder: '(206) 55' },
  { name: 'contains', label: 'Contains', placeholder: '555' },
  { name: 'ends_with', label: 'Ends with', placeholder: '0100' },
];

const TYPED_NUMBER = /^[\d\s().+-]*$/;

interface Criteria {
  state: string;
  rate_center: string;
  starts_with: string;
  contains: string;
  ends_with: string;
}

function readCriteria(params: URLSearchParams): Criteria {
  return {
    state: (params.get('state') ?? '').toUpperCase(),
    rate_center: params.get('rate_center') ?? '',
    starts_with: params.get('starts_with') ?? '',
    contains: params.get('contains') ?? '',
    ends_with: params.get('ends_with') ?? '',
  };
}

/** "Starts with 206 · WA · Seattle · setup ≤ $2.00 USD" (the collapsed search on phones). */
function describeCriteria(c: Criteria, capCents: number | null): string {
  const parts: string[] = [];
  if (c.starts_with) parts.push(`Starts with ${c.starts_with}`);
  if (c.contains) parts.push(`contains ${c.contains}`);
  if (c.ends_with) parts.push(`ends with ${c.ends_with}`);
  if (c.state) parts.push(c.state);
  if (c.rate_center) parts.push(formatRateCenter(c.rate_center));
  if (capCents !== null) parts.push(`setup ≤ ${formatCents(capCents)}`);
  return parts.join(' · ');
}

export function SearchPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const narrow = !useMediaQuery('(min-width: 48em)', true, { getInitialValueInEffect: false });
  const [formOpen, setFormOpen] = useState(false);
  const { limit, offset, setPage } = usePageParams({ defaultLimit: 50, maxLimit: MAX_NUMBERS_LIMIT });
  const criteria = readCriteria(searchParams);
  const capCents = readCostCap(searchParams);
  const rateCenterWithoutState = criteria.rate_center !== '' && criteria.state === '';
  const hasCriteria =
    criteria.state !== '' ||
    criteria.starts_with !== '' ||
    criteria.contains !== '' ||
    criteria.ends_with !== '';

  const params: AvailableNumberParams = {
    limit,
    offset,
    starts_with: criteria.starts_with,
    contains: criteria.contains,
    ends_with: criteria.ends_with,
    state: criteria.state.toLowerCase(),
    rate_center: criteria.state ? criteria.rate_center.toLowerCase() : '',
  };
  const query = useQuery({
    ...availableQueries.numbers(params),
    enabled: hasCriteria && !rateCenterWithoutState,
  });
  const all = query.data?.data ?? [];
  // Flowroute has no cost filter on this endpoint: the cap is applied to the page we got.
  const shown = capCents === null ? all : all.filter((n) => toCents(n.attributes.setup_cost) <= capCents);
  const hidden = all.length - shown.length;
  const exchange = /^\d{6}$/.test(criteria.starts_with) ? criteria.starts_with : null;

  return (
    <Stack gap="md">
      {exchange ? (
        <Breadcrumbs separator="›">
          <Anchor component={Link} to="/buy">
            Area codes
          </Anchor>
          <Anchor component={Link} to={`/buy/areacodes/${exchange.slice(0, 3)}`}>
            {exchange.slice(0, 3)}
          </Anchor>
          <Text span>{exchangeLabel(exchange)}</Text>
        </Breadcrumbs>
      ) : null}

      {narrow && hasCriteria && !formOpen ? (
        <Paper withBorder radius="md" p="sm">
          <Group justify="space-between" wrap="nowrap" gap="xs">
            <Text size="sm" style={{ minWidth: 0 }}>
              {describeCriteria(criteria, capCents)}
            </Text>
            <Button size="xs" variant="light" onClick={() => setFormOpen(true)}>
              Change search
            </Button>
          </Group>
        </Paper>
      ) : (
        <SearchForm
          key={searchParams.toString()}
          initial={criteria}
          capCents={capCents}
          onSearch={(next, cap) => {
            setFormOpen(false);
            setSearchParams((prev) => withFilters(prev, { ...next, max_setup_cost: costCapParam(cap) }));
          }}
          onReset={() => setSearchParams(new URLSearchParams())}
        />
      )}

      {rateCenterWithoutState ? (
        <Alert color="yellow" title="A rate center needs a state" role="alert">
          Pick the state the rate center is in, then search again.
        </Alert>
      ) : !hasCriteria ? (
        <EmptyState
          title="Search the inventory"
          action={
            <Button component={Link} to="/buy" variant="light">
              Browse area codes
            </Button>
          }
        >
          Enter a state, or the digits a number starts with, contains or ends with. Or browse area codes and
          exchanges.
        </EmptyState>
      ) : query.isPending ? (
        <LoadingState label="Searching numbers…" rows={6} />
      ) : query.isError ? (
        <ErrorState error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <Box>
          <Group justify="space-between" mb="xs" gap="xs">
            <Text size="sm" c="dimmed" aria-live="polite">
              {shown.length === 0 && all.length === 0
                ? 'No numbers match.'
                : `${countOf(shown.length, 'number')} on this page`}
              {hidden > 0 ? ` · ${hidden} above ${formatCents(capCents ?? 0)} setup hidden` : ''}
            </Text>
          </Group>
          {shown.length > 0 ? (
            <AvailableNumbersTable
              key={searchParams.toString()}
              numbers={shown}
              dimmed={query.isPlaceholderData}
            />
          ) : (
            <EmptyState
              title={all.length > 0 ? 'Every number on this page is above your cost cap' : 'No numbers match'}
            >
              {all.length > 0
                ? 'Go to the next page, or raise the cap.'
                : 'Try fewer digits, another rate center, or browse area codes.'}
            </EmptyState>
          )}
          <Pager
            limit={limit}
            offset={offset}
            count={all.length}
            nextOffset={nextOffsetFromLink(query.data.links?.next)}
            onChange={setPage}
            loading={query.isFetching}
            itemLabel="numbers"
          />
        </Box>
      )}
    </Stack>
  );
}

function SearchForm({
  initial,
  capCents,
  onSearch,
  onReset,
}: {
  initial: Criteria;
  capCents: number | null;
  onSearch: (criteria: Criteria, capCents: number | null) => void;
  onReset: () => void;
}) {
  const [values, setValues] = useState<Criteria>(initial);
  const [cap, setCap] = useState<string | number>(capCents === null ? '' : centsToDecimal(capCents));
  const [submitted, setSubmitted] = useState(false);
  const set = (name: keyof Criteria, value: string) => setValues((prev) => ({ ...prev, [name]: value }));

  const digitError = (name: FilterKind): string | null => {
    const value = values[name];
    if (!TYPED_NUMBER.test(value)) return 'Digits only (spaces, dashes, dots, brackets are fine).';
    const digits = filterDigits(value, name);
    if (value.trim() !== '' && digits === '') return 'Type at least one digit.';
    if (digits.length > 11) return 'At most 11 digits.';
    return null;
  };
  const rateCenterError =
    values.rate_center.trim() !== '' && !values.state
      ? 'Pick a state first: a rate center needs a state.'
      : null;
  const errors = DIGIT_FIELDS.map((f) => digitError(f.name));
  const invalid = rateCenterError !== null || errors.some((e) => e !== null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (invalid) return;
    const capNumber = typeof cap === 'number' ? cap : Number(cap);
    onSearch(
      {
        state: values.state,
        rate_center: values.state ? values.rate_center.trim() : '',
        starts_with: filterDigits(values.starts_with, 'starts_with'),
        contains: filterDigits(values.contains, 'contains'),
        ends_with: filterDigits(values.ends_with, 'ends_with'),
      },
      cap === '' || !Number.isFinite(capNumber) ? null : Math.round(capNumber * 100),
    );
  };

  return (
    <form onSubmit={submit} aria-label="Search numbers" noValidate>
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="sm">
          <Select
            label="State"
            placeholder="Any state"
            data={REGIONS}
            searchable
            clearable
            description="Needed for a rate center"
            value={values.state || null}
            onChange={(value) => set('state', value ?? '')}
            nothingFoundMessage="No such state"
          />
          <TextInput
            label="Rate center"
            description={values.state ? 'e.g. Seattle' : 'Needs a state'}
            placeholder={values.state ? 'Seattle' : 'Pick a state first'}
            value={values.rate_center}
            onChange={(e) => set('rate_center', e.currentTarget.value)}
            disabled={!values.state && values.rate_center === ''}
            error={submitted || values.rate_center ? rateCenterError : null}
          />
          <NumberInput
            label="Max setup cost (USD)"
            description="Hides pricier numbers on each page"
            placeholder="No cap"
            prefix="$"
            min={0}
            decimalScale={2}
            allowNegative={false}
            hideControls
            value={cap}
            onChange={setCap}
          />
          {DIGIT_FIELDS.map((field, i) => {
            const digits = filterDigits(values[field.name], field.name);
            const error = errors[i] ?? null;
            return (
              <TextInput
                key={field.name}
                label={field.label}
                placeholder={field.placeholder}
                inputMode="tel"
                autoComplete="off"
                value={values[field.name]}
                onChange={(e) => set(field.name, e.currentTarget.value)}
                error={error}
                description={
                  !error && digits && digits !== values[field.name]
                    ? `Searches for digits ${digits}`
                    : undefined
                }
              />
            );
          })}
        </SimpleGrid>
        <Group gap="xs">
          <Button type="submit">Search</Button>
          <Button variant="subtle" color="gray" onClick={onReset}>
            Reset
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
