// CSV export of MDR rows: RFC 4180 quoting plus a guard against spreadsheet formula injection.
import type { LogRow } from './rows';
import { encodingLabel, nanodollarsToDecimal, segmentsOf } from './rows';

/** Characters that make Excel/LibreOffice/Sheets treat a cell as a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Neutralises a text cell that a spreadsheet would evaluate, by prefixing an apostrophe. */
export function guardFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** One CSV field: quoted when it holds a comma, quote, CR or LF; quotes doubled. */
export function csvField(value: string | number | boolean | null | undefined, guard = true): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : String(value);
  if (guard && typeof value === 'string') text = guardFormula(text);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const CSV_COLUMNS = [
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
] as const;

/** Builds the CSV text (CRLF line ends, header first) for the rows in the order given. */
export function buildMessagesCsv(rows: readonly LogRow[]): string {
  const lines: string[] = [CSV_COLUMNS.join(',')];
  for (const row of rows) {
    lines.push(
      [
        csvField(row.timestamp),
        csvField(row.direction),
        csvField(row.from),
        csvField(row.to),
        // Flowroute gives inbound MMS no status; an empty cell reads like missing data, so say it as the
        // log does.
        csvField(row.status || 'none'),
        csvField(segmentsOf(row)),
        csvField(encodingLabel(row.message_encoding)),
        csvField(nanodollarsToDecimal(row.amount_nanodollars), false),
        csvField(row.body),
        csvField(row.id),
      ].join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}

/** File name for an export, e.g. messages_2026-11-21_2026-11-28.csv */
export function csvFileName(startIso: string, endIso: string): string {
  return `messages_${startIso.slice(0, 10)}_${endIso.slice(0, 10)}.csv`;
}
