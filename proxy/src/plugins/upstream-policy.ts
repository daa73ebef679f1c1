// Protection of (and from) Flowroute: a circuit breaker, a cap on requests in flight with a bounded queue
// and a retry budget for reads. Pure classes with an injectable clock, used by forwarder.ts.

export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  /** Opens after this many failures in a row. */
  consecutiveFailures: number;
  /** …or when at least this share of the calls in the window failed… */
  failureRatio: number;
  windowMs: number;
  /** …with at least this many calls in the window. */
  minVolume: number;
  /** Stays open this long, then lets one probe read through (half-open). */
  openMs: number;
}

export type Admission = { ok: true; probe: boolean } | { ok: false; retryAfterMs: number };

/**
 * Counts upstream failures (5xx, timeouts, connection errors) and successes (anything Flowroute answered
 * sensibly, 4xx included). While open every call is refused at once; after openMs one READ is let through as a
 * probe: success closes the breaker, failure opens it for another openMs. Mutations are never used as probes.
 */
export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private consecutive = 0;
  private openedAt = 0;
  private probeInFlight = false;
  /** The calls of the last windowMs, oldest first, each flagged when it failed. */
  private readonly window = new TimeRing();
  /** Failed calls in the window. */
  private failures = 0;
  /** How many times the breaker opened (metrics/tests). */
  opened = 0;

  constructor(
    private readonly opts: BreakerOptions,
    private readonly now: () => number = Date.now,
  ) {}

  get current(): BreakerState {
    if (this.state === 'open' && this.now() - this.openedAt >= this.opts.openMs) return 'half_open';
    return this.state;
  }

  /** Whether a call may go to Flowroute now. `read` calls may serve as the half-open probe. */
  admit(kind: 'read' | 'mutation'): Admission {
    const state = this.current;
    if (state === 'closed') return { ok: true, probe: false };
    if (state === 'half_open' && kind === 'read' && !this.probeInFlight) {
      this.state = 'half_open';
      this.probeInFlight = true;
      return { ok: true, probe: true };
    }
    const retryAfterMs =
      state === 'open' ? Math.max(1, this.opts.openMs - (this.now() - this.openedAt)) : 1_000;
    return { ok: false, retryAfterMs };
  }

  /** Reports how an admitted call went. `null` = neutral (e.g. Flowroute 429, refused credentials). */
  record(ok: boolean | null, probe: boolean): void {
    const t = this.now();
    if (probe) this.probeInFlight = false;
    if (ok === null) {
      if (probe) this.trip(t); // a probe that tells nothing: stay careful
      return;
    }
    this.window.push(t, !ok);
    if (!ok) this.failures++;
    this.prune(t);
    if (ok) {
      this.consecutive = 0;
      if (probe || this.state === 'half_open') {
        this.state = 'closed';
        this.clearWindow();
      }
      return;
    }
    this.consecutive++;
    if (probe || this.state === 'half_open') {
      this.trip(t);
      return;
    }
    if (this.state !== 'closed') return;
    const calls = this.window.size;
    if (
      this.consecutive >= this.opts.consecutiveFailures ||
      (calls >= this.opts.minVolume && this.failures / calls >= this.opts.failureRatio)
    ) {
      this.trip(t);
    }
  }

  /** Forgets everything (tests; an operator could wire this to an admin action). */
  reset(): void {
    this.state = 'closed';
    this.consecutive = 0;
    this.clearWindow();
    this.probeInFlight = false;
  }

  private trip(t: number): void {
    if (this.state !== 'open') this.opened++;
    this.state = 'open';
    this.openedAt = t;
    this.consecutive = 0;
    this.clearWindow();
  }

  private clearWindow(): void {
    this.window.clear();
    this.failures = 0;
  }

  private prune(t: number): void {
    this.failures -= this.window.dropBefore(t - this.opts.windowMs);
  }
}

/** At most `limit` holders at once; up to `queue` more wait in line (FIFO); past that, acquire() fails at once. */
export class Bulkhead {
  private active = 0;
  private readonly waiting: { resolve: (ok: boolean) => void; timer: NodeJS.Timeout | null }[] = [];

  constructor(
    readonly limit: number,
    readonly queue: number,
  ) {}

  get inFlight(): number {
    return this.active;
  }
  get queued(): number {
    return this.waiting.length;
  }

  /** A free slot now (true: call release() once), without a promise; false when all are taken (then `acquire`). */
  tryAcquire(): boolean {
    if (this.active >= this.limit) return false;
    this.active++;
    return true;
  }

  /** Resolves true with a slot (call release() once), or false when the queue is full or maxWaitMs passed. */
  acquire(maxWaitMs: number): Promise<boolean> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve(true);
    }
    if (this.waiting.length >= this.queue) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const entry: { resolve: (ok: boolean) => void; timer: NodeJS.Timeout | null } = {
        resolve,
        timer: null,
      };
      entry.timer = setTimeout(() => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(false);
      }, maxWaitMs);
      this.waiting.push(entry);
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) {
      if (next.timer) clearTimeout(next.timer);
      next.resolve(true); // the slot passes straight to the next in line
      return;
    }
    this.active = Math.max(0, this.active - 1);
  }
}

/**
 * Envoy-style retry budget: in a sliding window, retries may be at most `ratio` of the reads sent (but
 * `minPerWindow` are always allowed), so a struggling Flowroute never sees a retry storm.
 */
export class RetryBudget {
  private readonly reads = new Timestamps();
  private readonly retries = new Timestamps();

  constructor(
    private readonly ratio: number,
    private readonly minPerWindow: number,
    private readonly windowMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  noteRead(): void {
    const t = this.now();
    this.reads.push(t);
    // Forget reads as they leave the window (they were kept until the next retry before: unbounded when healthy).
    this.reads.countSince(t - this.windowMs);
  }

  /** Takes one retry from the budget if there is one. */
  tryTake(): boolean {
    const t = this.now();
    const cutoff = t - this.windowMs;
    const reads = this.reads.countSince(cutoff);
    const retries = this.retries.countSince(cutoff);
    const allowed = Math.max(this.minPerWindow, Math.floor(reads * this.ratio));
    if (retries >= allowed) return false;
    this.retries.push(t);
    return true;
  }
}

/** Times in the order they happened; the old ones are dropped from the front in O(1) amortised. */
class Timestamps {
  private readonly ring = new TimeRing();

  push(t: number): void {
    this.ring.push(t, false);
  }

  /** Drops the times before `cutoff` and returns how many are left. */
  countSince(cutoff: number): number {
    this.ring.dropBefore(cutoff);
    return this.ring.size;
  }
}

/**
 * Times in arrival order, each with a flag, in a ring of typed arrays that doubles when full: no object per entry.
 * The breaker's and the retry budget's windows hold every call of the last 10 s; as one object each, they all lived
 * long enough to be promoted and were the bulk of what the old generation gained per read (docs/performance.md, 38).
 */
const RING_INITIAL = 64; // a power of two, like every size the ring grows to

export class TimeRing {
  private at = new Float64Array(RING_INITIAL);
  private flag = new Uint8Array(RING_INITIAL);
  private start = 0;
  /** Entries held. */
  size = 0;

  push(t: number, flagged: boolean): void {
    if (this.size === this.at.length) this.grow();
    const i = (this.start + this.size) & (this.at.length - 1);
    this.at[i] = t;
    this.flag[i] = flagged ? 1 : 0;
    this.size++;
  }

  /** Drops the entries before `cutoff` (oldest first); returns how many of them were flagged. */
  dropBefore(cutoff: number): number {
    const mask = this.at.length - 1;
    let flagged = 0;
    while (this.size > 0 && this.at[this.start]! < cutoff) {
      flagged += this.flag[this.start]!;
      this.start = (this.start + 1) & mask;
      this.size--;
    }
    return flagged;
  }

  /** Empties it, and gives back the memory of a burst. */
  clear(): void {
    this.start = 0;
    this.size = 0;
    if (this.at.length > 4096) {
      this.at = new Float64Array(RING_INITIAL);
      this.flag = new Uint8Array(RING_INITIAL);
    }
  }

  private grow(): void {
    const n = this.at.length * 2;
    const mask = this.at.length - 1;
    const at = new Float64Array(n);
    const flag = new Uint8Array(n);
    for (let k = 0; k < this.size; k++) {
      const i = (this.start + k) & mask;
      at[k] = this.at[i]!;
      flag[k] = this.flag[i]!;
    }
    this.at = at;
    this.flag = flag;
    this.start = 0;
  }
}

/** Jittered backoff in [min, max] ms. */
export function jitter(minMs: number, maxMs: number, random: () => number = Math.random): number {
  return Math.round(minMs + (Math.max(maxMs, minMs) - minMs) * random());
}
