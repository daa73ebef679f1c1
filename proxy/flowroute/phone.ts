// North American phone numbers: parse what people type, show them as people read them, send them as
// Flowroute wants them (11 digits, country code 1, no '+').

/** Flowroute's canonical form: 11 digits, country code 1, area code and exchange starting 2–9. */
export function isNanp11(value: string): boolean {
  return /^1[2-9]\d{2}[2-9]\d{6}$/.test(value);
}

export type ParsedNumber = { ok: true; digits: string } | { ok: false; error: string };

/**
 * Parses a number typed the usual ways: "(206) 555-0100", "206.555.0100", "+1 206 555 0100",
 * "1-206-555-0100", "12065550100". Returns Flowroute's 11-digit form or a message saying what is wrong.
 */
export function parseNanp(input: string): ParsedNumber {
  const text = input.trim();
  if (text === '') return { ok: false, error: 'Enter a phone number.' };
  if (/[^\d\s().+-]/.test(text)) {
    return { ok: false, error: 'Use digits only (spaces, dashes, dots, brackets and a leading + are fine).' };
  }
  if (text.indexOf('+') > 0 || (text.match(/\+/g) ?? []).length > 1) {
    return { ok: false, error: 'A + may only come first, before the country code.' };
  }
  let digits = text.replace(/\D/g, '');
  if (text.startsWith('+') && !digits.startsWith('1')) {
    return { ok: false, error: 'Only North American numbers (+1) are supported.' };
  }
  if (digits.length === 10) digits = `1${digits}`;
  if (digits.length < 10)
    return { ok: false, error: `Too short: a number has 10 digits after +1 (got ${digits.length}).` };
  if (digits.length > 11 || !digits.startsWith('1')) {
    return { ok: false, error: 'Too long: a North American number is +1 and 10 digits.' };
  }
  if (!/^1[2-9]/.test(digits)) return { ok: false, error: 'The area code cannot start with 0 or 1.' };
  if (!/^1\d{3}[2-9]/.test(digits))
    return { ok: false, error: 'The exchange (after the area code) cannot start with 0 or 1.' };
  return { ok: true, digits };
}

/** "12065550100" → "+1 206-555-0100". Anything that is not a NANP number is returned unchanged. */
export function formatNanp(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value).trim();
  if (/[^\d\s().+-]/.test(text)) return text;
  const digits = text.replace(/\D/g, '');
  const d11 = digits.length === 10 ? `1${digits}` : digits;
  if (!/^1\d{10}$/.test(d11)) return text;
  return `+1 ${d11.slice(1, 4)}-${d11.slice(4, 7)}-${d11.slice(7)}`;
}

/** "12065550100" → "+12065550100". */
export function toE164(digits11: string): string {
  return `+${digits11}`;
}

export type FilterKind = 'starts_with' | 'contains' | 'ends_with';

/**
 * Turns what someone types into a number filter ("206", "(206) 55", "+1 206") into the digits Flowroute
 * expects. For starts_with Flowroute itself puts the country code 1 in front, so a leading country code
 * typed by the user is dropped (an area code never starts with 1, so a leading 1 is always the country code).
 */
export function filterDigits(input: string, kind: FilterKind = 'contains'): string {
  const digits = input.replace(/\D/g, '');
  if (kind === 'starts_with' && digits.startsWith('1')) return digits.slice(1);
  return digits;
}
