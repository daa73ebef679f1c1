import {
  addItems,
  applyPrices,
  clearBought,
  clearCart,
  commit,
  EMPTY_CART,
  needsTypedConfirmation,
  parseStoredCart,
  pendingItems,
  removeItem,
  requeue,
  runProgress,
  setOutcome,
  stopRun,
  totals,
  typedCountMatches,
  unfinished,
  type CartCandidate,
  type CartState,
} from './cart';
import { centsToDecimal, formatCents, parseUsdInput, toCents } from './money';

const candidate = (number: string, setup: number | string, monthly: number | string): CartCandidate => ({
  number,
  number_type: 'standard',
  state: 'wa',
  rate_center: 'seattle',
  setup_cost: setup,
  monthly_cost: monthly,
});

describe('toCents', () => {
  it.each([
    [1, 100],
    [1.25, 125],
    [3.99, 399],
    [0.1, 10],
    [0.07, 7],
    [1.005, 101], // float 1.005 is 1.00499999…; reading the decimal text rounds half-up as written
    [2.675, 268],
    ['1.25', 125],
    [' 3.5 ', 350],
    [0, 0],
    [1234.5, 123450],
    ['abc', 0],
  ])('%s → %i cents', (input, cents) => {
    expect(toCents(input)).toBe(cents);
  });
});

describe('money input and output', () => {
  it('parses what people type as a cost cap', () => {
    expect(parseUsdInput('$3')).toBe(300);
    expect(parseUsdInput('3.5')).toBe(350);
    expect(parseUsdInput('1,000.10 USD')).toBe(100010);
    expect(parseUsdInput('')).toBeNull();
    expect(parseUsdInput('abc')).toBeNull();
    expect(parseUsdInput(null)).toBeNull();
    expect(parseUsdInput(2.25)).toBe(225);
  });
  it('formats cents with the currency', () => {
    expect(formatCents(125)).toBe('$1.25 USD');
    expect(formatCents(123450)).toBe('$1,234.50 USD');
    expect(formatCents(0)).toBe('$0.00 USD');
    expect(centsToDecimal(325)).toBe('3.25');
  });
});

describe('cart totals', () => {
  it('sums in integer cents: ten numbers at $0.10 + $0.20 make exactly $3.00', () => {
    let state = EMPTY_CART;
    for (let i = 0; i < 10; i++) state = addItems(state, [candidate(`1206555010${i}`, 0.1, 0.2)]);
    const t = totals(state.items);
    expect(t).toEqual({ count: 10, setup_cents: 100, monthly_cents: 200 });
    expect(formatCents(t.setup_cents + t.monthly_cents)).toBe('$3.00 USD');
    // The float sum would not be exact:
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(
      totals(addItems(EMPTY_CART, [candidate('12065550100', 0.1, 0), candidate('12065550101', 0.2, 0)]).items)
        .setup_cents,
    ).toBe(30);
  });

  it('adds each number once, removes and clears', () => {
    let state = addItems(EMPTY_CART, [
      candidate('12065550100', 1, 1.25),
      candidate('12065550101', 3.99, 1.25),
    ]);
    state = addItems(state, [candidate('12065550100', 1, 1.25)]);
    expect(totals(state.items)).toEqual({ count: 2, setup_cents: 499, monthly_cents: 250 });
    state = removeItem(state, '12065550100');
    expect(totals(state.items)).toEqual({ count: 1, setup_cents: 399, monthly_cents: 125 });
    expect(clearCart(state).items).toHaveLength(0);
  });

  it('counts only what is still to buy once some are bought', () => {
    let state = addItems(EMPTY_CART, [candidate('12065550100', 1, 1.25), candidate('12065550101', 2, 1.25)]);
    state = setOutcome(state, '12065550100', { status: 'bought', at: 'x', warning: null, replayed: false });
    expect(totals(pendingItems(state))).toEqual({ count: 1, setup_cents: 200, monthly_cents: 125 });
    expect(clearBought(state).items.map((i) => i.number)).toEqual(['12065550101']);
  });
});

describe('type-the-count rule', () => {
  it('asks above 5 numbers', () => {
    expect(needsTypedConfirmation({ count: 5, setup_cents: 500, monthly_cents: 0 })).toBe(false);
    expect(needsTypedConfirmation({ count: 6, setup_cents: 600, monthly_cents: 0 })).toBe(true);
  });
  it('asks above $25.00 setup (configurable), not at exactly $25.00', () => {
    expect(needsTypedConfirmation({ count: 2, setup_cents: 2500, monthly_cents: 0 })).toBe(false);
    expect(needsTypedConfirmation({ count: 2, setup_cents: 2501, monthly_cents: 0 })).toBe(true);
    const policy = { maxCountWithoutTyping: 1, maxSetupCentsWithoutTyping: 100 };
    expect(needsTypedConfirmation({ count: 2, setup_cents: 0, monthly_cents: 0 }, policy)).toBe(true);
    expect(needsTypedConfirmation({ count: 1, setup_cents: 101, monthly_cents: 0 }, policy)).toBe(true);
  });
  it('accepts only the exact count', () => {
    expect(typedCountMatches('7', 7)).toBe(true);
    expect(typedCountMatches(' 7 ', 7)).toBe(true);
    expect(typedCountMatches('07', 7)).toBe(false);
    expect(typedCountMatches('seven', 7)).toBe(false);
    expect(typedCountMatches('', 7)).toBe(false);
    expect(typedCountMatches('6', 7)).toBe(false);
  });
});

describe('commit and run transitions', () => {
  const keys = () => {
    let n = 0;
    return () => `key-${++n}`;
  };
  const three = addItems(EMPTY_CART, [
    candidate('12065550100', 1, 1),
    candidate('12065550101', 1, 1),
    candidate('12065550102', 1, 1),
  ]);

  it('gives each committed item one key and keeps it on a second commit', () => {
    const newKey = keys();
    const once = commit(three, ['12065550100', '12065550101'], newKey, 'run-1');
    const k = once.items.map((i) => i.idempotency_key);
    expect(k).toEqual(['key-1', 'key-2', undefined]);
    const twice = commit(once, ['12065550100', '12065550101', '12065550102'], newKey, 'run-2');
    expect(twice.items.map((i) => i.idempotency_key)).toEqual(['key-1', 'key-2', 'key-3']);
    expect(twice.run?.numbers).toEqual(['12065550100', '12065550101', '12065550102']);
  });

  it('does not let a busy item be removed', () => {
    const state = commit(three, ['12065550100'], keys(), 'run');
    expect(removeItem(state, '12065550100').items).toHaveLength(3);
    expect(clearCart(state).items.map((i) => i.number)).toEqual(['12065550100']);
  });

  it('stop marks queued items not attempted; requeue keeps their keys', () => {
    let state = commit(three, ['12065550100', '12065550101', '12065550102'], keys(), 'run');
    state = setOutcome(state, '12065550100', { status: 'bought', at: 'x', warning: null, replayed: false });
    state = setOutcome(state, '12065550101', {
      status: 'failed',
      at: 'x',
      reason: 'No longer available — someone else bought it.',
      http_status: 404,
      unavailable: true,
      key_spent: true,
    });
    state = stopRun(state, 'Stopped');
    expect(runProgress(state)).toMatchObject({ total: 3, done: 3, bought: 1, failed: 1, notAttempted: 1 });
    const again = requeue(state, ['12065550102'], () => 'never-used', 'run-x');
    expect(again.items[2]?.idempotency_key).toBe('key-3');
    expect(again.items[2]?.outcome).toEqual({ status: 'queued' });
    expect(again.run?.numbers).toEqual(['12065550100', '12065550101', '12065550102']);
    expect(unfinished(again).map((i) => i.number)).toEqual(['12065550102']);
  });

  it('survives a round trip through storage and rejects junk', () => {
    const state: CartState = commit(three, ['12065550100'], keys(), 'run');
    expect(parseStoredCart(JSON.stringify(state))).toEqual(state);
    expect(parseStoredCart('{not json')).toEqual(EMPTY_CART);
    expect(parseStoredCart(JSON.stringify({ version: 2, items: [] }))).toEqual(EMPTY_CART);
    expect(parseStoredCart(null)).toEqual(EMPTY_CART);
  });
});

describe('fresh prices', () => {
  it('takes the quoted costs for uncommitted items and remembers the old ones', () => {
    let state = addItems(EMPTY_CART, [candidate('12065550100', 1, 1.25), candidate('12065550101', 1, 1.25)]);
    state = commit(state, ['12065550101'], () => 'k', 'run');
    const next = applyPrices(state, [
      { number: '12065550100', setup_cents: 399, monthly_cents: 125 },
      { number: '12065550101', setup_cents: 399, monthly_cents: 125 },
    ]);
    expect(next.items[0]).toMatchObject({
      setup_cents: 399,
      price_changed_from: { setup_cents: 100, monthly_cents: 125 },
    });
    expect(next.items[1]?.setup_cents).toBe(100); // committed: the user confirmed $1.00
    expect(applyPrices(next, [{ number: '12065550100', setup_cents: 399, monthly_cents: 125 }])).toBe(next);
  });
});
