// Test helper (not used by the app): one strict RFC 4180 reader for checking the CSV we write, shared by the unit
// tests of the writer (features/messages/model/csv.test.ts) and the browser test of the downloaded export
// (e2e/pages/messages.page.ts). Strict on purpose, so a malformed export fails the test instead of being read
// "near enough": every record ends with CRLF, quotes only around whole fields, no bare CR/LF outside quotes, no
// unterminated quote, the same number of fields in every record, and the byte-order mark exactly as asked.

export interface ReadCsvOptions {
  /**
   * `forbidden` (default): text that must not start with a BOM (what the writer returns); `required`: a downloaded
   * file, which carries one so Excel reads UTF-8 — it is checked, then dropped.
   */
  bom?: 'forbidden' | 'required';
}

export class CsvFormatError extends Error {}

/** Reads CSV text into records of fields; throws CsvFormatError on anything RFC 4180 does not allow. */
export function readCsv(text: string, options: ReadCsvOptions = {}): string[][] {
  const hasBom = text.startsWith('\ufeff');
  if ((options.bom ?? 'forbidden') === 'required') {
    if (!hasBom) throw new CsvFormatError('expected a UTF-8 byte-order mark at the start');
  } else if (hasBom) {
    throw new CsvFormatError('unexpected byte-order mark');
  }
  const src = hasBom ? text.slice(1) : text;
  const rows: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false; // inside a quoted field
  let closed = false; // a quoted field's closing quote was read: only a comma or CRLF may follow
  const at = (i: number) => `record ${rows.length + 1}, offset ${i}`;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (src[i + 1] === '"') {
        field += '"';
        i++;
      } else {
        quoted = false;
        closed = true;
      }
    } else if (ch === ',') {
      record.push(field);
      field = '';
      closed = false;
    } else if (ch === '\r' && src[i + 1] === '\n') {
      record.push(field);
      if (rows.length > 0 && record.length !== rows[0]!.length) {
        throw new CsvFormatError(
          `${at(i)}: ${record.length} fields, the first record has ${rows[0]!.length}`,
        );
      }
      rows.push(record);
      record = [];
      field = '';
      closed = false;
      i++;
    } else if (closed) {
      throw new CsvFormatError(`${at(i)}: ${JSON.stringify(ch)} after a closing quote`);
    } else if (ch === '"') {
      if (field !== '') throw new CsvFormatError(`${at(i)}: a quote inside an unquoted field`);
      quoted = true;
    } else if (ch === '\r' || ch === '\n') {
      throw new CsvFormatError(`${at(i)}: a bare ${ch === '\r' ? 'CR' : 'LF'} outside quotes`);
    } else {
      field += ch;
    }
  }
  if (quoted) throw new CsvFormatError(`${at(src.length)}: unterminated quoted field`);
  if (field !== '' || record.length > 0 || closed) {
    throw new CsvFormatError(`${at(src.length)}: the last record does not end with CRLF`);
  }
  return rows;
}
