// The three Flowroute number filters. People type "206", "(206) 55" or "+1 206"; Flowroute gets digits.
import { Button, Group, TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useState } from 'react';
import { filterDigits } from '@/lib/format';
import { FILTER_KEYS, type FilterKey, type NumberFilters } from '../api/list-state';

const LABELS: Record<FilterKey, { label: string; placeholder: string }> = {
  starts_with: { label: 'Starts with', placeholder: '(206) 55' },
  contains: { label: 'Contains', placeholder: '555' },
  ends_with: { label: 'Ends with', placeholder: '0100' },
};

const ALLOWED = /^[\d\s().+-]*$/;

export function inputError(text: string): string | null {
  if (!ALLOWED.test(text)) return 'Digits only (spaces, ( ) - . + are ignored)';
  return null;
}

export function NumberFilters({
  filters,
  onChange,
}: {
  filters: NumberFilters;
  onChange: (filters: NumberFilters) => void;
}) {
  const [text, setText] = useState<Record<FilterKey, string>>(() => ({
    starts_with: filters.starts_with ?? '',
    contains: filters.contains ?? '',
    ends_with: filters.ends_with ?? '',
  }));

  // Back/forward or a shared link changed the URL: show its filters unless the box already means the same.
  // (Adjusting state while rendering, React's recommended alternative to an effect here.)
  const urlKey = FILTER_KEYS.map((key) => filters[key] ?? '').join('|');
  const [seenUrlKey, setSeenUrlKey] = useState(urlKey);
  if (urlKey !== seenUrlKey) {
    setSeenUrlKey(urlKey);
    const next = { ...text };
    let changed = false;
    for (const key of FILTER_KEYS) {
      const fromUrl = filters[key] ?? '';
      if (filterDigits(text[key], key) !== fromUrl && !inputError(text[key])) {
        next[key] = fromUrl;
        changed = true;
      }
    }
    if (changed) setText(next);
  }

  const apply = useDebouncedCallback((values: Record<FilterKey, string>) => {
    if (FILTER_KEYS.some((key) => inputError(values[key]))) return;
    const next: NumberFilters = {};
    for (const key of FILTER_KEYS) {
      const digits = filterDigits(values[key], key).slice(0, 11);
      if (digits) next[key] = digits;
    }
    onChange(next);
  }, 300);

  const set = (key: FilterKey, value: string) => {
    const next = { ...text, [key]: value };
    setText(next);
    apply(next);
  };

  const hasAny = FILTER_KEYS.some((key) => text[key] !== '');

  return (
    <Group align="flex-start" gap="xs" wrap="wrap" role="search" aria-label="Filter numbers">
      {FILTER_KEYS.map((key) => {
        const error = inputError(text[key]);
        const digits = filterDigits(text[key], key);
        const showDigits = !error && text[key] !== '' && digits !== text[key];
        return (
          <TextInput
            key={key}
            label={LABELS[key].label}
            placeholder={LABELS[key].placeholder}
            value={text[key]}
            onChange={(event) => set(key, event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') apply.flush();
            }}
            error={error}
            description={showDigits ? `Searching ${digits || '(nothing)'}` : undefined}
            inputMode="tel"
            autoComplete="off"
            style={{ flex: '1 1 100px', maxWidth: 200, minWidth: 0 }}
            size="sm"
            name={key}
            inputWrapperOrder={['label', 'input', 'description', 'error']}
          />
        );
      })}
      {hasAny ? (
        <Button
          variant="subtle"
          size="sm"
          mt={{ base: 0, sm: 25 }}
          onClick={() => {
            const empty = { starts_with: '', contains: '', ends_with: '' };
            setText(empty);
            apply.cancel();
            onChange({});
          }}
        >
          Clear filters
        </Button>
      ) : null}
    </Group>
  );
}
