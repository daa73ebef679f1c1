// The purchasable inventory, kept compact: every number in one sorted Float64Array (11-digit numbers are
// exact in a double), a "sold" byte per number, and per-exchange metadata. ~57,000 numbers cost < 1 MB.
import { AREA_CODES, isReservedExchange } from './geo';
import { createRng } from './prng';

export interface Exchange {
  /** 1 + NPA + NXX as a number, e.g. 1206555; a number's exchange is Math.floor(n / 10000). */
  key: number;
  npa: number;
  nxx: number;
  state: string;
  rateCenter: string;
  /** Setup cost of ordinary numbers in this exchange (USD). */
  baseSetup: number;
  /** Index range [start, end) of this exchange's numbers in Inventory.numbers. */
  start: number;
  end: number;
  /** Numbers not yet sold. */
  available: number;
  /** Lowest setup cost among unsold numbers (Infinity when none are left). */
  minSetup: number;
}

/** An exchange reserved for the account's own numbers (never sold from the inventory). */
export interface AccountExchange {
  npa: number;
  nxx: number;
  state: string;
  rateCenter: string;
}

export interface PurchasableInfo {
  value: string;
  state: string;
  rate_center: string;
  setup_cost: number;
  monthly_cost: number;
  number_type: 'longcode';
}

export interface SearchFilters {
  /** Digits including the country code (Flowroute prepends 1), e.g. "1206". */
  startsWith?: string;
  contains?: string;
  endsWith?: string;
  /** Lowercase. */
  state?: string;
  /** Lowercase. */
  rateCenter?: string;
}

const SETUP_TIERS = [0, 0.5, 1, 1, 1, 1, 1, 1.5, 3.99] as const;
export const MONTHLY_COST = 1.25;
const VANITY_SETUP = 25;

function isVanity(line: number): boolean {
  return line % 1111 === 0 || line % 1000 === 0 || line === 1234 || line === 2345 || line === 6789;
}

export class Inventory {
  readonly numbers: Float64Array;
  readonly sold: Uint8Array;
  readonly exchanges: Exchange[];
  readonly accountExchanges: AccountExchange[];
  private readonly byKey = new Map<number, Exchange>();

  constructor(seed = 20180117, exchangesPerAreaCode = 7) {
    const rng = createRng(seed);
    const values: number[] = [];
    this.exchanges = [];
    this.accountExchanges = [];
    for (const area of AREA_CODES) {
      const nxxs = new Set<number>();
      while (nxxs.size < exchangesPerAreaCode + 3) {
        const nxx = rng.int(200, 999);
        if (!isReservedExchange(nxx)) nxxs.add(nxx);
      }
      const all = [...nxxs];
      // The first three drawn are the account's own exchanges; the rest are for sale.
      for (const nxx of all.slice(0, 3)) {
        this.accountExchanges.push({
          npa: area.npa,
          nxx,
          state: area.state,
          rateCenter: rng.pick(area.rateCenters),
        });
      }
      for (const nxx of all.slice(3).sort((a, b) => a - b)) {
        const lines = new Set<number>();
        const count = rng.int(70, 110);
        while (lines.size < count) lines.add(rng.int(0, 9999));
        const key = 1_000_000 + area.npa * 1000 + nxx; // 1NPANXX
        const exchange: Exchange = {
          key,
          npa: area.npa,
          nxx,
          state: area.state,
          rateCenter: rng.pick(area.rateCenters),
          baseSetup: rng.pick(SETUP_TIERS),
          start: values.length,
          end: 0,
          available: count,
          minSetup: Infinity,
        };
        for (const line of [...lines].sort((a, b) => a - b)) values.push(key * 10000 + line);
        exchange.end = values.length;
        this.exchanges.push(exchange);
        this.byKey.set(key, exchange);
      }
    }
    this.numbers = Float64Array.from(values);
    this.sold = new Uint8Array(values.length);
    for (const exchange of this.exchanges) this.refreshExchange(exchange);
  }

  get size(): number {
    return this.numbers.length;
  }

  get availableCount(): number {
    let n = 0;
    for (const e of this.exchanges) n += e.available;
    return n;
  }

  /** Index of the number in `numbers`, or -1. */
  indexOf(value: string): number {
    if (!/^\d{11}$/.test(value)) return -1;
    const n = Number(value);
    const i = this.lowerBound(n);
    return i < this.numbers.length && this.numbers[i] === n ? i : -1;
  }

  isAvailable(value: string): boolean {
    const i = this.indexOf(value);
    return i >= 0 && this.sold[i] === 0;
  }

  /** Marks the number sold and returns what the account needs to know about it, or null if not for sale. */
  take(value: string): PurchasableInfo | null {
    const i = this.indexOf(value);
    if (i < 0 || this.sold[i] === 1) return null;
    const info = this.info(i);
    this.sold[i] = 1;
    const exchange = this.byKey.get(Math.floor(this.numbers[i]! / 10000))!;
    this.refreshExchange(exchange);
    return info;
  }

  info(index: number): PurchasableInfo {
    const n = this.numbers[index]!;
    const exchange = this.byKey.get(Math.floor(n / 10000))!;
    return {
      value: String(n),
      state: exchange.state,
      rate_center: exchange.rateCenter,
      setup_cost: this.setupCost(n, exchange),
      monthly_cost: MONTHLY_COST,
      number_type: 'longcode',
    };
  }

  /** Purchasable numbers in ascending order; returns one page plus whether more exist. */
  search(
    filters: SearchFilters,
    offset: number,
    limit: number,
  ): { items: PurchasableInfo[]; hasMore: boolean } {
    const items: PurchasableInfo[] = [];
    let lo = 0;
    let hi = this.numbers.length;
    if (filters.startsWith !== undefined) {
      const p = filters.startsWith;
      if (p.length === 0 || p.length > 11 || p[0] !== '1') return { items, hasMore: false };
      const scale = 10 ** (11 - p.length);
      lo = this.lowerBound(Number(p) * scale);
      hi = this.lowerBound((Number(p) + 1) * scale);
    }
    const endsWith = filters.endsWith;
    const endsMod = endsWith ? 10 ** endsWith.length : 0;
    const endsVal = endsWith ? Number(endsWith) : 0;
    let skipped = 0;
    for (const exchange of this.exchanges) {
      if (exchange.end <= lo || exchange.start >= hi || exchange.available === 0) continue;
      if (filters.state !== undefined && exchange.state !== filters.state) continue;
      if (filters.rateCenter !== undefined && exchange.rateCenter !== filters.rateCenter) continue;
      const from = Math.max(lo, exchange.start);
      const to = Math.min(hi, exchange.end);
      for (let i = from; i < to; i++) {
        if (this.sold[i] === 1) continue;
        const n = this.numbers[i]!;
        if (endsWith && n % endsMod !== endsVal) continue;
        if (filters.contains && !String(n).includes(filters.contains)) continue;
        if (skipped < offset) {
          skipped++;
          continue;
        }
        if (items.length === limit) return { items, hasMore: true };
        items.push(this.info(i));
      }
    }
    return { items, hasMore: false };
  }

  /** Area codes with at least one unsold number (whose setup cost is at most maxSetup). */
  areaCodes(
    maxSetup: number | undefined,
    offset: number,
    limit: number,
  ): { ids: string[]; hasMore: boolean } {
    const seen: number[] = [];
    for (const e of this.exchanges) {
      if (e.available === 0 || (maxSetup !== undefined && e.minSetup > maxSetup)) continue;
      if (seen[seen.length - 1] !== e.npa) seen.push(e.npa);
    }
    // Exchanges are sorted by NPA, so `seen` is already ascending and unique.
    const page = seen.slice(offset, offset + limit);
    return { ids: page.map(String), hasMore: offset + limit < seen.length };
  }

  /** Exchanges (NPA+NXX) with at least one unsold number, optionally in one area code. */
  exchangeCodes(
    areacode: number | undefined,
    maxSetup: number | undefined,
    offset: number,
    limit: number,
  ): { ids: string[]; hasMore: boolean } {
    const ids: string[] = [];
    let skipped = 0;
    for (const e of this.exchanges) {
      if (areacode !== undefined && e.npa !== areacode) continue;
      if (e.available === 0 || (maxSetup !== undefined && e.minSetup > maxSetup)) continue;
      if (skipped < offset) {
        skipped++;
        continue;
      }
      if (ids.length === limit) return { ids, hasMore: true };
      ids.push(`${e.npa}${String(e.nxx).padStart(3, '0')}`);
    }
    return { ids, hasMore: false };
  }

  private setupCost(n: number, exchange: Exchange): number {
    const line = n % 10000;
    if (isVanity(line)) return VANITY_SETUP;
    // A few numbers per exchange carry the higher 3.99 fee, as in Flowroute's examples.
    if ((line * 2654435761) % 97 < 6) return 3.99;
    return exchange.baseSetup;
  }

  private refreshExchange(exchange: Exchange): void {
    let available = 0;
    let minSetup = Infinity;
    for (let i = exchange.start; i < exchange.end; i++) {
      if (this.sold[i] === 1) continue;
      available++;
      minSetup = Math.min(minSetup, this.setupCost(this.numbers[i]!, exchange));
    }
    exchange.available = available;
    exchange.minSetup = minSetup;
  }

  private lowerBound(n: number): number {
    let lo = 0;
    let hi = this.numbers.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.numbers[mid]! < n) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
