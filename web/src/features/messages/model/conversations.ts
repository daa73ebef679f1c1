// Conversations: the loaded MDRs grouped by (our number, remote number).
import type { LogRow } from './rows';

export interface ConversationSummary {
  key: string;
  ours: string;
  theirs: string;
  count: number;
  inbound: number;
  outbound: number;
  /** the newest record */
  last: LogRow;
}

export function conversationKey(ours: string, theirs: string): string {
  return `${ours}:${theirs}`;
}

/** One entry per pair, newest activity first. */
export function groupConversations(rows: readonly LogRow[]): ConversationSummary[] {
  const map = new Map<string, ConversationSummary>();
  for (const row of rows) {
    const key = conversationKey(row.ours, row.theirs);
    let c = map.get(key);
    if (!c) {
      c = { key, ours: row.ours, theirs: row.theirs, count: 0, inbound: 0, outbound: 0, last: row };
      map.set(key, c);
    }
    c.count++;
    if (row.direction === 'inbound') c.inbound++;
    else c.outbound++;
    if (isNewer(row, c.last)) c.last = row;
  }
  return [...map.values()].sort((a, b) => compareTime(b.last, a.last));
}

/** The records of one pair, oldest first (chat order). Ties keep a stable id order. */
export function conversationThread(rows: readonly LogRow[], ours: string, theirs: string): LogRow[] {
  return rows.filter((r) => r.ours === ours && r.theirs === theirs).sort(compareTime);
}

function compareTime(a: LogRow, b: LogRow): number {
  const ta = Number.isFinite(a.time) ? a.time : 0;
  const tb = Number.isFinite(b.time) ? b.time : 0;
  return ta !== tb ? ta - tb : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function isNewer(a: LogRow, b: LogRow): boolean {
  return compareTime(a, b) > 0;
}
