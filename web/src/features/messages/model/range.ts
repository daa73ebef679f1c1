// The log's UTC date range: presets (today, 24 h, 7 days, 30 days) or custom days, kept in the URL.
import { toFlowrouteDate, type MessageRange } from '@/lib/flowroute/messages';

export type RangePreset = 'today' | '24h' | '7d' | '30d' | 'custom';

export const RANGE_PRESETS: { value: Exclude<RangePreset, 'custom'>; label: string }[] = [
  { value: 'today', label: 'Today (UTC)' },
  { value: '24h', label: 'Last 24 h' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
];

export interface RangeSpec {
  preset: RangePreset;
  /** custom only: YYYY-MM-DD (UTC days, inclusive) */
  start?: string;
  end?: string;
}

export const DEFAULT_RANGE: RangeSpec = { preset: '7d' };

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

export function rangeFromParams(params: URLSearchParams): RangeSpec {
  const preset = params.get('range');
  if (preset === 'custom') {
    const start = params.get('start') ?? '';
    const end = params.get('end') ?? start;
    if (
      DAY_RE.test(start) &&
      DAY_RE.test(end) &&
      !Number.isNaN(Date.parse(start)) &&
      !Number.isNaN(Date.parse(end))
    ) {
      return start <= end ? { preset, start, end } : { preset, start: end, end: start };
    }
    return DEFAULT_RANGE;
  }
  if (preset === 'today' || preset === '24h' || preset === '7d' || preset === '30d') return { preset };
  return DEFAULT_RANGE;
}

export function rangeToParams(spec: RangeSpec, params: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(params);
  next.set('range', spec.preset);
  if (spec.preset === 'custom' && spec.start && spec.end) {
    next.set('start', spec.start);
    next.set('end', spec.end);
  } else {
    next.delete('start');
    next.delete('end');
  }
  return next;
}

export interface ResolvedRange extends MessageRange {
  startMs: number;
  endMs: number;
}

/**
 * Concrete UTC bounds. `now` is an anchor the page keeps stable (rounded to the minute), so relative presets
 * do not produce a new query key on every render.
 */
export function resolveRange(spec: RangeSpec, now: number): ResolvedRange {
  const minute = Math.floor(now / 60_000) * 60_000;
  let startMs: number;
  let endMs: number;
  switch (spec.preset) {
    case 'today': {
      const d = new Date(minute);
      startMs = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      endMs = startMs + DAY_MS - 1000;
      break;
    }
    case '24h':
      startMs = minute - DAY_MS;
      endMs = minute + 60_000;
      break;
    case '30d':
      startMs = minute - 30 * DAY_MS;
      endMs = minute + 60_000;
      break;
    case 'custom':
      startMs = Date.parse(`${spec.start ?? ''}T00:00:00Z`);
      endMs = Date.parse(`${spec.end ?? spec.start ?? ''}T23:59:59Z`);
      if (Number.isNaN(startMs) || Number.isNaN(endMs)) return resolveRange(DEFAULT_RANGE, now);
      break;
    default:
      startMs = minute - 7 * DAY_MS;
      endMs = minute + 60_000;
  }
  return {
    startMs,
    endMs,
    start_date: toFlowrouteDate(new Date(startMs)),
    end_date: toFlowrouteDate(new Date(endMs)),
  };
}

/** Human label of the window, always saying UTC. */
export function describeRange(r: ResolvedRange): string {
  const fmt = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  return `${fmt(r.startMs)} – ${fmt(r.endMs)} UTC`;
}
