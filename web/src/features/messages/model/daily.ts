// Messages per UTC day (in/out) and the outbound delivery rate, for the volume chart.
import { isDeliveredStatus, isFailedStatus } from '@/lib/flowroute/messages';
import type { LogRow } from './rows';

export interface DayBucket {
  /** UTC day, YYYY-MM-DD */
  day: string;
  inbound: number;
  outbound: number;
  delivered: number;
  failed: number;
  /** delivered / (delivered + failed) of outbound, as a percentage; null when nothing settled that day */
  deliveryRate: number | null;
}

const DAY_MS = 86_400_000;

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * One bucket per UTC day from `startMs` to `endMs` (inclusive), zero-filled, so gaps show as gaps.
 * Rows outside the range still get a bucket of their own (sorted in) rather than vanishing.
 */
export function aggregateDaily(rows: readonly LogRow[], startMs: number, endMs: number): DayBucket[] {
  const buckets = new Map<string, DayBucket>();
  const make = (day: string): DayBucket => ({
    day,
    inbound: 0,
    outbound: 0,
    delivered: 0,
    failed: 0,
    deliveryRate: null,
  });
  if (Number.isFinite(startMs) && Number.isFinite(endMs) && endMs >= startMs) {
    const first = Date.UTC(
      new Date(startMs).getUTCFullYear(),
      new Date(startMs).getUTCMonth(),
      new Date(startMs).getUTCDate(),
    );
    // Cap the axis at ~3 years of days to keep a wild custom range from allocating forever.
    for (let t = first, n = 0; t <= endMs && n < 1100; t += DAY_MS, n++)
      buckets.set(utcDay(t), make(utcDay(t)));
  }
  for (const row of rows) {
    if (!Number.isFinite(row.time)) continue;
    const day = utcDay(row.time);
    let b = buckets.get(day);
    if (!b) {
      b = make(day);
      buckets.set(day, b);
    }
    if (row.direction === 'inbound') b.inbound++;
    else {
      b.outbound++;
      if (isDeliveredStatus(row.status)) b.delivered++;
      else if (isFailedStatus(row.status)) b.failed++;
    }
  }
  const out = [...buckets.values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  for (const b of out) {
    const settled = b.delivered + b.failed;
    b.deliveryRate = settled > 0 ? Math.round((b.delivered / settled) * 1000) / 10 : null;
  }
  return out;
}

/** Totals over the whole range (for the header next to the chart). */
export function summarize(rows: readonly LogRow[]) {
  let inbound = 0;
  let outbound = 0;
  let delivered = 0;
  let failed = 0;
  for (const row of rows) {
    if (row.direction === 'inbound') inbound++;
    else {
      outbound++;
      if (isDeliveredStatus(row.status)) delivered++;
      else if (isFailedStatus(row.status)) failed++;
    }
  }
  const settled = delivered + failed;
  return {
    inbound,
    outbound,
    delivered,
    failed,
    deliveryRate: settled > 0 ? Math.round((delivered / settled) * 1000) / 10 : null,
  };
}

/**
 * Long ranges read better (and draw much faster) by week: folds consecutive days into 7-day buckets
 * labelled by their first day. Ranges up to `maxDays` stay daily.
 */
export function foldIntoWeeks(
  days: readonly DayBucket[],
  maxDays = 92,
): { unit: 'day' | 'week'; buckets: DayBucket[] } {
  if (days.length <= maxDays) return { unit: 'day', buckets: days.slice() };
  const buckets: DayBucket[] = [];
  for (let i = 0; i < days.length; i += 7) {
    const chunk = days.slice(i, i + 7);
    const b: DayBucket = {
      day: chunk[0]!.day,
      inbound: 0,
      outbound: 0,
      delivered: 0,
      failed: 0,
      deliveryRate: null,
    };
    for (const d of chunk) {
      b.inbound += d.inbound;
      b.outbound += d.outbound;
      b.delivered += d.delivered;
      b.failed += d.failed;
    }
    const settled = b.delivered + b.failed;
    b.deliveryRate = settled > 0 ? Math.round((b.delivered / settled) * 1000) / 10 : null;
    buckets.push(b);
  }
  return { unit: 'week', buckets };
}
