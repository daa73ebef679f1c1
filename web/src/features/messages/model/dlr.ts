// Delivery receipts: oldest first for a timeline, with what each level means.
import type { DeliveryReceipt } from '@/lib/flowroute/messages';

export function receiptsOldestFirst(receipts: readonly DeliveryReceipt[]): DeliveryReceipt[] {
  return receipts
    .map((r, i) => ({ r, i, t: Date.parse(r.timestamp) }))
    .sort((a, b) => {
      const ta = Number.isFinite(a.t) ? a.t : 0;
      const tb = Number.isFinite(b.t) ? b.t : 0;
      // Same time: lower level first (level 1 = handed to the carrier, level 2 = carrier's report);
      // Flowroute lists receipts newest first, so the original order reversed is the last tie-break.
      return ta - tb || a.r.level - b.r.level || b.i - a.i;
    })
    .map((x) => x.r);
}

export function levelLabel(level: number): string {
  if (level === 1) return 'Level 1 · Flowroute → carrier';
  if (level === 2) return 'Level 2 · carrier report';
  return `Level ${level}`;
}

export type StatusTone = 'delivered' | 'failed' | 'pending' | 'inbound';

export function statusColor(status: string): string {
  const s = status.trim().toLowerCase();
  if (s === 'delivered') return 'teal';
  if (
    [
      'undelivered',
      'failed',
      'rejected',
      'expired',
      'deleted',
      'undeliverable',
      'delivery failed',
      'error',
    ].includes(s)
  )
    return 'red';
  if (s === '') return 'gray';
  return 'blue';
}
