// Money for the cart: Flowroute sends USD as JSON floats (1, 1.25, 3.99); we keep integer cents so sums
// never drift (0.1 + 0.2 !== 0.3) and compare totals exactly.
import { formatUsd } from '@/lib/format';

/** USD amount as Flowroute sends it (number or numeric string) → integer cents, half-up on the 3rd decimal. */
export function toCents(amount: number | string): number {
  const text = typeof amount === 'number' ? amount.toString() : amount.trim();
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m) {
    // Exponent notation (1e-7) or garbage: fall back to float math, still an integer result.
    const n = Number(text);
    return Number.isFinite(n) ? Math.round(n * 100) : 0;
  }
  const sign = m[1] === '-' ? -1 : 1;
  const whole = Number(m[2] || '0');
  const frac = (m[3] ?? '').padEnd(3, '0');
  const cents = whole * 100 + Number(frac.slice(0, 2)) + (Number(frac[2]) >= 5 ? 1 : 0);
  return sign * cents;
}

/** Integer cents → "$1,234.50 USD" via the app's one USD formatter (so money looks the same everywhere). */
export function formatCents(cents: number, options: { code?: boolean } = { code: true }): string {
  return formatUsd(cents / 100, options);
}

/** Integer cents → the decimal string Flowroute's max_setup_cost expects ("3.25"). */
export function centsToDecimal(cents: number): string {
  return (cents / 100).toFixed(2);
}

/** What a user types in a "max setup cost" box ("$3", "3.5", "") → cents, or null for "no cap". */
export function parseUsdInput(input: string | number | null | undefined): number | null {
  if (input === null || input === undefined) return null;
  const text = String(input).replace(/[$,\s]|usd/gi, '');
  if (text === '' || !/^\d*(?:\.\d*)?$/.test(text) || text === '.') return null;
  return toCents(text);
}
