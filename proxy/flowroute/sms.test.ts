import { describe, expect, it } from 'vitest';
import { analyzeSms, messageEncoding, replaceSmartCharacters } from './sms';

const a = (n: number) => 'a'.repeat(n);

describe('analyzeSms', () => {
  // [label, body, flowroute {encoding, segments}, standard {encoding, segments}]
  const table: [string, string, [string, number], [string, number]][] = [
    ['empty', '', ['GSM-7', 0], ['GSM-7', 0]],
    ['ASCII 160', a(160), ['GSM-7', 1], ['GSM-7', 1]],
    ['ASCII 161', a(161), ['GSM-7', 2], ['GSM-7', 2]],
    ['ASCII 280', a(280), ['GSM-7', 2], ['GSM-7', 2]],
    ['ASCII 300', a(300), ['GSM-7', 3], ['GSM-7', 2]],
    ['ASCII 301', a(301), ['GSM-7', 3], ['GSM-7', 2]],
    ['ASCII 307', a(307), ['GSM-7', 3], ['GSM-7', 3]],
    // GSM extension characters take two septets by the standard rule; they are plain ASCII for Flowroute.
    ['80 braces', '{}'.repeat(40), ['GSM-7', 1], ['GSM-7', 1]],
    ['81 braces', '{'.repeat(81), ['GSM-7', 1], ['GSM-7', 2]],
    // € is in GSM's extension table but not ASCII: UCS-2 for Flowroute.
    ['euro', 'Price: 5€', ['UCS-2', 1], ['GSM-7', 1]],
    // é is GSM-7 basic but not ASCII.
    ['accented', 'Café', ['UCS-2', 1], ['GSM-7', 1]],
    ['emoji', 'Hi 👋', ['UCS-2', 1], ['UCS-2', 1]],
    ['emoji 70 units', '👋'.repeat(35), ['UCS-2', 1], ['UCS-2', 1]],
    ['emoji 72 units', '👋'.repeat(36), ['UCS-2', 2], ['UCS-2', 2]],
    ['CJK 70', '漢'.repeat(70), ['UCS-2', 1], ['UCS-2', 1]],
    ['CJK 71', '漢'.repeat(71), ['UCS-2', 2], ['UCS-2', 2]],
    ['CJK 140', '漢'.repeat(140), ['UCS-2', 2], ['UCS-2', 3]],
    ['smart quotes', '“Hello” it’s me', ['UCS-2', 1], ['UCS-2', 1]],
    ['backtick is not GSM', 'run `ls`', ['GSM-7', 1], ['UCS-2', 1]],
  ];
  it.each(table)('%s', (_label, body, [fEnc, fSeg], [sEnc, sSeg]) => {
    const f = analyzeSms(body, 'flowroute');
    const s = analyzeSms(body, 'standard');
    expect([f.encoding, f.segments]).toEqual([fEnc, fSeg]);
    expect([s.encoding, s.segments]).toEqual([sEnc, sSeg]);
  });

  it('counts characters as people do and units as the network does', () => {
    const r = analyzeSms('👋 hi', 'standard');
    expect(r.characters).toBe(4);
    expect(r.units).toBe(5);
    expect(r.perSegment).toBe(70);
    expect(analyzeSms(a(161), 'standard').perSegment).toBe(153);
    expect(analyzeSms(a(161), 'flowroute').perSegment).toBe(140);
  });

  it('lists the characters that force UCS-2, with their positions', () => {
    expect(analyzeSms('a “b” c', 'flowroute').forcingChars).toEqual([
      { char: '“', index: 2 },
      { char: '”', index: 4 },
    ]);
    expect(analyzeSms('Hi 👋!', 'flowroute').forcingChars).toEqual([{ char: '👋', index: 3 }]);
  });

  it('gives Flowroute’s message_encoding', () => {
    expect(messageEncoding('plain')).toBe(0);
    expect(messageEncoding('naïve')).toBe(8);
  });
});

describe('replaceSmartCharacters', () => {
  it('turns smart quotes, dashes and ellipses into plain text', () => {
    const fixed = replaceSmartCharacters('“Don’t” — wait… ‘ok’ – fine');
    expect(fixed).toBe("\"Don't\" - wait... 'ok' - fine");
    expect(analyzeSms(fixed, 'flowroute').encoding).toBe('GSM-7');
  });
  it('keeps emoji and other text', () => {
    expect(replaceSmartCharacters('Hi 👋 café')).toBe('Hi 👋 café');
  });
});
