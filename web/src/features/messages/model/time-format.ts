// One cached formatter for table cells: building an Intl.DateTimeFormat per cell is what makes long lists
// slow to scroll. Same output style as lib/format's formatDateTime (viewer's zone, zone name shown).
let formatter: Intl.DateTimeFormat | null = null;

export function formatLocalDateTime(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  formatter ??= new Intl.DateTimeFormat('en-US', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'short',
  });
  return formatter.format(ms);
}

/** "2026-11-28T23:04:05Z" */
export function formatUtcShort(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z') : '—';
}
