// isJsonBytes must say yes exactly when JSON.parse would accept the text (and the bytes are valid UTF-8).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isJsonBytes, MAX_DEPTH } from './json-check';

const b = (s: string) => Buffer.from(s, 'utf8');
function parses(buf: Buffer): boolean {
  try {
    JSON.parse(buf.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

describe('isJsonBytes', () => {
  it('accepts well-formed documents, refuses malformed ones (fixed cases)', () => {
    const good = [
      '{}',
      '[]',
      ' {"data": []} \n',
      '{"a":1,"b":[true,false,null],"c":{"d":"e\\u00e9\\n\\"x\\""}}',
      '0',
      '-0.5e+10',
      '1E5',
      '"plain"',
      '"é ü 中 😀"',
      '[1, -2, 3.25, 4e-3, 0.0]',
      '"\\ud800"',
      '{"data":[{"id":"12065550100","attributes":{"alias":null}}]}',
    ];
    const bad = [
      '',
      ' ',
      '{',
      '[1,]',
      '{"a":1,}',
      '{"a" 1}',
      '{a:1}',
      "{'a':1}",
      '[01]',
      '[1.]',
      '[.5]',
      '[-]',
      '[1e]',
      '[+1]',
      '"a\tb"',
      '"\\x"',
      '"\\u12g4"',
      '"unterminated',
      'tru',
      'nul',
      'falsy',
      '{}{}',
      '{} x',
      '<html><body>Bad Gateway</body></html>',
      '\ufeff{}',
      '[NaN]',
      '{"a":1]',
      '[1}',
    ];
    for (const s of good) expect([s, isJsonBytes(b(s))]).toEqual([s, true]);
    for (const s of bad) expect([s, isJsonBytes(b(s))]).toEqual([s, false]);
    for (const s of [...good, ...bad]) expect([s, isJsonBytes(b(s))]).toEqual([s, parses(b(s))]);
  });

  it('refuses invalid UTF-8 (JSON.parse would accept it as U+FFFD) and nesting deeper than MAX_DEPTH', () => {
    expect(isJsonBytes(Buffer.from([0x22, 0xc3, 0x28, 0x22]))).toBe(false);
    expect(isJsonBytes(Buffer.from([0x22, 0xff, 0x22]))).toBe(false);
    const nested = (levels: number) => b(`${'['.repeat(levels)}1${']'.repeat(levels)}`);
    expect(isJsonBytes(nested(MAX_DEPTH))).toBe(true);
    expect(isJsonBytes(nested(MAX_DEPTH + 1))).toBe(false);
  });

  it('agrees with JSON.parse around the 16-byte steps: every string length, every position, every truncation', () => {
    for (let length = 0; length <= 48; length++) {
      const plain = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'.slice(0, length);
      expect(isJsonBytes(b(`"${plain}"`))).toBe(true);
      expect(isJsonBytes(b(`["${plain}","${plain}"]`))).toBe(true);
      expect(isJsonBytes(b(`"${plain}`))).toBe(false);
      for (let at = 0; at <= length; at++) {
        const around = (insert: string) => `{"k":"${plain.slice(0, at)}${insert}${plain.slice(at)}"}`;
        for (const insert of ['\\n', '\\"', '\\u00e9', 'é', '\u0001', '\t', '\\x', '\\u12', '"']) {
          const text = around(insert);
          expect([text, isJsonBytes(b(text))]).toEqual([text, parses(b(text))]);
        }
      }
    }
    const doc = b(
      '{"data":[{"id":"12065550100","attributes":{"alias":null,"n":-1.5e3,"ok":true,"no":false}}],"links":{}}',
    );
    for (let cut = 0; cut <= doc.length; cut++) {
      const part = doc.subarray(0, cut);
      expect([cut, isJsonBytes(part)]).toEqual([cut, parses(Buffer.from(part))]);
    }
  });

  it('grows its memory for a large body and ignores what a larger body left behind', () => {
    const big = b(JSON.stringify({ data: Array.from({ length: 30_000 }, (_, i) => ({ id: String(i) })) }));
    expect(big.length).toBeGreaterThan(2 * 65_536);
    expect(isJsonBytes(big)).toBe(true);
    expect(isJsonBytes(big.subarray(0, big.length - 1))).toBe(false);
    // A short body after a long one: the long one's bytes are still in the module's memory right after it.
    expect(isJsonBytes(big.subarray(0, 20))).toBe(false);
    expect(isJsonBytes(b('{"data":[{"id":"0"'))).toBe(false);
    expect(isJsonBytes(b('{"data":[]}'))).toBe(true);
    expect(isJsonBytes(b(''))).toBe(false);
    // A body that is a prefix of the one before: without the zero padding its scan would run on into the old bytes.
    for (const [before, now] of [
      ['123456', '12'],
      ['"abcdefghijklmnopqrstuvwxyz"', '"abc'],
      ['[true, 1.5e10]', '[true, 1.5e'],
    ]) {
      expect(isJsonBytes(b(before!))).toBe(true);
      expect([now, isJsonBytes(b(now!))]).toEqual([now, parses(b(now!))]);
    }
  });

  it('agrees with JSON.parse on generated documents and on damaged copies of them', () => {
    fc.assert(
      fc.property(fc.json({ depthSize: 'medium' }), (text) => {
        expect(isJsonBytes(b(text))).toBe(true);
        expect(isJsonBytes(b(` \n${JSON.stringify(JSON.parse(text), null, 2)}\t`))).toBe(true);
      }),
      { seed: 8, numRuns: 2000 },
    );
    fc.assert(
      fc.property(
        fc.json({ depthSize: 'small' }),
        fc.nat(),
        fc.constantFrom('delete', 'insert', 'replace'),
        fc.constantFrom(...'{}[],:"\\ 0-.eE+tfnu\u0001aé'.split('')),
        (text, at, how, ch) => {
          const i = text.length === 0 ? 0 : at % text.length;
          const damaged =
            how === 'delete'
              ? text.slice(0, i) + text.slice(i + 1)
              : how === 'insert'
                ? text.slice(0, i) + ch + text.slice(i)
                : text.slice(0, i) + ch + text.slice(i + 1);
          expect(isJsonBytes(b(damaged))).toBe(parses(b(damaged)));
        },
      ),
      { seed: 8, numRuns: 20000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        expect(isJsonBytes(b(text))).toBe(parses(b(text)));
      }),
      { seed: 8, numRuns: 5000 },
    );
  });
});
