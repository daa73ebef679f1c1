// Test helpers: build MDRs and rows without repeating every attribute.
import type { Mdr } from '@/lib/flowroute/messages';
import { toLogRow, type LogRow } from './rows';

let seq = 0;

export function mdr(over: Partial<Mdr['attributes']> & { id?: string } = {}): Mdr {
  const { id, ...attrs } = over;
  seq++;
  return {
    id: id ?? `mdr2-${seq.toString(16).padStart(32, '0')}`,
    type: 'message',
    attributes: {
      body: 'hello',
      status: 'delivered',
      direction: 'outbound',
      amount_nanodollars: 4_000_000,
      amount_display: '$0.0040',
      to: '12065550100',
      from: '12065550199',
      message_encoding: 0,
      timestamp: '2026-11-20T10:00:00.00Z',
      delivery_receipts: [],
      is_mms: false,
      message_type: 'longcode',
      ...attrs,
    },
  };
}

export function row(over: Partial<Mdr['attributes']> & { id?: string } = {}): LogRow {
  return toLogRow(mdr(over));
}
