// Messages v2.1 (and v2.2, served the same): send SMS/MMS, MDRs by UTC date range, MDR detail.
import { randomUUID } from 'node:crypto';
import { isNanp11 } from '../../flowroute/phone';
import { ApiError, NOT_FOUND_DETAIL, link, parseLimit, parseOffset } from '../http-util';
import type { Ctx, Reply } from '../http-util';
import { chooseOutcome, mediaFromUrl, priceNanodollars, renderMdr, renderMedia, type Mdr } from '../mdr';
import type { EmulatorState } from '../store';

const versionOf = (ctx: Ctx): string => ctx.path.split('/')[1] ?? 'v2.1';

function isWebUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** "+12065550100" or "12065550100" → "12065550100"; anything else → null. */
function phone(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const digits = value.startsWith('+') ? value.slice(1) : value;
  return isNanp11(digits) ? digits : null;
}

/**
 * Send. Accepts the compact body {from,to,body,...} and the JSON:API body {data:{type:"message",attributes}}.
 * is_mms may be a boolean or the strings "true"/"false" (the SDKs send strings). Media URLs must be http(s)
 * URLs (Flowroute fetches them; the emulator does not). A `from` that is not on the account is a 403.
 * Over 5 SMS/s or 1 MMS/s per credential: 429 in the error envelope plus a Retry-After header in seconds
 * (real Flowroute documents no Retry-After; the emulator adds it to help clients back off).
 */
export function sendMessage(ctx: Ctx, state: EmulatorState): Reply {
  const raw = ctx.body;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new ApiError(422, 'The body must be a JSON object.');
  let attrs = raw as Record<string, unknown>;
  if ('data' in attrs) {
    const data = attrs.data as { type?: unknown; attributes?: unknown } | null;
    if (!data || typeof data !== 'object' || !data.attributes || typeof data.attributes !== 'object') {
      throw new ApiError(422, 'data.attributes is required in a JSON:API message body.');
    }
    if (data.type !== undefined && data.type !== 'message')
      throw new ApiError(422, 'data.type must be "message".');
    attrs = data.attributes as Record<string, unknown>;
  }
  const from = phone(attrs.from);
  if (!from) throw new ApiError(422, 'from must be an 11-digit North American number, e.g. 12065551234.');
  const to = phone(attrs.to);
  if (!to) throw new ApiError(422, 'to must be an 11-digit North American number, e.g. 12065551234.');
  const body = attrs.body ?? '';
  if (typeof body !== 'string') throw new ApiError(422, 'body must be a string.');
  const mediaUrls = attrs.media_urls ?? [];
  if (!Array.isArray(mediaUrls) || !mediaUrls.every(isWebUrl)) {
    throw new ApiError(422, 'media_urls must be a list of http(s) URLs.');
  }
  let isMms: boolean;
  const flag = attrs.is_mms;
  if (flag === undefined || flag === null) isMms = false;
  else if (flag === true || flag === 'true') isMms = true;
  else if (flag === false || flag === 'false') isMms = false;
  else throw new ApiError(422, 'is_mms must be true or false.');
  if (mediaUrls.length > 0) isMms = true;
  if (attrs.dlr_callback !== undefined && attrs.dlr_callback !== null && !isWebUrl(attrs.dlr_callback)) {
    throw new ApiError(422, 'dlr_callback must be an http(s) URL.');
  }
  if (body === '' && mediaUrls.length === 0) throw new ApiError(422, 'A message needs a body or media_urls.');
  const own = state.numbers.get(from);
  if (!own) throw new ApiError(403, 'You can only send messages from a number on your account.');

  const wait = state.takeSendSlot(ctx.credential, isMms, ctx.now);
  if (wait > 0) {
    state.stats.rateLimited++;
    throw new ApiError(
      429,
      isMms ? 'You are allowed to send 1 MMS per second.' : 'You are allowed to send 5 SMS per second.',
      'Too Many Requests',
      { 'Retry-After': String(wait) },
    );
  }

  const id = `mdr2-${randomUUID().replace(/-/g, '')}`;
  const { amount, encoding } = priceNanodollars(body, isMms);
  const mdr: Mdr = {
    id,
    ts: ctx.now,
    direction: 'outbound',
    from,
    to,
    body,
    isMms,
    encoding,
    amount,
    messageType: own.numberType === 'toll-free' ? 'toll-free' : 'longcode',
    media:
      mediaUrls.length > 0
        ? mediaUrls.map((url, i) => mediaFromUrl(url, `${Math.floor(ctx.now)}${i}`))
        : undefined,
    outcome: chooseOutcome(to, state.rng.next()),
    l1: state.rng.int(300, 900),
    l2: state.rng.int(1_500, 4_000),
  };
  state.addMdr(mdr);
  state.stats.sends.push({ id, from, to, is_mms: isMms, at: new Date(ctx.now).toISOString() });
  const version = versionOf(ctx);
  return {
    status: 202,
    body: { data: { links: { self: `${ctx.base}/${version}/messages/${id}` }, type: 'message', id } },
  };
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+\- ]\d{2}:?\d{2})?$/i;

/**
 * YYYY-MM-DD (midnight UTC) or YYYY-MM-DDTHH:mm[:ss[.fff]][Z|±hh:mm]; no zone means UTC. A "+" that arrived
 * unencoded (decoded to a space) is read as "+", although Flowroute asks for %2B.
 */
export function parseMdrDate(raw: string): number | null {
  let m = DATE_ONLY.exec(raw);
  if (m) {
    const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    const d = new Date(t);
    return d.getUTCDate() === Number(m[3]) && d.getUTCMonth() === Number(m[2]) - 1 ? t : null;
  }
  m = DATE_TIME.exec(raw);
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '0', frac = '0', zone = 'Z'] = m;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  let t = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h),
    Number(mi),
    Number(s),
    Number(frac.padEnd(3, '0').slice(0, 3)),
  );
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1) return null;
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
    t -= sign * offsetMin * 60_000;
  }
  return t;
}

/** Python-style isoformat Flowroute re-serializes into links: 2017-12-01T00:00:00+00:00. */
function isoPlus(ms: number): string {
  const iso = new Date(ms).toISOString();
  const frac = ms % 1000 === 0 ? '' : `.${iso.slice(20, 23)}000`;
  return `${iso.slice(0, 19)}${frac}+00:00`;
}

/**
 * MDRs with start_date <= timestamp <= end_date (end defaults to now), newest first as in Flowroute's
 * example. limit has no maximum (documented "as high as you want"). links carries only `next`.
 */
export function listMessages(ctx: Ctx, state: EmulatorState): Reply {
  const startRaw = ctx.query.get('start_date');
  if (startRaw === null || startRaw === '')
    throw new ApiError(400, 'start_date is required (YYYY-MM-DD or YYYY-MM-DDTHH:mm:ss.SSZ).');
  const start = parseMdrDate(startRaw);
  if (start === null) throw new ApiError(400, 'start_date must be YYYY-MM-DD or YYYY-MM-DDTHH:mm:ss.SSZ.');
  const endRaw = ctx.query.get('end_date');
  let end = ctx.now;
  if (endRaw !== null && endRaw !== '') {
    const parsed = parseMdrDate(endRaw);
    if (parsed === null) throw new ApiError(400, 'end_date must be YYYY-MM-DD or YYYY-MM-DDTHH:mm:ss.SSZ.');
    end = parsed;
  }
  if (end < start) throw new ApiError(400, 'end_date must not be before start_date.');
  const limit = parseLimit(ctx.query, null);
  const offset = parseOffset(ctx.query);
  const [lo, hi] = state.mdrRange(start, end);
  const data = [];
  for (let i = hi - 1 - offset; i >= lo && data.length < limit; i--)
    data.push(renderMdr(state.mdrs[i]!, ctx.now));
  const links: { next?: string } = {};
  if (hi - lo > offset + limit) {
    links.next = link(ctx.base, `/${versionOf(ctx)}/messages`, [
      ['limit', limit],
      ['start_date', isoPlus(start)],
      ['end_date', endRaw ? isoPlus(end) : undefined],
      ['offset', offset + limit],
    ]);
  }
  return { status: 200, body: { data, links } };
}

export function getMessage(ctx: Ctx, state: EmulatorState): Reply {
  const m = state.mdrById.get(ctx.params[0]!);
  if (!m) throw new ApiError(404, NOT_FOUND_DETAIL);
  const body: { data: ReturnType<typeof renderMdr>; included?: ReturnType<typeof renderMedia> } = {
    data: renderMdr(m, ctx.now),
  };
  if (m.media && m.media.length > 0) body.included = renderMedia(m, ctx.base, versionOf(ctx));
  return { status: 200, body };
}
