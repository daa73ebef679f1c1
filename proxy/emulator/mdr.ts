// Message detail records: storage shape, pricing, and delivery receipts that progress with elapsed time.
// Receipts are computed when a record is read (from its send time and the clock), so no timers run.
import type { components } from '../flowroute/api-types.gen';
import { analyzeSms } from '../flowroute/sms';
import { hash32 } from './prng';

type MdrRecordBody = components['schemas']['MdrRecord'];
type DeliveryReceipt = components['schemas']['DeliveryReceipt'];
type MediaResource = components['schemas']['MediaResource'];

export interface MediaItem {
  id: string;
  url: string;
  fileName: string;
  mimeType: string;
}

export interface Mdr {
  id: string;
  /** Send/receive time, ms since epoch. */
  ts: number;
  direction: 'inbound' | 'outbound';
  from: string;
  to: string;
  body: string;
  isMms: boolean;
  encoding: 0 | 8;
  amount: number;
  messageType: 'longcode' | 'toll-free';
  media?: MediaItem[];
  /** Index into OUTCOMES (outbound only). */
  outcome: number;
  /** ms after ts when the level-1 and level-2 receipts arrive. */
  l1: number;
  l2: number;
}

/** Flowroute bills 4,000,000 nanodollars ($0.0040) per SMS segment and 9,500,000 per MMS (observed). */
export const SMS_SEGMENT_NANODOLLARS = 4_000_000;
export const MMS_NANODOLLARS = 9_500_000;

/**
 * Level-2 outcomes. "message buffered"/1003 "Message accepted by Carrier" is Flowroute's observed text; the
 * "delivered" code and the failure statuses/codes are modelled on common US carrier DLR codes (inferred:
 * Flowroute does not publish its table).
 */
export const OUTCOMES = [
  { status: 'delivered', code: 1000, description: 'Message delivered to handset', failed: false },
  { status: 'message buffered', code: 1003, description: 'Message accepted by Carrier', failed: false },
  { status: 'undeliverable', code: 4720, description: 'Invalid destination number', failed: true },
  { status: 'rejected', code: 4750, description: 'Destination rejected message', failed: true },
  { status: 'rejected', code: 4770, description: 'Carrier rejected message as spam', failed: true },
  { status: 'expired', code: 4432, description: 'Handset unreachable, message expired', failed: true },
] as const;

export const FAILED_STATUSES = ['undeliverable', 'rejected', 'expired'] as const;

/**
 * About one destination in ten never receives messages (unreachable handset, landline, bad number): every
 * message to it fails. Deterministic so tests can pick a failing or a succeeding destination.
 */
export function isFailingDestination(to: string): boolean {
  return hash32(`dest:${to}`) % 10 === 0;
}

/** Picks the outcome for an outbound message to `to`; `roll` is a number in [0, 1). */
export function chooseOutcome(to: string, roll: number): number {
  if (isFailingDestination(to)) return 2 + (hash32(`fail:${to}`) % 4);
  return roll < 0.05 ? 1 : 0;
}

export function priceNanodollars(body: string, isMms: boolean): { amount: number; encoding: 0 | 8 } {
  const sms = analyzeSms(body, 'flowroute');
  if (isMms) return { amount: MMS_NANODOLLARS, encoding: sms.messageEncoding };
  return { amount: Math.max(1, sms.segments) * SMS_SEGMENT_NANODOLLARS, encoding: sms.messageEncoding };
}

/** 4000000 → "$0.0040". */
export function amountDisplay(nanodollars: number): string {
  return `$${(nanodollars / 1e9).toFixed(4)}`;
}

/** Flowroute's MDR timestamps carry two fractional digits: "2017-12-22T01:52:39.39Z". */
export function mdrTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 22)}Z`;
}

export function receiptsAt(m: Mdr, now: number): { status: string; receipts: DeliveryReceipt[] } {
  if (m.direction === 'inbound') return { status: m.isMms ? '' : 'delivered', receipts: [] };
  const elapsed = now - m.ts;
  const outcome = OUTCOMES[m.outcome] ?? OUTCOMES[0];
  // Flowroute returns no delivery receipts for MMS; only the status moves.
  if (m.isMms) return { status: elapsed < m.l2 ? 'message buffered' : outcome.status, receipts: [] };
  if (elapsed < m.l1) return { status: 'message buffered', receipts: [] };
  const level1: DeliveryReceipt = {
    status: 'smsc submit',
    status_code: null,
    status_code_description: 'Message has been sent',
    timestamp: mdrTimestamp(m.ts + m.l1),
    level: 1,
  };
  if (elapsed < m.l2) return { status: 'smsc submit', receipts: [level1] };
  const level2: DeliveryReceipt = {
    status: outcome.status,
    status_code: outcome.code,
    status_code_description: outcome.description,
    timestamp: mdrTimestamp(m.ts + m.l2),
    level: 2,
  };
  return { status: outcome.status, receipts: [level2, level1] };
}

export function renderMdr(m: Mdr, now: number): MdrRecordBody {
  const { status, receipts } = receiptsAt(m, now);
  const record: MdrRecordBody = {
    attributes: {
      body: m.body,
      status,
      direction: m.direction,
      amount_nanodollars: m.amount,
      to: m.to,
      message_encoding: m.encoding,
      timestamp: mdrTimestamp(m.ts),
      delivery_receipts: receipts,
      amount_display: amountDisplay(m.amount),
      from: m.from,
      is_mms: m.isMms,
      message_type: m.messageType,
    },
    type: 'message',
    id: m.id,
  };
  if (m.media && m.media.length > 0) {
    record.relationships = { media: { data: m.media.map((x) => ({ type: 'media', id: x.id })) } };
  }
  return record;
}

export function renderMedia(m: Mdr, base: string, version: string): MediaResource[] {
  return (m.media ?? []).map((x) => ({
    attributes: { url: x.url, file_name: x.fileName, mime_type: x.mimeType },
    type: 'media',
    id: x.id,
    links: { self: `${base}/${version}/media/${x.id}` },
  }));
}

const MIME: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  bmp: 'image/bmp',
  mp4: 'video/mp4',
  '3gp': 'video/3gpp',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  amr: 'audio/amr',
  txt: 'text/plain',
};

export function mediaFromUrl(url: string, id: string): MediaItem {
  let fileName = 'media';
  try {
    fileName = decodeURIComponent(new URL(url).pathname.split('/').pop() || 'media');
  } catch {
    // keep the default name
  }
  const ext = fileName.includes('.') ? fileName.split('.').pop()!.toLowerCase() : '';
  return { id: `${id}-${fileName}`, url, fileName, mimeType: MIME[ext] ?? 'application/octet-stream' };
}
