// CSRF defence for every state-changing request under /api, /admin and /auth (S-7), as an onRequest hook so a
// forgery is refused before any body parsing, idempotency claim, audit or upstream call:
//  (a) same origin: Origin equal to our own origin (or an allowed CORS origin); without Origin, Sec-Fetch-Site must
//      be same-origin; cross-site/same-site fetch metadata and `Origin: null` are refused;
//  (b) the static header `X-CSRF: 1` (a cross-site page cannot send it without a CORS preflight) on /api and /admin;
//  (c) bodies only as JSON (application/json or application/vnd.api+json) → otherwise 415.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { classify } from './static';
import { sendProxyError } from './errors';

export interface CsrfOptions {
  /** Extra origins allowed to call the API (SPA hosted elsewhere), exact `scheme://host[:port]`. */
  corsOrigins?: string[];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const JSON_TYPES = new Set(['application/json', 'application/vnd.api+json']);

export type CsrfVerdict = { ok: true } | { ok: false; status: 403 | 415; reason: string };

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function hasBody(request: FastifyRequest): boolean {
  const len = header(request, 'content-length');
  if (len !== undefined && len.trim() !== '0') return true;
  return header(request, 'transfer-encoding') !== undefined;
}

/** `scheme://host[:port]` lower-cased, without the scheme's default port (browsers omit it in Origin). */
export function normalizeOrigin(origin: string): string {
  const o = origin.trim().toLowerCase();
  if (o.startsWith('http://') && o.endsWith(':80')) return o.slice(0, -3);
  if (o.startsWith('https://') && o.endsWith(':443')) return o.slice(0, -4);
  return o;
}

/** Decides whether a request may change state. Pure function of the request, for tests. */
export function checkCsrf(request: FastifyRequest, allowed: ReadonlySet<string>): CsrfVerdict {
  if (SAFE_METHODS.has(request.method)) return { ok: true };
  const area = classify(request.raw.url ?? '/');
  if (area === 'page') return { ok: true }; // not our concern: no state changes outside /api, /admin, /auth

  const self = normalizeOrigin(`${request.protocol}://${request.host}`);
  const rawOrigin = header(request, 'origin');
  const origin = rawOrigin === undefined ? undefined : normalizeOrigin(rawOrigin);
  const site = header(request, 'sec-fetch-site')?.trim().toLowerCase();
  const originAllowed = origin !== undefined && (origin === self || allowed.has(origin));
  if (origin !== undefined && !originAllowed) {
    return {
      ok: false,
      status: 403,
      reason: origin === 'null' ? 'Origin is null.' : 'Origin is not this site.',
    };
  }
  if (site !== undefined && site !== 'same-origin' && !(originAllowed && origin !== self)) {
    return { ok: false, status: 403, reason: `Sec-Fetch-Site is ${site}.` };
  }
  if (origin === undefined && site !== 'same-origin') {
    return {
      ok: false,
      status: 403,
      reason: 'Neither Origin nor Sec-Fetch-Site shows a same-origin request.',
    };
  }
  if (area !== 'auth' && header(request, 'x-csrf') !== '1') {
    return { ok: false, status: 403, reason: 'The X-CSRF: 1 header is missing.' };
  }
  const type = header(request, 'content-type');
  const mediaType = type?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== undefined && mediaType !== '' && !JSON_TYPES.has(mediaType)) {
    return { ok: false, status: 415, reason: 'Send the body as application/json.' };
  }
  if ((mediaType === undefined || mediaType === '') && hasBody(request)) {
    return { ok: false, status: 415, reason: 'A request body needs Content-Type: application/json.' };
  }
  return { ok: true };
}

export function refuseCsrf(reply: FastifyReply, verdict: Extract<CsrfVerdict, { ok: false }>): FastifyReply {
  if (verdict.status === 415) {
    return sendProxyError(reply, {
      status: 415,
      code: 'unsupported_media_type',
      title: 'Unsupported Media Type',
      detail: verdict.reason,
    });
  }
  return sendProxyError(reply, {
    status: 403,
    code: 'csrf',
    title: 'Forbidden',
    detail: `Refused as a possible cross-site request forgery: ${verdict.reason}`,
  });
}

export default fp(
  async function csrfPlugin(app: FastifyInstance, opts: CsrfOptions) {
    const allowed = new Set((opts.corsOrigins ?? []).map(normalizeOrigin));
    // Callback style (no promise per request); a refusal answers from the hook and does not call done().
    app.addHook('onRequest', (request, reply, done) => {
      const verdict = checkCsrf(request, allowed);
      if (!verdict.ok) {
        refuseCsrf(reply, verdict);
        return;
      }
      done();
    });
  },
  { name: 'csrf', fastify: '5.x' },
);
