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
