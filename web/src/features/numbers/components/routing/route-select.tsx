// A searchable route picker: routes load 200 a page; typing a search loads further pages until it matches.
import { Badge, Group, Select, Stack, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import {
  ROUTE_TYPE_LABELS,
  routeLabel,
  routeQueries,
  routeValueText,
  type Route,
} from '@/lib/flowroute/routes';

/** A search keeps loading pages up to this many routes (40 × 200). */
const MAX_SEARCH_PAGES = 40;

export function RouteSelect({
  label,
  value,
  onChange,
  knownRoutes = [],
  description,
  error,
  disabled,
  placeholder = 'Search by alias or value',
}: {
  label: string;
  value: string | null;
  onChange: (id: string | null, route: Route | null) => void;
  /** Routes to offer even if not loaded yet (the number's current routes, a just-created route). */
  knownRoutes?: Route[];
  description?: ReactNode;
  error?: ReactNode;
  disabled?: boolean;
  placeholder?: string;
}) {
  const [search, setSearch] = useState('');
  const query = useInfiniteQuery(routeQueries.infinite());
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  const pageCount = query.data?.pages.length ?? 0;

  const routes = useMemo(() => {
    const byId = new Map<string, Route>();
    for (const page of query.data?.pages ?? []) for (const route of page.data) byId.set(route.id, route);
    for (const route of knownRoutes) if (!byId.has(route.id)) byId.set(route.id, route);
    return byId;
  }, [query.data, knownRoutes]);

  // The API has no route search: while the user searches, keep loading pages so every route can match.
  const selectedLabel = value ? routeLabel(routes.get(value) ?? null, value) : '';
  const searching = search.trim() !== '' && search !== selectedLabel;
  useEffect(() => {
    if (searching && hasNextPage && !isFetchingNextPage && pageCount < MAX_SEARCH_PAGES) {
      void fetchNextPage();
    }
  }, [searching, hasNextPage, isFetchingNextPage, pageCount, fetchNextPage]);

  const data = useMemo(
    () => [...routes.values()].map((route) => ({ value: route.id, label: routeLabel(route) })),
    [routes],
  );

  const loadingNote = query.isPending
    ? 'Loading routes…'
    : query.isError
      ? 'Could not load routes.'
      : hasNextPage
        ? `Showing the first ${routes.size} routes; type to search the rest.`
        : null;

  return (
    <Select
      label={label}
      description={description ?? loadingNote}
      error={error}
      placeholder={placeholder}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      value={value}
      onChange={(id) => onChange(id, id ? (routes.get(id) ?? null) : null)}
      data={data}
      limit={200}
      allowDeselect={false}
      disabled={disabled}
      nothingFoundMessage={
        isFetchingNextPage || query.isPending ? 'Loading more routes…' : 'No route matches'
      }
      maxDropdownHeight={320}
      comboboxProps={{ withinPortal: true }}
      renderOption={({ option }) => {
        const route = routes.get(option.value);
        if (!route) return option.label;
        return (
          <Stack gap={0} style={{ minWidth: 0 }}>
            <Group gap={6} wrap="nowrap">
              <Text size="sm" fw={500} truncate>
                {route.attributes.alias || `Route ${route.id}`}
              </Text>
              <Badge size="xs" variant="light" color="gray">
                {ROUTE_TYPE_LABELS[route.attributes.route_type] ?? route.attributes.route_type}
              </Badge>
            </Group>
            <Text size="xs" c="dimmed" ff="monospace" truncate>
              {routeValueText(route) ?? (route.id === '0' ? 'default: devices registered to Flowroute' : '—')}
            </Text>
          </Stack>
        );
      }}
    />
  );
}
