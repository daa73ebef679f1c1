// Account numbers: list (with starts_with/contains/ends_with), detail, purchase from the inventory.
import type { components } from '../../flowroute/api-types.gen';
import {
  ApiError,
  NOT_FOUND_DETAIL,
  pageLinks,
  parseDigits,
  parseLimit,
  parseOffset,
  parseStartsWith,
} from '../http-util';
import type { Ctx, Reply } from '../http-util';
import type { AccountNumber, EmulatorState } from '../store';
import { accountNumber, numberAttributes, renderNumberDetail } from './render';

type NumberResource = components['schemas']['NumberResource'];

export function listNumbers(ctx: Ctx, state: EmulatorState): Reply {
  const startsWith = parseStartsWith(ctx.query);
  const contains = parseDigits(ctx.query, 'contains');
  const endsWith = parseDigits(ctx.query, 'ends_with');
  const limit = parseLimit(ctx.query, 200);
  const offset = parseOffset(ctx.query);
  const keys = state.numberKeys;
  let i = 0;
  if (startsWith !== undefined) {
    // numberKeys is sorted: jump to the first key >= the prefix.
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < startsWith) lo = mid + 1;
      else hi = mid;
    }
    i = lo;
  }
  const data: NumberResource[] = [];
  let skipped = 0;
  let hasMore = false;
  for (; i < keys.length; i++) {
    const key = keys[i]!;
    if (startsWith !== undefined && !key.startsWith(startsWith)) break;
    if (contains !== undefined && !key.includes(contains)) continue;
    if (endsWith !== undefined && !key.endsWith(endsWith)) continue;
    if (skipped < offset) {
      skipped++;
      continue;
    }
    if (data.length === limit) {
      hasMore = true;
      break;
    }
    const n = state.numbers.get(key)!;
    data.push({
      attributes: numberAttributes(n),
      type: 'number',
      id: n.value,
      links: { self: `${ctx.base}/v2/numbers/${n.value}` },
    });
  }
  const links = pageLinks(
    ctx.base,
    '/v2/numbers',
    [
      ['contains', contains],
      ['ends_with', endsWith],
      ['starts_with', startsWith],
    ],
    limit,
    offset,
    hasMore,
  );
  return { status: 200, body: { data, links } };
}

export function getNumber(ctx: Ctx, state: EmulatorState): Reply {
  const n = accountNumber(state, ctx.params[0]!);
  return { status: 200, body: renderNumberDetail(n, state, ctx.base) };
}

/** Buying a number that is not in the inventory (sold, already ours, never offered) is a 404, as on Flowroute. */
export function purchaseNumber(ctx: Ctx, state: EmulatorState): Reply {
  const id = ctx.params[0]!;
  if (state.numbers.has(id)) throw new ApiError(404, NOT_FOUND_DETAIL);
  const info = state.inventory.take(id);
  if (!info) throw new ApiError(404, NOT_FOUND_DETAIL);
  const n: AccountNumber = {
    value: info.value,
    alias: null,
    cnamLookups: true,
    numberType: info.number_type,
    rateCenter: info.rate_center,
    state: info.state,
    primaryRoute: '0',
    failoverRoute: null,
  };
  state.addNumber(n);
  state.stats.purchases.push({ number: n.value, at: new Date(ctx.now).toISOString() });
  return { status: 201, body: renderNumberDetail(n, state, ctx.base) };
}
