// Strict reading of the raw request URL for /api: no percent-escapes, dot segments or odd characters in the path,
// no repeated or malformed query parameters, so nothing the client types can reshape the upstream URL.

export type RawUrlResult =
  { ok: true; path: string; query: Map<string, string> } | { ok: false; detail: string; parameter?: string };

const PATH_CHARS = /^[A-Za-z0-9._~/-]+$/;
// Query characters left raw by browsers/ky plus percent-escapes; no ';' (some servers split on it), no '?', no '#'.
const QUERY_CHARS = /^[A-Za-z0-9._~%+=&:,*!'()$@/-]*$/;
const MAX_URL_LENGTH = 2048;

/** Splits and checks a raw URL such as `/api/v2/numbers?limit=20`. */
export function parseRawUrl(raw: string): RawUrlResult {
  if (raw.length > MAX_URL_LENGTH) return { ok: false, detail: 'The URL is too long.' };
  if (!raw.startsWith('/')) return { ok: false, detail: 'The request target must be a path.' };
  if (raw.includes('#')) return { ok: false, detail: 'A URL fragment (#) is not allowed.' };
  const q = raw.indexOf('?');
  const path = q === -1 ? raw : raw.slice(0, q);
  const queryText = q === -1 ? '' : raw.slice(q + 1);
  if (!PATH_CHARS.test(path)) {
    return {
      ok: false,
      detail: 'The path contains characters that are not allowed (percent-escapes, ";", "\\", spaces…).',
    };
  }
  if (path.includes('//')) return { ok: false, detail: 'Doubled slashes are not allowed in the path.' };
  const segments = path.split('/').slice(1);
  if (segments.some((s) => s === '.' || s === '..'))
    return { ok: false, detail: 'Dot segments are not allowed in the path.' };
  if (path.length > 1 && path.endsWith('/'))
    return { ok: false, detail: 'A trailing slash is not allowed in the path.' };

  const query = new Map<string, string>();
  if (queryText === '') return { ok: true, path, query };
  if (!QUERY_CHARS.test(queryText)) {
    return {
      ok: false,
      detail: 'The query string contains characters that are not allowed (";", "?", spaces…).',
    };
  }
  if (/%(?![0-9A-Fa-f]{2})/.test(queryText))
    return { ok: false, detail: 'The query string has a malformed percent-escape.' };
  for (const pair of queryText.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    if (!/^[a-z_]{1,32}$/.test(rawName)) {
      return {
        ok: false,
        detail: `Unknown query parameter "${rawName.slice(0, 40)}".`,
        parameter: rawName.slice(0, 40),
      };
    }
    const name = rawName;
    let value: string;
    try {
      value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      return { ok: false, detail: 'The query string has a malformed percent-escape.' };
    }
    if (!/^[a-z_]{1,32}$/.test(name))
      return {
        ok: false,
        detail: `Unknown query parameter "${name.slice(0, 40)}".`,
        parameter: name.slice(0, 40),
      };
    if (query.has(name))
      return { ok: false, detail: `The query parameter "${name}" is repeated.`, parameter: name };
    query.set(name, value);
  }
  return { ok: true, path, query };
}
