// SMS length rules: encoding (GSM-7 vs UCS-2) and segment counts, both by Flowroute's documented rule and by
// the standard GSM rule, so the compose screen can show what a message will cost before it is sent.

// GSM 03.38 basic character set (one septet each) and extension table (two septets: escape + char).
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENSION = '\f^{}\\[~]|€';
const gsmBasic = new Set(Array.from(GSM_BASIC));
const gsmExtension = new Set(Array.from(GSM_EXTENSION));

export type SmsRule = 'flowroute' | 'standard';

export interface SmsAnalysis {
  encoding: 'GSM-7' | 'UCS-2';
  /** Flowroute's message_encoding: 0 for plain text, 8 for UCS-2. */
  messageEncoding: 0 | 8;
  /** Characters as a person counts them (code points). */
  characters: number;
  /** Length in the encoding's units: septets for GSM-7 (extension chars count 2), UTF-16 units for UCS-2. */
  units: number;
  segments: number;
  /** Capacity of one segment for this message (single-segment or per-part figure). */
  perSegment: number;
  /** Characters that force UCS-2 under this rule, with their code-point index in the body. */
  forcingChars: { char: string; index: number }[];
}

const isAscii = (ch: string) => ch.codePointAt(0)! <= 0x7f;
const isGsm = (ch: string) => gsmBasic.has(ch) || gsmExtension.has(ch);

/**
 * Flowroute (developer docs, "Message Length & Concatenation"): ASCII-only bodies fit 160 characters in one
 * segment and are split into segments of at most 140 characters; any non-ASCII character makes the message
 * UCS-2 with 70 characters per segment. The standard rule: GSM-7 160 / 153 per part (extension characters take
 * two septets), UCS-2 70 / 67 per part counted in UTF-16 units (an emoji takes two).
 */
export function analyzeSms(body: string, rule: SmsRule = 'flowroute'): SmsAnalysis {
  const chars = Array.from(body);
  const fitsSevenBit = rule === 'flowroute' ? isAscii : isGsm;
  const forcingChars: { char: string; index: number }[] = [];
  chars.forEach((char, index) => {
    if (!fitsSevenBit(char)) forcingChars.push({ char, index });
  });
  const ucs2 = forcingChars.length > 0;
  const units = ucs2
    ? body.length
    : rule === 'flowroute'
      ? chars.length
      : chars.reduce((n, ch) => n + (gsmExtension.has(ch) ? 2 : 1), 0);
  const single = ucs2 ? 70 : 160;
  const multi = ucs2 ? (rule === 'flowroute' ? 70 : 67) : rule === 'flowroute' ? 140 : 153;
  const segments = units === 0 ? 0 : units <= single ? 1 : Math.ceil(units / multi);
  return {
    encoding: ucs2 ? 'UCS-2' : 'GSM-7',
    messageEncoding: ucs2 ? 8 : 0,
    characters: chars.length,
    units,
    segments,
    perSegment: segments > 1 ? multi : single,
    forcingChars,
  };
}

/** Flowroute's message_encoding for a body (0 plain, 8 UCS-2), by Flowroute's rule. */
export function messageEncoding(body: string): 0 | 8 {
  return analyzeSms(body, 'flowroute').messageEncoding;
}

const SMART_REPLACEMENTS: Record<string, string> = {
  '\u2018': "'", // left single quote
  '\u2019': "'", // right single quote / apostrophe
  '\u201a': "'",
  '\u201b': "'",
  '\u2032': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u201f': '"',
  '\u2033': '"',
  '\u2013': '-', // en dash
  '\u2014': '-', // em dash
  '\u2012': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u2026': '...',
  '\u00a0': ' ',
  '\u2009': ' ',
  '\u202f': ' ',
};

/** Replaces smart quotes, dashes, ellipses and odd spaces with their plain ASCII forms. */
export function replaceSmartCharacters(body: string): string {
  return Array.from(body, (ch) => SMART_REPLACEMENTS[ch] ?? ch).join('');
}

/** Whether replaceSmartCharacters would change this character. */
export function isSmartCharacter(ch: string): boolean {
  return ch in SMART_REPLACEMENTS;
}
