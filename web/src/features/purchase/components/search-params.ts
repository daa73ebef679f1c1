// Reading and writing the buy screens' state in the URL (so every search can be shared as a link).
import { centsToDecimal, parseUsdInput } from '../api/money';

/** max_setup_cost from the URL as cents (null = no cap). */
export function readCostCap(params: URLSearchParams, name = 'max_setup_cost'): number | null {
  return parseUsdInput(params.get(name));
}

/** Returns new params with `updates` applied (empty values removed) and paging reset to the first page. */
export function withFilters(
  prev: URLSearchParams,
  updates: Record<string, string | null | undefined>,
): URLSearchParams {
  const next = new URLSearchParams(prev);
  for (const [key, value] of Object.entries(updates)) {
    if (value === null || value === undefined || value === '') next.delete(key);
    else next.set(key, value);
  }
  next.delete('offset');
  return next;
}

export function costCapParam(cents: number | null): string | null {
  return cents === null ? null : centsToDecimal(cents);
}
