// The emulator's in-memory state: account numbers (kept sorted), routes, MDRs (sorted by time), the
// purchasable inventory, send-rate windows and the counters tests read through /__emulator/stats.
import type { RouteType } from '../flowroute/route-value';
import { Faults } from './faults';
import type { Inventory } from './inventory';
import type { Mdr } from './mdr';
import { createRng, type Rng } from './prng';
import { buildSeed, type SeedKind } from './seed';

export interface AccountNumber {
  value: string;
  alias: string | null;
  cnamLookups: boolean;
  numberType: 'longcode' | 'toll-free';
  rateCenter: string;
  state: string;
  primaryRoute: string;
  failoverRoute: string | null;
}

export interface RouteRecord {
  id: string;
  alias: string | null;
  routeType: RouteType;
  value: string | null;
}

export interface Stats {
  /** Calls per operationId (every request that matched an operation, whatever its outcome). */
  calls: Record<string, number>;
  purchases: { number: string; at: string }[];
  sends: { id: string; from: string; to: string; is_mms: boolean; at: string }[];
  routeChanges: {
    number: string;
    relationship: 'primary_route' | 'failover_route';
    route_id: string;
    at: string;
  }[];
  routesCreated: { id: string; route_type: string; value: string | null; alias: string | null; at: string }[];
  rateLimited: number;
  faultsApplied: number;
}

function emptyStats(): Stats {
  return {
    calls: {},
    purchases: [],
    sends: [],
    routeChanges: [],
    routesCreated: [],
    rateLimited: 0,
    faultsApplied: 0,
  };
}

export interface StateOptions {
  seed: SeedKind;
  now: () => number;
}

export class EmulatorState {
  readonly now: () => number;
  readonly seedKind: SeedKind;
  readonly faults = new Faults();
  inventory!: Inventory;
  numbers = new Map<string, AccountNumber>();
  /** Account numbers in ascending order (for paging and starts_with range scans). */
  numberKeys: string[] = [];
  routes: RouteRecord[] = [];
  routesById = new Map<string, RouteRecord>();
  nextRouteId = 0;
  /** Ascending by ts. */
  mdrs: Mdr[] = [];
  mdrById = new Map<string, Mdr>();
  stats: Stats = emptyStats();
  rng!: Rng;
  /** Send times per credential in the last second, for Flowroute's 5 SMS/s and 1 MMS/s limits. */
  private sendWindows = new Map<string, { sms: number[]; mms: number[] }>();

  constructor(options: StateOptions) {
    this.now = options.now;
    this.seedKind = options.seed;
    this.reset();
  }

  /** Back to the seed: same data as on start (times relative to now), faults cleared, counters zeroed. */
  reset(): void {
    const seed = buildSeed(this.seedKind, this.now());
    this.inventory = seed.inventory;
    this.numbers = new Map(seed.numbers.map((n) => [n.value, n]));
    this.numberKeys = seed.numbers.map((n) => n.value).sort();
    this.routes = seed.routes;
    this.routesById = new Map(seed.routes.map((r) => [r.id, r]));
    this.nextRouteId = Math.max(...seed.routes.map((r) => Number(r.id))) + 1;
    this.mdrs = seed.mdrs;
    this.mdrById = new Map(seed.mdrs.map((m) => [m.id, m]));
    this.rng = createRng(0x5e_4d_00 ^ this.mdrs.length);
    this.stats = emptyStats();
    this.sendWindows.clear();
    this.faults.clear();
  }

  addNumber(n: AccountNumber): void {
    this.numbers.set(n.value, n);
    const i = lowerBoundStr(this.numberKeys, n.value);
    if (this.numberKeys[i] !== n.value) this.numberKeys.splice(i, 0, n.value);
  }

  addRoute(r: Omit<RouteRecord, 'id'>): RouteRecord {
    const route: RouteRecord = { id: String(this.nextRouteId++), ...r };
    this.routes.push(route);
    this.routesById.set(route.id, route);
    return route;
  }

  addMdr(m: Mdr): void {
    // Usually the newest record: append. A clock that went backwards still keeps the array sorted.
    const last = this.mdrs[this.mdrs.length - 1];
    if (!last || last.ts <= m.ts) this.mdrs.push(m);
    else this.mdrs.splice(lowerBoundTs(this.mdrs, m.ts + 1), 0, m);
    this.mdrById.set(m.id, m);
  }

  /** Index range [lo, hi) of MDRs with start <= ts <= end. */
  mdrRange(start: number, end: number): [number, number] {
    return [lowerBoundTs(this.mdrs, start), lowerBoundTs(this.mdrs, end + 1)];
  }

  /**
   * Flowroute's send limits: 5 SMS and 1 MMS per second per credential. Returns the seconds to wait when
   * over the limit, or 0 when the send may go ahead (and then records it).
   */
  takeSendSlot(credential: string, isMms: boolean, now: number): number {
    let w = this.sendWindows.get(credential);
    if (!w) {
      w = { sms: [], mms: [] };
      this.sendWindows.set(credential, w);
    }
    const list = isMms ? w.mms : w.sms;
    const cap = isMms ? 1 : 5;
    while (list.length > 0 && list[0]! <= now - 1000) list.shift();
    if (list.length >= cap) return Math.max(1, Math.ceil((list[0]! + 1000 - now) / 1000));
    list.push(now);
    return 0;
  }
}

function lowerBoundStr(list: string[], value: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose ts >= value. */
export function lowerBoundTs(list: Mdr[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.ts < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
