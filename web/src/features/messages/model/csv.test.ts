import { buildMessagesCsv, csvField, csvFileName, guardFormula } from './csv';
import { CsvFormatError, readCsv } from '@/test-csv';
import { row } from './fixtures.test-util';

describe('csvField', () => {
  it('leaves plain values alone and quotes commas, quotes and line breaks', () => {
    expect(csvField('hello')).toBe('hello');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rlf')).toBe('"cr\rlf"');
    expect(csvField(3)).toBe('3');
    expect(csvField(null)).toBe('');
  });

  it('guards cells a spreadsheet would run as a formula', () => {
    for (const evil of ['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\tx', '\rx']) {
      expect(guardFormula(evil)).toBe(`'${evil}`);
    }
    expect(csvField('=HYPERLINK("http://x","click")')).toBe(`"'=HYPERLINK(""http://x"",""click"")"`);
    expect(guardFormula('safe = fine')).toBe('safe = fine');
  });

  it('does not guard numeric columns', () => {
    expect(csvField('-0.0040', false)).toBe('-0.0040');
  });
});

describe('buildMessagesCsv', () => {
  // Read back with the strict reader the e2e export test uses too (web/src/test-csv.ts).
  it('writes a header and one row per record, readable back field for field', () => {
    const rows = [
      row({
        id: 'mdr2-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
        body: 'Hi, "friend"\nsee you',
        timestamp: '2026-11-20T10:00:00.00Z',
      }),
      row({
        id: 'mdr2-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
        direction: 'inbound',
        body: '=cmd|" /C calc"!A0',
        from: '13125550111',
        to: '12065550199',
        status: 'delivered',
        amount_nanodollars: 9_500_000,
        message_encoding: 8,
      }),
    ];
    const text = buildMessagesCsv(rows);
    expect(text.endsWith('\r\n')).toBe(true);
    const parsed = readCsv(text);
    expect(parsed[0]).toEqual([
      'time_utc',
      'direction',
      'from',
      'to',
      'status',
      'segments',
      'encoding',
      'amount_usd',
      'body',
      'id',
    ]);
    expect(parsed).toHaveLength(3);
    expect(parsed[1]).toEqual([
      '2026-11-20T10:00:00.00Z',
      'outbound',
      '12065550199',
      '12065550100',
      'delivered',
      '1',
      'GSM-7',
      '0.0040',
      'Hi, "friend"\nsee you',
      'mdr2-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    ]);
    expect(parsed[2]?.[7]).toBe('0.0095');
    expect(parsed[2]?.[6]).toBe('UCS-2');
    expect(parsed[2]?.[8]).toBe(`'=cmd|" /C calc"!A0`);
  });

  it('counts segments by Flowroute’s rule and 1 for MMS', () => {
    const long = row({ body: 'a'.repeat(161) });
    const mms = row({ body: 'a'.repeat(500), is_mms: true });
    const parsed = readCsv(buildMessagesCsv([long, mms]));
    expect(parsed[1]?.[5]).toBe('2');
    expect(parsed[2]?.[5]).toBe('1');
  });

  it('writes only the header for no rows', () => {
    expect(readCsv(buildMessagesCsv([]))).toHaveLength(1);
  });
});

it('names the file after the range', () => {
  expect(csvFileName('2026-11-21T00:00:00.000Z', '2026-11-28T10:00:00.000Z')).toBe(
    'messages_2026-11-21_2026-11-28.csv',
  );
});

describe('readCsv (the strict test reader both suites use)', () => {
  it('reads quoted commas, doubled quotes and line breaks inside quotes', () => {
    expect(readCsv('a,"b,c","say ""hi""","x\r\ny"\r\n,,,""\r\n')).toEqual([
      ['a', 'b,c', 'say "hi"', 'x\r\ny'],
      ['', '', '', ''],
    ]);
    expect(readCsv('\ufeffa\r\n', { bom: 'required' })).toEqual([['a']]);
  });

  it('refuses what RFC 4180 does not allow, so a malformed export fails the test', () => {
    for (const bad of [
      'a,b', // last record without CRLF
      'a,b\n', // bare LF
      'a\rb\r\n', // bare CR
      'a,"b\r\n', // unterminated quote
      'a,"b"c\r\n', // text after a closing quote
      'a,b"c"\r\n', // quote inside an unquoted field
      'a,b\r\nc\r\n', // fewer fields than the first record
      '\ufeffa\r\n', // a BOM where none belongs
    ]) {
      expect(() => readCsv(bad), JSON.stringify(bad)).toThrow(CsvFormatError);
    }
    expect(() => readCsv('a\r\n', { bom: 'required' })).toThrow(CsvFormatError);
  });
});
