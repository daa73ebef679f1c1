// The pairs (our number, their number) seen in the loaded range, newest activity first; virtualized.
import { Badge, Group, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { countOf, formatDateTime, formatNanp } from '@/lib/format';
import type { ConversationSummary } from '../model/conversations';

const ITEM_HEIGHT = 72;

export function ConversationList({
  conversations,
  selectedKey,
  onSelect,
  height,
}: {
  conversations: ConversationSummary[];
  selectedKey: string | null;
  onSelect: (c: ConversationSummary) => void;
  height: number | string;
}) {
  const [search, setSearch] = useState('');
  const deferred = useDeferredValue(search);
  const list = useMemo(() => {
    const q = deferred.trim().toLowerCase();
    if (!q) return conversations;
    const digits = q.replace(/\D/g, '');
    return conversations.filter(
      (c) =>
        (digits.length > 0 && (c.theirs.includes(digits) || c.ours.includes(digits))) ||
        c.last.body.toLowerCase().includes(q),
    );
  }, [conversations, deferred]);
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- TanStack Virtual returns functions by design
  const virtualizer = useVirtualizer({
    count: list.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ITEM_HEIGHT,
    overscan: 8,
    getItemKey: (i) => list[i]?.key ?? i,
  });
  // Bring the open conversation into view (e.g. when arriving from a link).
  const selectedIndex = selectedKey ? list.findIndex((c) => c.key === selectedKey) : -1;
  const scrolledTo = useRef<string | null>(null);
  useEffect(() => {
    if (selectedIndex >= 0 && selectedKey && scrolledTo.current !== selectedKey) {
      scrolledTo.current = selectedKey;
      virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
    }
  }, [selectedIndex, selectedKey, virtualizer]);
  return (
    <Stack gap="xs">
      <TextInput
        label="Find a conversation"
        size="sm"
        type="search"
        placeholder="Number or text"
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
      />
      <Text size="xs" c="dimmed">
        {countOf(list.length, 'conversation')} in the loaded range
      </Text>
      <div
        ref={scrollRef}
        style={{
          height,
          overflow: 'auto',
          border: '1px solid var(--mantine-color-default-border)',
          borderRadius: 8,
        }}
      >
        <ul
          aria-label="Conversations"
          style={{
            height: virtualizer.getTotalSize(),
            position: 'relative',
            margin: 0,
            padding: 0,
            listStyle: 'none',
          }}
        >
          {virtualizer.getVirtualItems().map((item) => {
            const c = list[item.index];
            if (!c) return null;
            const selected = c.key === selectedKey;
            return (
              <li
                key={item.key}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  right: 0,
                  height: ITEM_HEIGHT,
                  transform: `translateY(${item.start}px)`,
                }}
              >
                <UnstyledButton
                  onClick={() => onSelect(c)}
                  aria-current={selected ? 'true' : undefined}
                  data-testid="conversation-item"
                  w="100%"
                  h="100%"
                  px="sm"
                  py={6}
                  style={{
                    borderBottom: '1px solid var(--mantine-color-default-border)',
                    background: selected ? 'var(--mantine-color-blue-light)' : undefined,
                  }}
                >
                  <Group justify="space-between" wrap="nowrap" gap="xs">
                    <Text size="sm" fw={600} ff="monospace">
                      {formatNanp(c.theirs)}
                    </Text>
                    <Badge size="xs" variant="light" color="gray">
                      {c.count}
                    </Badge>
                  </Group>
                  <Text size="xs" c="dimmed" truncate="end">
                    via {formatNanp(c.ours)} · {formatDateTime(c.last.timestamp, { seconds: false })}
                  </Text>
                  <Text size="xs" truncate="end">
                    {c.last.direction === 'outbound' ? 'You: ' : ''}
                    {c.last.body || (c.last.is_mms ? '(media)' : '(no text)')}
                  </Text>
                </UnstyledButton>
              </li>
            );
          })}
        </ul>
      </div>
    </Stack>
  );
}
