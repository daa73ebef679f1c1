// One page of audit entries (up to 1,000), virtualized; a row (or its action, by keyboard) opens the detail.
// Phones get one three-line card per entry: seven columns do not fit in 390 px.
import { Badge } from '@mantine/core';
import { useMemo } from 'react';
import { tableClasses as t, Dim, VirtualTable, type VirtualColumn } from '@/components/virtual-table';
import { formatDateTime } from '@/lib/format';
import {
  actionLabel,
  entryHttpStatus,
  entryStatus,
  formatTarget,
  STATUS_DISPLAY,
} from '../api/audit-display';
import type { AuditEntry } from '../api/audit-queries';

interface AuditListProps {
  entries: AuditEntry[];
  selectedId: string | null;
  onOpen: (id: string) => void;
  caption: string;
}

function columns(onOpen: (id: string) => void): VirtualColumn<AuditEntry>[] {
  return [
    {
      id: 'time',
      label: 'Time',
      width: 220,
      title: (entry) => entry.ts,
      card: { line: 3, dim: true },
      cell: (entry) => (
        <time dateTime={entry.ts} style={{ fontVariantNumeric: 'tabular-nums' }}>
          {formatDateTime(entry.ts)}
        </time>
      ),
    },
    {
      id: 'what',
      label: 'What',
      width: 190,
      card: { line: 1, grow: true },
      cell: (entry) => {
        const label = actionLabel(entry.action);
        return (
          <button
            type="button"
            className={`${t.link} ${t.strong}`}
            onClick={(event) => {
              event.stopPropagation();
              onOpen(entry.id);
            }}
            aria-label={`Details: ${label}${entry.actor ? ` by ${entry.actor}` : ''}, ${formatDateTime(entry.ts)}`}
            aria-haspopup="dialog"
            title={entry.action}
          >
            {label}
          </button>
        );
      },
    },
    {
      id: 'who',
      label: 'Who',
      width: 170,
      card: { line: 2 },
      cell: (entry) =>
        entry.actor ? (
          <span>
            {entry.actor}
            {entry.role ? <span className={t.dim}> · {entry.role}</span> : null}
          </span>
        ) : (
          <Dim />
        ),
    },
    {
      id: 'target',
      label: 'Number / target',
      width: 170,
      title: (entry) => entry.target ?? undefined,
      card: { line: 2, grow: true },
      cell: (entry) => formatTarget(entry.target) || <Dim />,
    },
    {
      id: 'result',
      label: 'Result',
      width: 160,
      card: { line: 1 },
      cell: (entry) => {
        const status = STATUS_DISPLAY[entryStatus(entry)];
        return (
          <Badge variant="light" color={status.color} size="sm">
            {status.label}
          </Badge>
        );
      },
    },
    {
      id: 'status',
      label: 'HTTP',
      width: 70,
      className: t.numeric,
      cell: (entry) => entryHttpStatus(entry) ?? '—',
    },
    {
      id: 'ip',
      label: 'Source IP',
      width: 140,
      card: { line: 3, dim: true },
      cell: (entry) => entry.sourceIp ?? '—',
    },
  ];
}

const getKey = (entry: AuditEntry) => entry.id;

export function AuditTable({ entries, selectedId, onOpen, caption }: AuditListProps) {
  // Stable columns keep the memoized rows from re-rendering on every change of the page around them.
  const cols = useMemo(() => columns(onOpen), [onOpen]);
  return (
    <VirtualTable
      rows={entries}
      columns={cols}
      getKey={getKey}
      caption={caption}
      rowHeight={45}
      cardHeight={76}
      height="min(68vh, 860px)"
      overscan={10}
      isSelected={(entry) => entry.id === selectedId}
      selectedAria="aria-current"
      onRowClick={(entry) => onOpen(entry.id)}
      rowTestId="audit-row"
    />
  );
}
