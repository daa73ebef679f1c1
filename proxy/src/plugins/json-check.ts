// Is this upstream body well-formed JSON (RFC 8259) in UTF-8? The proxy forwards Flowroute's bytes unchanged and only
// needs a yes/no for `upstream_malformed`, so it checks the grammar on the bytes instead of building the whole
// document with JSON.parse and throwing it away: about half the CPU on a 50 KB page of numbers, no garbage
// (docs/performance.md). Same answers as `JSON.parse(buf.toString('utf8'))` succeeding, except that it is stricter in
// two ways: invalid UTF-8 is refused (JSON.parse would see U+FFFD replacement characters and accept them), and
// nesting deeper than MAX_DEPTH is refused (Flowroute's documents are a few levels deep). Checked against JSON.parse by
// json-check.test.ts (fast-check).
import { isUtf8 } from 'node:buffer';

export const MAX_DEPTH = 512;

const WS = new Uint8Array(256);
WS[0x20] = WS[0x0a] = WS[0x0d] = WS[0x09] = 1;
/** Bytes that may stand in a string as they are: everything from 0x20 except `"` and `\`. */
const PLAIN = new Uint8Array(256);
for (let c = 0x20; c < 256; c++) PLAIN[c] = 1;
PLAIN[0x22] = 0;
PLAIN[0x5c] = 0;
const HEX = new Uint8Array(256);
for (const ch of '0123456789abcdefABCDEF') HEX[ch.charCodeAt(0)] = 1;
/** What may follow a backslash besides `u`. */
const ESCAPE = new Uint8Array(256);
for (const ch of '"\\/bfnrt') ESCAPE[ch.charCodeAt(0)] = 1;

const OBJECT = 1;
const ARRAY = 2;

/** True when `b` is exactly one JSON value (with optional whitespace around it), in valid UTF-8. */
export function isJsonBytes(b: Uint8Array): boolean {
  return isUtf8(b) && isJsonGrammar(b);
}

/** The grammar only (bytes ≥ 0x80 are accepted inside strings; isJsonBytes checks UTF-8). */
export function isJsonGrammar(b: Uint8Array): boolean {
  const n = b.length;
  const stack = new Uint8Array(MAX_DEPTH);
  let depth = 0;
  let i = 0;
  let c = 0;
  let wantKey = false;
  for (;;) {
    // A value (or, right after `{` or `,` in an object, a key and its colon).
    while (i < n && WS[b[i]!] === 1) i++;
    if (i >= n) return false;
    c = b[i]!;
    if (wantKey && c !== 0x22) return false;
    if (c === 0x22) {
      i++;
      for (;;) {
        // Four plain bytes per step first (most of a page's bytes are inside strings): ~10-20 % less time on a page.
        const end4 = n - 4;
        while (
          i <= end4 &&
          PLAIN[b[i]!] === 1 &&
          PLAIN[b[i + 1]!] === 1 &&
          PLAIN[b[i + 2]!] === 1 &&
          PLAIN[b[i + 3]!] === 1
        )
          i += 4;
        while (i < n && PLAIN[b[i]!] === 1) i++;
        if (i >= n) return false;
        c = b[i]!;
        if (c === 0x22) {
          i++;
          break;
        }
        if (c !== 0x5c) return false; // a control character
        c = b[i + 1] ?? 0;
        if (c === 0x75) {
          if (
            HEX[b[i + 2] ?? 0] !== 1 ||
            HEX[b[i + 3] ?? 0] !== 1 ||
            HEX[b[i + 4] ?? 0] !== 1 ||
            HEX[b[i + 5] ?? 0] !== 1
          )
            return false;
          i += 6;
        } else if (ESCAPE[c] === 1) i += 2;
        else return false;
      }
      if (wantKey) {
        while (i < n && WS[b[i]!] === 1) i++;
        if (b[i] !== 0x3a) return false;
        i++;
        wantKey = false;
        continue;
      }
    } else if (c === 0x7b || c === 0x5b) {
      i++;
      while (i < n && WS[b[i]!] === 1) i++;
      if (b[i] === (c === 0x7b ? 0x7d : 0x5d)) {
        i++; // {} or []
      } else {
        if (depth >= MAX_DEPTH) return false;
        stack[depth++] = c === 0x7b ? OBJECT : ARRAY;
        wantKey = c === 0x7b;
        continue;
      }
    } else if (c === 0x74) {
      if (b[i + 1] !== 0x72 || b[i + 2] !== 0x75 || b[i + 3] !== 0x65) return false;
      i += 4;
    } else if (c === 0x66) {
      if (b[i + 1] !== 0x61 || b[i + 2] !== 0x6c || b[i + 3] !== 0x73 || b[i + 4] !== 0x65) return false;
      i += 5;
    } else if (c === 0x6e) {
      if (b[i + 1] !== 0x75 || b[i + 2] !== 0x6c || b[i + 3] !== 0x6c) return false;
      i += 4;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      // -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?
      if (c === 0x2d) c = b[++i] ?? 0;
      if (c === 0x30) i++;
      else if (c >= 0x31 && c <= 0x39) {
        i++;
        while (i < n && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
      } else return false;
      if (b[i] === 0x2e) {
        const start = ++i;
        while (i < n && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
        if (i === start) return false;
      }
      if (b[i] === 0x65 || b[i] === 0x45) {
        i++;
        if (b[i] === 0x2b || b[i] === 0x2d) i++;
        const start = i;
        while (i < n && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
        if (i === start) return false;
      }
    } else return false;

    // After a value: close containers, or a comma and the next member.
    for (;;) {
      while (i < n && WS[b[i]!] === 1) i++;
      if (depth === 0) return i === n;
      c = b[i] ?? 0;
      const top = stack[depth - 1];
      if (c === 0x2c) {
        i++;
        wantKey = top === OBJECT;
        break;
      }
      if ((c === 0x7d && top === OBJECT) || (c === 0x5d && top === ARRAY)) {
        i++;
        depth--;
        continue;
      }
      return false;
    }
  }
}
