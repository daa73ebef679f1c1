// Flat, precomputed rows for the log: built once per loaded page so filtering 100k rows stays cheap.
import { analyzeSms } from '@contract/sms';
import type { Mdr } from '@/lib/flowroute/messages';

export type Direction = 'inbound' | 'outbound';

export interface LogRow {
  id: string;
  /** ISO timestamp as Flowroute sent it (UTC) */
  timestamp: string;
  /** epoch ms, NaN when unparseable */
  time: number;
  direction: Direction;
  from: string;
  to: string;
  /** our number: `from` for outbound, `to` for inbound */
  ours: string;
  /** the other party */
  theirs: string;
  status: string;
  /** lowercase status, for filtering */
  statusKey: string;
  body: string;
  message_encoding: number;
  amount_nanodollars: number;
  is_mms: boolean;
  receipts: number;
  /** lowercase haystack for the text search: body, id, both numbers, status */
  search: string;
}

export function toLogRow(mdr: Mdr): LogRow {
  const a = mdr.attributes;
  const direction: Direction = a.direction === 'inbound' ? 'inbound' : 'outbound';
  const ours = direction === 'outbound' ? a.from : a.to;
  const theirs = direction === 'outbound' ? a.to : a.from;
  return {
    id: mdr.id,
    timestamp: a.timestamp,
    time: Date.parse(a.timestamp),
    direction,
    from: a.from,
    to: a.to,
    ours,
    theirs,
    status: a.status,
    statusKey: a.status.trim().toLowerCase(),
    body: a.body,
    message_encoding: a.message_encoding,
    amount_nanodollars: a.amount_nanodollars,
    is_mms: a.is_mms,
    receipts: a.delivery_receipts.length,
    search: `${a.body}\u0001${mdr.id}\u0001${a.from}\u0001${a.to}\u0001${a.status}`.toLowerCase(),
  };
}

const pageRows = new WeakMap<readonly Mdr[], LogRow[]>();

/** Rows of one API page, computed once per page object (pages are immutable in the query cache). */
export function rowsOfPage(data: readonly Mdr[]): LogRow[] {
  let rows = pageRows.get(data);
  if (!rows) {
    rows = data.map(toLogRow);
    pageRows.set(data, rows);
  }
  return rows;
}

/**
 * Accumulates rows page by page: when the pages grow at the end (progressive loading), only the new pages
 * are processed; anything else starts over. Pages are immutable in the query cache, so identity is enough.
 */
export class RowAccumulator {
  private pages: readonly { data: readonly Mdr[] }[] = [];
  private rows: LogRow[] = [];
  private seen = new Set<string>();

  update(pages: readonly { data: readonly Mdr[] }[]): LogRow[] {
    const extends_ = this.pages.length <= pages.length && this.pages.every((p, i) => pages[i] === p);
    if (!extends_) {
      this.pages = [];
      this.rows = [];
      this.seen = new Set();
    }
    if (pages.length === this.pages.length) return this.rows;
    const added: LogRow[] = [];
    for (const page of pages.slice(this.pages.length)) {
      for (const row of rowsOfPage(page.data)) {
        if (this.seen.has(row.id)) continue;
        this.seen.add(row.id);
        added.push(row);
      }
    }
    this.pages = pages.slice();
    // A new array each time so React sees the change; the row objects themselves are shared.
    this.rows = this.rows.concat(added);
    return this.rows;
  }
}

/** All rows of the loaded pages, de-duplicated by id (pages may overlap if records arrive mid-paging). */
export function rowsOfPages(pages: readonly { data: readonly Mdr[] }[]): LogRow[] {
  const out: LogRow[] = [];
  const seen = new Set<string>();
  for (const page of pages) {
    for (const row of rowsOfPage(page.data)) {
      if (seen.has(row.id)) continue;
      seen.add(row.id);
      out.push(row);
    }
  }
  return out;
}

export function encodingLabel(messageEncoding: number): 'GSM-7' | 'UCS-2' {
  return messageEncoding === 8 ? 'UCS-2' : 'GSM-7';
}

const segmentCache = new WeakMap<LogRow, number>();

/** Segments billed for a row: 1 for MMS, else Flowroute's rule applied to the body. Computed lazily. */
export function segmentsOf(row: LogRow): number {
  let n = segmentCache.get(row);
  if (n === undefined) {
    n = row.is_mms ? 1 : row.body.length === 0 ? 1 : analyzeSms(row.body, 'flowroute').segments;
    segmentCache.set(row, n);
  }
  return n;
}

/** Exact decimal dollars from integer nanodollars: 4000000 → "0.0040" (at least 4 decimals, no float error). */
export function nanodollarsToDecimal(nano: number): string {
  if (!Number.isFinite(nano)) return '';
  const negative = nano < 0;
  const abs = BigInt(Math.round(Math.abs(nano)));
  const whole = abs / 1_000_000_000n;
  let frac = (abs % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  if (frac.length < 4) frac = frac.padEnd(4, '0');
  return `${negative ? '-' : ''}${whole.toString()}.${frac}`;
}
