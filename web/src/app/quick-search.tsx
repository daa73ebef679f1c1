// Global quick search (Ctrl/Cmd+K): jump to a page, or type digits to jump to one of the account's numbers.
import { Group, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { Spotlight, spotlight } from '@mantine/spotlight';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useCurrentUser } from '@/lib/auth';
import { filterDigits, formatNanp, parseNanp } from '@/lib/format';
import { numberQueries, type NumberResource } from '@/lib/flowroute/numbers';
import { ADMIN_NAV_ITEMS, NAV_ITEMS, navItemsFor } from './shell-nav';
import { SearchIcon } from './icons';
import classes from './quick-search.module.css';

const MAX_MATCHES = 8;

interface Candidate {
  number: string;
  alias: string | null;
}

function mergeMatches(...lists: (NumberResource[] | undefined)[]): Candidate[] {
  const seen = new Map<string, Candidate>();
  for (const list of lists) {
    for (const item of list ?? []) {
      if (!seen.has(item.id)) seen.set(item.id, { number: item.id, alias: item.attributes.alias ?? null });
    }
  }
  return [...seen.values()].slice(0, MAX_MATCHES);
}

export function QuickSearch() {
  const navigate = useNavigate();
  const user = useCurrentUser();
  const [query, setQuery] = useState('');
  const [debounced] = useDebouncedValue(query.trim(), 200);

  const digits = filterDigits(debounced, 'contains');
  const startsWith = filterDigits(debounced, 'starts_with');
  const searchNumbers = digits.length >= 3 && /^[\d\s().+-]+$/.test(debounced);
  const prefix = useQuery({
    ...numberQueries.list({ starts_with: startsWith, limit: MAX_MATCHES }),
    enabled: searchNumbers && startsWith.length > 0,
    meta: { silent: true },
  });
  const anywhere = useQuery({
    ...numberQueries.list({ contains: digits, limit: MAX_MATCHES }),
    enabled: searchNumbers,
    meta: { silent: true },
  });
  const matches = searchNumbers ? mergeMatches(prefix.data?.data, anywhere.data?.data) : [];
  const exact = parseNanp(debounced);
  const searching = searchNumbers && (prefix.isFetching || anywhere.isFetching);
  const failed = searchNumbers && (prefix.isError || anywhere.isError);

  const go = (to: string) => {
    spotlight.close();
    void navigate(to);
  };

  const text = query.trim().toLowerCase();
  const pages = [...navItemsFor(NAV_ITEMS, user), ...navItemsFor(ADMIN_NAV_ITEMS, user)].filter(
    (item) => !text || item.label.toLowerCase().includes(text) || item.to.includes(text),
  );

  const showExact = exact.ok && !matches.some((m) => m.number === exact.digits);

  return (
    <Spotlight.Root
      query={query}
      onQueryChange={setQuery}
      shortcut={['mod + K', '/']}
      clearQueryOnClose
      scrollable
      maxHeight={420}
      // The dialog's accessible name; its header (title row) is hidden, the search box says the rest.
      title="Quick search"
      className={classes.root}
    >
      <Spotlight.Search
        placeholder="Type a number (206 555…) or a page name"
        leftSection={<SearchIcon />}
        aria-label="Quick search"
      />
      <Spotlight.ActionsList>
        {matches.length > 0 ? (
          <Spotlight.ActionsGroup label="Account numbers">
            {matches.map((m) => (
              <Spotlight.Action key={m.number} onClick={() => go(`/numbers/${m.number}`)}>
                <Group wrap="nowrap" gap="sm">
                  <Text ff="monospace" size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {formatNanp(m.number)}
                  </Text>
                  {m.alias ? (
                    <Text size="sm" c="dimmed" truncate>
                      {m.alias}
                    </Text>
                  ) : null}
                </Group>
              </Spotlight.Action>
            ))}
          </Spotlight.ActionsGroup>
        ) : null}
        {showExact ? (
          <Spotlight.Action
            label={`Open ${formatNanp(exact.digits)}`}
            description="Number detail (if it is on the account)"
            onClick={() => go(`/numbers/${exact.digits}`)}
          />
        ) : null}
        {searchNumbers ? (
          <Spotlight.Action
            label={`Filter the numbers list by “${debounced}”`}
            description={`Numbers containing ${digits}`}
            onClick={() => go(`/numbers?contains=${encodeURIComponent(digits)}`)}
          />
        ) : null}
        {pages.length > 0 ? (
          <Spotlight.ActionsGroup label="Pages">
            {pages.map((item) => (
              <Spotlight.Action
                key={item.to}
                label={item.label}
                onClick={() => go(item.to)}
                leftSection={<item.icon />}
              />
            ))}
          </Spotlight.ActionsGroup>
        ) : null}
        {searching && matches.length === 0 ? <Spotlight.Empty>Searching the account…</Spotlight.Empty> : null}
        {failed && matches.length === 0 ? (
          <Spotlight.Empty>The number search failed. Try again.</Spotlight.Empty>
        ) : null}
        {!searching &&
        !failed &&
        matches.length === 0 &&
        pages.length === 0 &&
        !showExact &&
        !searchNumbers ? (
          <Spotlight.Empty>Nothing found. Type at least 3 digits to search numbers.</Spotlight.Empty>
        ) : null}
      </Spotlight.ActionsList>
    </Spotlight.Root>
  );
}
