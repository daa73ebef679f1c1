import type { PurchaseResult } from '@/lib/flowroute/purchase';
import { addItems, EMPTY_CART, runProgress, setOutcome } from './cart';
import { getCart, reloadCart, resetCartForTests, updateCart } from './cart-store';
import {
  getRunnerState,
  resetRunnerForTests,
  resumePurchase,
  retryPurchase,
  startPurchase,
  type RunnerDeps,
} from './purchase-runner';

const numbers = ['12065550100', '12065550101', '12065550102'];

function seed() {
  resetCartForTests(
    addItems(
      EMPTY_CART,
      numbers.map((number) => ({
        number,
        number_type: 'standard',
        state: 'wa',
        rate_center: 'seattle',
        setup_cost: 1,
        monthly_cost: 1.25,
      })),
    ),
  );
}

async function idle() {
  for (let i = 0; i < 100 && getRunnerState().running; i++) await new Promise((r) => setTimeout(r, 1));
  expect(getRunnerState().running).toBe(false);
}

function deps(purchase: RunnerDeps['purchase'], extra: Partial<RunnerDeps> = {}): RunnerDeps {
  let n = 0;
  return { purchase, newKey: () => `k${++n}`, sleep: () => Promise.resolve(), ...extra };
}

const ok: PurchaseResult = { ok: true, status: 201, replayed: false, warning: null };

describe('purchase runner', () => {
  beforeEach(() => {
    resetRunnerForTests();
    seed();
  });

  it('buys each number once, with its own stored key, and ignores a second start (double click)', async () => {
    const calls: Array<[string, string]> = [];
    const d = deps(async (number, key) => {
      calls.push([number, key]);
      return ok;
    });
    expect(startPurchase(numbers, d)).toBe(true);
    expect(startPurchase(numbers, d)).toBe(false);
    await idle();
    expect(calls.map(([n]) => n).sort()).toEqual(numbers);
    expect(new Set(calls.map(([, k]) => k)).size).toBe(3);
    for (const [number, key] of calls) {
      expect(getCart().items.find((i) => i.number === number)?.idempotency_key).toBe(key);
    }
    expect(runProgress(getCart())).toMatchObject({ total: 3, bought: 3 });
  });

  it('keeps the key on disk before the request is sent', async () => {
    let storedKeyAtSend: string | undefined;
    const d = deps(async (number, key) => {
      const raw = window.localStorage.getItem('flowroute-ops.cart.v1') ?? '';
      if (number === numbers[0]) storedKeyAtSend = raw.includes(key) ? key : undefined;
      return ok;
    });
    startPurchase(numbers, d);
    await idle();
    expect(storedKeyAtSend).toBeDefined();
  });

  it('a failure stays alone; retry sends the same key; the rest of the cart is kept', async () => {
    const keysSeen: Record<string, string[]> = {};
    let failOnce = true;
    const d = deps(async (number, key) => {
      (keysSeen[number] ??= []).push(key);
      if (number === numbers[1] && failOnce) {
        failOnce = false;
        return {
          ok: false,
          status: 500,
          kind: 'rejected',
          reason: 'Flowroute said no',
          proxyError: null,
          keySpent: true,
        };
      }
      return ok;
    });
    startPurchase(numbers, d);
    await idle();
    expect(runProgress(getCart())).toMatchObject({ bought: 2, failed: 1 });
    const failed = getCart().items.find((i) => i.number === numbers[1]);
    expect(failed?.outcome).toMatchObject({ status: 'failed', reason: 'Flowroute said no' });
    retryPurchase([numbers[1]!], d);
    await idle();
    expect(keysSeen[numbers[1]!]).toHaveLength(2);
    expect(keysSeen[numbers[1]!]![0]).toBe(keysSeen[numbers[1]!]![1]);
    expect(runProgress(getCart())).toMatchObject({ total: 3, bought: 3, failed: 0 });
  });

  it('marks a sold number unavailable', async () => {
    startPurchase(
      numbers,
      deps(async (number) =>
        number === numbers[2]
          ? {
              ok: false,
              status: 404,
              kind: 'unavailable',
              reason: 'No longer available',
              proxyError: null,
              keySpent: true,
            }
          : ok,
      ),
    );
    await idle();
    expect(getCart().items[2]?.outcome).toMatchObject({ status: 'failed', unavailable: true });
  });

  it('waits out a 409 (same key in flight) and then gets the replay', async () => {
    let n = 0;
    const d = deps(async () => {
      n += 1;
      return n === 1
        ? { ok: false, status: 409, kind: 'in_flight', reason: 'busy', proxyError: 'x', keySpent: false }
        : ok;
    });
    startPurchase([numbers[0]!], d);
    await idle();
    expect(getCart().items[0]?.outcome?.status).toBe('bought');
  });

  it('an ended session stops the run: the rest is not attempted', async () => {
    const sent: string[] = [];
    startPurchase(
      numbers,
      deps(
        async (number) => {
          sent.push(number);
          return {
            ok: false,
            status: 401,
            kind: 'session',
            reason: 'Sign in again',
            proxyError: 'unauthenticated',
            keySpent: false,
          };
        },
        { concurrency: 1 },
      ),
    );
    await idle();
    expect(sent).toEqual([numbers[0]]);
    expect(runProgress(getCart())).toMatchObject({ failed: 1, notAttempted: 2 });
  });

  it('resumes after a reload with the keys it had (cut off mid-flight)', async () => {
    updateCart((s) => ({
      ...s,
      items: s.items.map((item, i) => ({ ...item, idempotency_key: `saved-${i}` })),
      run: { id: 'r', started_at: 'x', numbers },
    }));
    updateCart((s) =>
      setOutcome(s, numbers[0]!, { status: 'bought', at: 'x', warning: null, replayed: false }),
    );
    updateCart((s) => setOutcome(s, numbers[1]!, { status: 'in_flight', started_at: 'x' }));
    updateCart((s) => setOutcome(s, numbers[2]!, { status: 'queued' }));
    reloadCart(); // as a fresh page would read it
    const calls: Array<[string, string]> = [];
    expect(
      resumePurchase(
        deps(async (number, key) => {
          calls.push([number, key]);
          return { ...ok, replayed: number === numbers[1] };
        }),
      ),
    ).toBe(true);
    await idle();
    expect(calls.sort()).toEqual([
      [numbers[1], 'saved-1'],
      [numbers[2], 'saved-2'],
    ]);
    expect(runProgress(getCart())).toMatchObject({ total: 3, bought: 3 });
  });

  it('retrying a stored failure: checks the account first, then sends under a new key saved beforehand', async () => {
    const sent: Array<[string, string]> = [];
    let fail = true;
    const d = deps(
      async (number, key) => {
        sent.push([number, key]);
        if (fail)
          return {
            ok: false,
            status: 500,
            kind: 'network',
            reason: 'Flowroute 500',
            proxyError: null,
            keySpent: true,
          };
        const raw = window.localStorage.getItem('flowroute-ops.cart.v1') ?? '';
        expect(raw).toContain(key);
        return ok;
      },
      { isOwned: async () => false, concurrency: 1 },
    );
    startPurchase([numbers[0]!], d);
    await idle();
    const first = sent[0]![1];
    expect(getCart().items[0]?.outcome).toMatchObject({ status: 'failed', key_spent: true });
    fail = false;
    retryPurchase([numbers[0]!], d);
    await idle();
    expect(sent).toHaveLength(2);
    expect(sent[1]![1]).not.toBe(first);
    expect(getCart().items[0]?.idempotency_key).toBe(sent[1]![1]);
    expect(getCart().items[0]?.outcome?.status).toBe('bought');
  });

  it('retrying a stored failure when the number is already ours sends nothing', async () => {
    const sent: string[] = [];
    let ownedNow = false;
    const d = deps(
      async (number) => {
        sent.push(number);
        return {
          ok: false,
          status: 502,
          kind: 'network',
          reason: 'lost',
          proxyError: 'outcome_unknown',
          keySpent: true,
        };
      },
      { isOwned: async () => ownedNow },
    );
    startPurchase([numbers[0]!], d);
    await idle();
    expect(getCart().items[0]?.outcome?.status).toBe('failed');
    ownedNow = true;
    retryPurchase([numbers[0]!], d);
    await idle();
    expect(sent).toHaveLength(1);
    expect(getCart().items[0]?.outcome).toMatchObject({ status: 'bought', replayed: true });
  });

  it('a 404 for a number that is on the account is reported as already ours', async () => {
    startPurchase(
      [numbers[0]!],
      deps(
        async () => ({
          ok: false,
          status: 404,
          kind: 'unavailable',
          reason: 'gone',
          proxyError: null,
          keySpent: true,
        }),
        { isOwned: async () => true },
      ),
    );
    await idle();
    expect(getCart().items[0]?.outcome).toMatchObject({ status: 'bought' });
  });

  it('waits out the proxy purchase limit and sends the same request again', async () => {
    const sent: Array<[string, string]> = [];
    const waits: number[] = [];
    let limited = true;
    startPurchase(
      [numbers[0]!],
      deps(
        async (number, key) => {
          sent.push([number, key]);
          if (limited) {
            limited = false;
            return {
              ok: false,
              status: 429,
              kind: 'rate_limited',
              reason: 'Limit reached: 5 purchases per minute.',
              proxyError: 'rate_limited',
              keySpent: false,
              retryAfterSeconds: 14,
            };
          }
          return ok;
        },
        { sleep: async (ms) => void waits.push(ms) },
      ),
    );
    await idle();
    expect(sent).toHaveLength(2);
    expect(sent[0]![1]).toBe(sent[1]![1]);
    expect(waits[0]).toBeGreaterThanOrEqual(14_000);
    expect(getCart().items[0]?.outcome?.status).toBe('bought');
  });

  it('a daily cap (long Retry-After) ends the run instead of waiting for hours', async () => {
    startPurchase(
      [numbers[0]!, numbers[1]!],
      deps(async () => ({
        ok: false,
        status: 429,
        kind: 'rate_limited',
        reason: 'Limit reached: 50 purchases per day for the account.',
        proxyError: 'rate_limited',
        keySpent: false,
        retryAfterSeconds: 7200,
      })),
    );
    await idle();
    expect(getCart().items[0]?.outcome).toMatchObject({
      status: 'not_attempted',
      reason: expect.stringContaining('per day'),
    });
    expect(runProgress(getCart())).toMatchObject({ notAttempted: 2, failed: 0 });
  });

  it('gets a confirmation token when the proxy asks for one, then for every later purchase up front', async () => {
    const sent: Array<[string, string | null]> = [];
    const confirmed: string[] = [];
    let n = 0;
    startPurchase(
      numbers,
      deps(
        async (number, _key, token) => {
          sent.push([number, token]);
          if (!token) {
            return {
              ok: false,
              status: 428,
              kind: 'confirmation',
              reason: 'Confirm the purchase first.',
              proxyError: 'confirmation_required',
              keySpent: false,
            };
          }
          return ok;
        },
        {
          concurrency: 1,
          confirm: async (item) => {
            confirmed.push(item.number);
            return `token-${++n}`;
          },
        },
      ),
    );
    await idle();
    expect(sent).toEqual([
      [numbers[0], null],
      [numbers[0], 'token-1'],
      [numbers[1], 'token-2'],
      [numbers[2], 'token-3'],
    ]);
    expect(runProgress(getCart())).toMatchObject({ bought: 3 });
  });
});
