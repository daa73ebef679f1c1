// Display helpers shared by every screen: phone numbers (from the contract), money in USD, times with zone.
export { filterDigits, formatNanp, isNanp11, parseNanp, toE164 } from '@contract/phone';
export type { FilterKind, ParsedNumber } from '@contract/phone';

// Intl formatters are costly to build (the first currency format loads ICU data: ~25 ms of main thread on a cold
// load at 4x CPU throttle, docs/performance.md), so each is built on first use and then reused.
function lazily<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
const usd2 = lazily(
  () => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2 }),
);
const usd4 = lazily(
  () => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 4 }),
);
const usdUpTo4 = lazily(
  () =>
    new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: 'USD',
      minimumFractionDigits: 2,
      maximumFractionDigits: 4,
    }),
);

/**
 * `formatUsd(1.25)` → "$1.25". Amounts below a cent keep up to 4 decimals ("$0.0040"), as MDR prices are
 * that small. The currency code (USD) belongs in the column header or label next to it; pass
 * `{ code: true }` where a value stands alone ("$1.25 USD").
 */
export function formatUsd(
  amount: number | string | null | undefined,
  options: { code?: boolean } = {},
): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const value = typeof amount === 'number' ? amount : Number(String(amount).replace(/[$,\s]/g, ''));
  if (!Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  const wholeCents = Math.abs(Math.round(abs * 100) - abs * 100) < 1e-9;
  let text: string;
  if (abs !== 0 && abs < 0.01) text = usd4().format(value);
  else if (!wholeCents) text = usdUpTo4().format(value);
  else text = usd2().format(value);
  return options.code ? `${text} USD` : text;
}

/** Flowroute MDR prices come in nanodollars (billionths): 4000000 → 0.004 (dollars). */
export function nanodollarsToDollars(nanodollars: number | string): number {
  const value = typeof nanodollars === 'number' ? nanodollars : Number(nanodollars);
  return Number.isFinite(value) ? value / 1e9 : Number.NaN;
}

/** 4000000 nanodollars → "$0.0040". */
export function formatNanodollars(
  nanodollars: number | string | null | undefined,
  options: { code?: boolean } = {},
) {
  if (nanodollars === null || nanodollars === undefined || nanodollars === '') return '—';
  return formatUsd(nanodollarsToDollars(nanodollars), options);
}

// --- times ------------------------------------------------------------------------------------------

function toDate(value: string | number | Date): Date | null {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

let zone = 'UTC';
let zoneReadAt = Number.NEGATIVE_INFINITY;

/**
 * The viewer's time zone (IANA name), e.g. "America/Los_Angeles". Read again at most once a minute: the browser
 * follows the system's zone when it changes (a laptop that travels), and reading it builds a whole DateTimeFormat,
 * too slow for every time shown in a long list.
 */
export function viewerTimeZone(): string {
  const now = Date.now();
  if (now - zoneReadAt >= 60_000) {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
    zoneReadAt = now;
  }
  return zone;
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/** "Nov 28, 2026, 3:04:05 PM PST" in the viewer's zone (or `timeZone`), zone abbreviation included. */
export function formatDateTime(
  value: string | number | Date | null | undefined,
  options: { timeZone?: string; seconds?: boolean } = {},
): string {
  if (value === null || value === undefined || value === '') return '—';
  const date = toDate(value);
  if (!date) return String(value);
  const timeZone = options.timeZone ?? viewerTimeZone();
  const key = `${timeZone}|${options.seconds === false ? 'm' : 's'}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      ...(options.seconds === false ? {} : { second: '2-digit' }),
      timeZoneName: 'short',
    });
    dateTimeFormats.set(key, format);
  }
  return format.format(date);
}

/** ISO UTC form for tooltips and exports: "2026-11-28T23:04:05Z". */
export function formatUtc(value: string | number | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const date = toDate(value);
  if (!date) return String(value);
  return `${date.toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
}

const relativeFormat = lazily(() => new Intl.RelativeTimeFormat('en', { numeric: 'auto' }));

/** "3 minutes ago" / "in 2 hours" relative to `now`. */
export function formatRelative(value: string | number | Date, now: Date = new Date()): string {
  const date = toDate(value);
  if (!date) return String(value);
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const rtf = relativeFormat();
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(seconds, 'second');
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(seconds / 3600), 'hour');
  return rtf.format(Math.round(seconds / 86_400), 'day');
}

// --- Flowroute attribute display ------------------------------------------------------------------

/** Flowroute sends lowercase states ("wa"); people read "WA". */
export function formatState(state: string | null | undefined): string {
  return state ? state.toUpperCase() : '—';
}

/**
 * Words that Flowroute's squashed rate-center names are built from (LERG abbreviations such as "ft", "st",
 * "cy", "bh" stay abbreviations: we split and capitalise, we never expand or guess).
 */
const RATE_CENTER_WORDS = new Set(
  `alexandria alto ana anaheim angeles ann antonio arbor arlington athens atlanta augusta austin baltimore
  beach bend berkeley bh boston boulder bridgeport brunswick buffalo burbank charlotte chicago cincinnati
  city cleveland co collins columbus cy dallas denver detroit diego durham east el eugene falls fort
  francisco fresno ft grand greensboro hackensack harrisburg hartford haven heights houston jacksonville
  jersey jose kansas lake las los louis madison memphis mesa miami milwaukee minneapolis modesto monica mount
  mt nashville naperville new newark norfolk north nuys oakland oradell orlando orleans palm palo paso paul
  philadelphia phoenix pittsburgh port portland provo raleigh rapids reno richmond rochester rockville
  sacramento salem salt san santa savannah scottsdale seattle south spokane springfield springs st stockton
  syracuse tacoma tampa torrance trenton tucson valley van vegas washington west worcester worth yakima york
  newport westport northport southport eastport eastlake westlake northlake southlake lakeland lakewood
  portsmouth`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * Splits "losangeles" into known words (fewest words wins, so a one-word name in the list such as "newport" is never
 * split into "New Port"); null when some part is not a known word.
 */
function splitKnownWords(text: string): string[] | null {
  const best: (string[] | null)[] = [[]];
  for (let end = 1; end <= text.length; end++) {
    best[end] = null;
    for (let start = 0; start < end; start++) {
      const head = best[start];
      const word = text.slice(start, end);
      if (head && RATE_CENTER_WORDS.has(word) && (!best[end] || head.length + 1 < best[end]!.length)) {
        best[end] = [...head, word];
      }
    }
  }
  return best[text.length] ?? null;
}

const capitalise = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * Flowroute sends rate centers lowercase with the spaces squashed out ("losangeles", "jerseycity",
 * "nwyrcyzn01"). Names made of known words read as words ("Los Angeles", "Jersey City", "Ft Collins"); other
 * plain names are capitalised as one word ("Millbrae"); codes with digits stay upper case ("NWYRCYZN01").
 */
export function formatRateCenter(rateCenter: string | null | undefined): string {
  const raw = rateCenter?.trim();
  if (!raw) return '—';
  const lower = raw.toLowerCase();
  if (lower === 'tollfree') return 'Toll-free';
  if (!/^[a-z]+$/.test(lower)) return raw.toUpperCase();
  const words = splitKnownWords(lower);
  return words ? words.map(capitalise).join(' ') : capitalise(lower);
}

const NUMBER_TYPE_LABELS: Record<string, string> = {
  standard: 'Local',
  longcode: 'Local',
  tollfree: 'Toll-free',
  'toll-free': 'Toll-free',
  inum: 'iNum',
};

export function formatNumberType(type: string | null | undefined): string {
  if (!type) return '—';
  return NUMBER_TYPE_LABELS[type.toLowerCase()] ?? capitalise(type.toLowerCase());
}

// --- counts -----------------------------------------------------------------------------------------

/**
 * "1 number", "2 numbers", "1,250 messages": a count with its noun in the right form. `plural` defaults to
 * the noun + "s" (pass it for irregular nouns: `countOf(n, 'entry', 'entries')`).
 */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : plural}`;
}
