// Compose rules shared by the compose page and the conversation reply box: validation, counters, cost,
// Idempotency-Key lifetime and the 429 wording.
import { parseNanp } from '@contract/phone';
import { analyzeSms } from '@contract/sms';

/** Flowroute: one MMS per request, at most 750 kB including text (its error says 767,840 bytes). */
export const MMS_LIMIT_TEXT = '750 kB in total, text included';
export const MAX_MEDIA_URLS = 10;
/** The proxy refuses longer bodies (Flowroute documents no maximum). */
export const MAX_BODY_CHARS = 5000;

export const DEFAULT_RATE_PER_SEGMENT_USD = 0.004;
export const DEFAULT_RATE_PER_MMS_USD = 0.0095;

export interface ComposeValues {
  from: string;
  to: string;
  body: string;
  mediaUrls: string[];
  isMms: boolean;
  dlrCallback: string;
}

export const EMPTY_COMPOSE: ComposeValues = {
  from: '',
  to: '',
  body: '',
  mediaUrls: [],
  isMms: false,
  dlrCallback: '',
};

/** An https URL with a host; returns the error text or null. */
export function validateHttpsUrl(raw: string, what = 'URL'): string | null {
  const value = raw.trim();
  if (!value) return `${what} is empty`;
  if (/\s/.test(value)) return `${what} must not contain spaces`;
  // "hooks.example.com/dlr" is the usual slip: say what is missing rather than "not a valid URL".
  if (!/^[a-z][a-z0-9+.-]*:/i.test(value)) return `${what} must be a full address starting with https://`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${what} is not a valid URL`;
  }
  if (url.protocol !== 'https:') return `${what} must start with https://`;
  if (value.length > 2048) return `${what} is too long (at most 2,048 characters)`;
  if (!url.hostname) return `${what} needs a host name`;
  if (url.username || url.password) return `${what} must not contain a user name or password`;
  return null;
}

export function isMmsMessage(v: Pick<ComposeValues, 'mediaUrls' | 'isMms'>): boolean {
  return v.isMms || v.mediaUrls.length > 0;
}

export interface ComposeErrors {
  from?: string;
  to?: string;
  body?: string;
  mediaUrls?: (string | null)[];
  dlrCallback?: string;
}

/** Field errors for a compose form; `{}` when it can be sent. `to` is parsed the way people type numbers. */
export function validateCompose(v: ComposeValues): ComposeErrors {
  const errors: ComposeErrors = {};
  if (!/^1\d{10}$/.test(v.from)) errors.from = 'Choose one of your numbers to send from';
  const to = v.to.trim() ? parseNanp(v.to) : null;
  if (!to) errors.to = 'Enter the number to send to';
  else if (!to.ok) errors.to = to.error;
  else if (to.digits === v.from) errors.to = 'The recipient is the same as the sender';
  const mms = isMmsMessage(v);
  if (!v.body.trim() && v.mediaUrls.length === 0)
    errors.body = mms ? 'Add text or a media URL' : 'Write a message';
  if (v.body.length > MAX_BODY_CHARS)
    errors.body = `At most ${MAX_BODY_CHARS.toLocaleString('en-US')} characters`;
  if (v.mediaUrls.length > MAX_MEDIA_URLS) errors.body = `At most ${MAX_MEDIA_URLS} media URLs`;
  const mediaErrors = v.mediaUrls.map((u, i) => validateHttpsUrl(u, `Media URL ${i + 1}`));
  if (mediaErrors.some((e) => e !== null)) errors.mediaUrls = mediaErrors;
  if (v.dlrCallback.trim()) {
    const e = validateHttpsUrl(v.dlrCallback, 'The delivery receipt URL');
    if (e) errors.dlrCallback = e;
  }
  return errors;
}

export function hasErrors(e: ComposeErrors): boolean {
  return Object.keys(e).length > 0;
}

/** The digits to send to, once valid. */
export function recipientDigits(to: string): string | null {
  const r = parseNanp(to);
  return r.ok ? r.digits : null;
}

export interface BodyCounter {
  characters: number;
  encoding: 'GSM-7' | 'UCS-2';
  /** by Flowroute's documented rule (160 / 140 per part, UCS-2 70) */
  flowroute: { segments: number; perSegment: number };
  /** by the usual GSM rule (160 / 153, UCS-2 70 / 67) */
  standard: { segments: number; perSegment: number; encoding: 'GSM-7' | 'UCS-2' };
  forcingChars: { char: string; index: number }[];
}

export function countBody(body: string): BodyCounter {
  const fr = analyzeSms(body, 'flowroute');
  const std = analyzeSms(body, 'standard');
  return {
    characters: fr.characters,
    encoding: fr.encoding,
    flowroute: { segments: fr.segments, perSegment: fr.perSegment },
    standard: { segments: std.segments, perSegment: std.perSegment, encoding: std.encoding },
    forcingChars: fr.forcingChars,
  };
}

/** Estimated cost in USD, or null when no rate is configured. MMS are billed per message. */
export function estimateCostUsd(
  segments: number,
  mms: boolean,
  rates: { perSegment: number | null; perMms: number | null },
): number | null {
  if (mms) return rates.perMms !== null && rates.perMms >= 0 ? rates.perMms : null;
  if (rates.perSegment === null || rates.perSegment < 0) return null;
  return Math.round(segments * rates.perSegment * 1e6) / 1e6;
}

export function formatUsdEstimate(usd: number): string {
  return `$${usd.toFixed(4)} USD`;
}

/** What Flowroute allows, for the 429 message. */
export function rateLimitMessage(mms: boolean, retryAfterSeconds: number | null | undefined): string {
  const rule = mms ? 'Flowroute allows 1 MMS per second' : 'Flowroute allows 5 SMS per second';
  const wait =
    retryAfterSeconds !== null && retryAfterSeconds !== undefined && retryAfterSeconds >= 0
      ? ` — try again in ${Math.max(1, Math.ceil(retryAfterSeconds))} s`
      : ' — try again in a moment';
  return rule + wait;
}

/**
 * Whether an Idempotency-Key may be used again after a failed send. A definite refusal (4xx other than
 * 409 "in progress") means nothing was sent, so the next attempt is a new intent with a new key. Network
 * errors, 5xx and 409 leave the outcome open: the retry must reuse the key so the proxy can dedupe it.
 */
export function keepKeyAfterError(status: number | null | undefined): boolean {
  if (status === null || status === undefined) return true;
  if (status === 409) return true;
  return status >= 500;
}
