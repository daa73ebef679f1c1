// Which of the account's numbers use each route as primary or failover.
//
// Flowroute has no "numbers by route" query and the numbers list carries no relationships, so the only
// source is each number's detail. Why one shared, account-wide scan (and not a look-up per route when a
// row is expanded): a per-route look-up has to read every number's detail anyway, so it would repeat the
// whole scan for each route. One scan answers every route at once. To stay fast with 10,000 numbers:
//   - details are read with limited concurrency (6), while the next page of the list (200 a page) loads;
//   - they go through the numbers detail cache (numberQueries.detail), so what the number screens
//     already loaded is reused, and the result is cached for 10 minutes (route changes made here patch
//     it: patchRouteUsage);
//   - counts appear while the scan runs, with progress, and it can be cancelled;
//   - it starts by itself only for accounts that fit in one list page (≤ 200 numbers); larger accounts
//     get a button that says what it will cost, and the scan stops at MAX_SCAN numbers;
//   - the proxy's per-user read limit (default 300 a minute) is the real ceiling: on its 429 every lane
//     pauses until Retry-After and continues (RateGate), so a 10,000-number account takes ~35 minutes at
//     the default limit but finishes correctly, with the pause shown. Measured: the emulator answers a
//     detail in ~2 ms and the proxy in ~20 ms, so without the limit 10,000 details take a few minutes.
import { queryOptions, type QueryClient } from '@tanstack/react-query';
import { fetchNumbers, numberQueries, routeOf } from '@/lib/flowroute/numbers';
import { MAX_PAGE, RateGate, nextOffset, routeQueries, type RouteUsage } from '@/lib/flowroute/routes';

export const MAX_SCAN = 20_000;
export const SCAN_CONCURRENCY = 6;

export type SlotIds = { primary: string | null; failover: string | null };

export interface ScanProgress {
  running: boolean;
  listed: number;
  listDone: boolean;
  scanned: number;
  failed: number;
  /** The proxy's rate limit paused the scan until this time (ms since epoch). */
  pausedUntil: number | null;
  /** Results so far (the full result once done). */
  numbers: Record<string, SlotIds>;
}

export interface ScanDeps {
  /** One page of the account's numbers. */
  listPage: (
    offset: number,
    signal: AbortSignal,
  ) => Promise<{ numbers: string[]; nextOffset: number | null }>;
  /** A number's current primary/failover route ids. */
  readSlots: (number: string, signal: AbortSignal) => Promise<SlotIds>;
  signal: AbortSignal;
  onProgress?: (progress: ScanProgress) => void;
  concurrency?: number;
  maxNumbers?: number;
  /** Clock (injectable for tests) used to wait out the proxy's 429 Retry-After. */
  clock?: { sleep: (ms: number) => Promise<void>; now: () => number };
}

/** Lists the account's numbers page by page and reads each one's route slots (see the file header). */
export async function scanRouteUsage(deps: ScanDeps): Promise<RouteUsage> {
  const { signal } = deps;
  const concurrency = deps.concurrency ?? SCAN_CONCURRENCY;
  const maxNumbers = deps.maxNumbers ?? MAX_SCAN;
  const numbers: Record<string, SlotIds> = {};
  const failed: string[] = [];
  let listed = 0;
  let listDone = false;
  let scanned = 0;
  let lastReport = 0;
  let truncated = false;
  let pausedUntil: number | null = null;
  const report = (final = false) => {
    const now = Date.now();
    if (!final && now - lastReport < 150) return;
    lastReport = now;
    deps.onProgress?.({
      running: !final,
      listed,
      listDone,
      scanned,
      failed: failed.length,
      pausedUntil,
      numbers: { ...numbers },
    });
  };
  // One pause for all lanes when the proxy says "too many reads" (nothing was sent upstream).
  const gate = new RateGate((until) => {
    pausedUntil = until;
    lastReport = 0;
    report();
  }, deps.clock);

  type Page = Awaited<ReturnType<ScanDeps['listPage']>>;
  let offset: number | null = 0;
  let page: Page | null = await gate.run(() => deps.listPage(0, signal), signal);
  while (page) {
    const room = maxNumbers - listed;
    const batch = page.numbers.slice(0, Math.max(0, room));
    listed += batch.length;
    if (batch.length < page.numbers.length || (listed >= maxNumbers && page.nextOffset !== null))
      truncated = true;
    offset = truncated ? null : page.nextOffset;
    // Load the next list page while this page's details are read.
    const nextPage: Promise<Page> | null =
      offset === null ? null : gate.run(() => deps.listPage(offset as number, signal), signal);
    nextPage?.catch(() => undefined); // handled when awaited below
    listDone = nextPage === null;
    report();
    let index = 0;
    const lanes = Array.from({ length: Math.min(concurrency, batch.length) }, async () => {
      while (index < batch.length) {
        signal.throwIfAborted();
        const number = batch[index++] as string;
        try {
          numbers[number] = await gate.run(() => deps.readSlots(number, signal), signal);
        } catch (error) {
          if (signal.aborted) throw error;
          failed.push(number);
        }
        scanned++;
        report();
      }
    });
    await Promise.all(lanes);
    page = nextPage ? await nextPage : null;
  }
  report(true);
  return { numbers, failed, listed, complete: !truncated, finishedAt: Date.now() };
}

// --- progress store (what the routes list shows while a scan runs) ---------------------------------

type Listener = () => void;
let progress: ScanProgress | null = null;
const listeners = new Set<Listener>();

export const scanProgressStore = {
  get: (): ScanProgress | null => progress,
  set: (next: ScanProgress | null) => {
    progress = next;
    for (const listener of listeners) listener();
  },
  subscribe: (listener: Listener) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  },
};

/** The usage scan as a query (cached, deduplicated, cancellable through its AbortSignal). */
export function routeUsageQuery(queryClient: QueryClient) {
  return queryOptions({
    queryKey: routeQueries.usageKey(),
    queryFn: async ({ signal }) => {
      scanProgressStore.set({
        running: true,
        listed: 0,
        listDone: false,
        scanned: 0,
        failed: 0,
        pausedUntil: null,
        numbers: {},
      });
      try {
        return await scanRouteUsage({
          signal,
          listPage: async (offset, s) => {
            // Through the list cache: the routes screen already loaded the first page to size the account.
            const page =
              offset === 0
                ? await queryClient.fetchQuery(numberQueries.list({ limit: MAX_PAGE, offset }))
                : await fetchNumbers({ limit: MAX_PAGE, offset }, s);
            return { numbers: page.data.map((n) => n.id), nextOffset: nextOffset(page.links) };
          },
          readSlots: async (number) => {
            // Not cancelled with the scan: a detail that is half-way is cached for the next scan.
            const detail = await queryClient.fetchQuery(numberQueries.detail(number));
            return {
              primary: routeOf(detail, 'primary_route').id,
              failover: routeOf(detail, 'failover_route').id,
            };
          },
          onProgress: (p) => scanProgressStore.set(p),
        });
      } finally {
        scanProgressStore.set(null);
      }
    },
    staleTime: 10 * 60_000,
    gcTime: 30 * 60_000,
    retry: false,
    meta: { silent: true },
  });
}

export interface RouteUse {
  primary: string[];
  failover: string[];
}

/** route id → numbers using it, from a scan result (or partial progress). */
export function usageByRoute(numbers: Record<string, SlotIds>): Map<string, RouteUse> {
  const map = new Map<string, RouteUse>();
  const entry = (id: string) => {
    let use = map.get(id);
    if (!use) map.set(id, (use = { primary: [], failover: [] }));
    return use;
  };
  for (const [number, slots] of Object.entries(numbers)) {
    if (slots.primary !== null) entry(slots.primary).primary.push(number);
    if (slots.failover !== null) entry(slots.failover).failover.push(number);
  }
  for (const use of map.values()) {
    use.primary.sort();
    use.failover.sort();
  }
  return map;
}
