// The purchasable inventory: number search, area codes, exchanges.
import type { components } from '../../flowroute/api-types.gen';
import { ApiError, pageLinks, parseDigits, parseLimit, parseOffset, parseStartsWith } from '../http-util';
import type { Ctx, Reply } from '../http-util';
import type { EmulatorState } from '../store';

type PurchasableNumber = components['schemas']['PurchasableNumber'];
type AvailableCode = components['schemas']['AvailableCode'];

function parseMaxSetupCost(query: URLSearchParams): { raw?: string; value?: number } {
  const raw = query.get('max_setup_cost');
  if (raw === null || raw === '') return {};
  if (!/^\d+(\.\d+)?$/.test(raw)) throw new ApiError(400, 'max_setup_cost must be a number, 0 or greater.');
  return { raw, value: Number(raw) };
}

/** state and rate_center are case-insensitive; rate_center works with or without state. */
export function searchAvailableNumbers(ctx: Ctx, state: EmulatorState): Reply {
  const startsWith = parseStartsWith(ctx.query);
  const contains = parseDigits(ctx.query, 'contains');
  const endsWith = parseDigits(ctx.query, 'ends_with');
  const stateRaw = ctx.query.get('state') || undefined;
  const rateCenterRaw = ctx.query.get('rate_center') || undefined;
  if (stateRaw !== undefined && !/^[a-z]{2}$/i.test(stateRaw)) {
    throw new ApiError(400, 'state must be a two-letter abbreviation, e.g. WA.');
  }
  if (rateCenterRaw !== undefined && !/^[a-z0-9 ._-]{1,40}$/i.test(rateCenterRaw)) {
    throw new ApiError(400, 'rate_center must be an abbreviated rate center name, e.g. seattle.');
  }
  const limit = parseLimit(ctx.query, 200);
  const offset = parseOffset(ctx.query);
  const { items, hasMore } = state.inventory.search(
    {
      startsWith,
      contains,
      endsWith,
      state: stateRaw?.toLowerCase(),
      rateCenter: rateCenterRaw?.toLowerCase(),
    },
    offset,
    limit,
  );
  const data: PurchasableNumber[] = items.map((n) => ({
    attributes: {
      monthly_cost: n.monthly_cost,
      number_type: n.number_type,
      rate_center: n.rate_center,
      setup_cost: n.setup_cost,
      state: n.state,
      value: n.value,
    },
    id: n.value,
    links: { related: `${ctx.base}/v2/numbers/${n.value}` },
    type: 'number',
  }));
  const links = pageLinks(
    ctx.base,
    '/v2/numbers/available',
    [
      ['state', stateRaw],
      ['contains', contains],
      ['ends_with', endsWith],
      ['rate_center', rateCenterRaw],
      ['starts_with', startsWith],
    ],
    limit,
    offset,
    hasMore,
  );
  return { status: 200, body: { data, links } };
}

export function listAreaCodes(ctx: Ctx, state: EmulatorState): Reply {
  const max = parseMaxSetupCost(ctx.query);
  const limit = parseLimit(ctx.query, 400);
  const offset = parseOffset(ctx.query);
  const { ids, hasMore } = state.inventory.areaCodes(max.value, offset, limit);
  const data: AvailableCode[] = ids.map((id) => ({
    type: 'areacode',
    id,
    links: { related: `${ctx.base}/v2/numbers/available/exchanges?areacode=${id}` },
  }));
  const links = pageLinks(
    ctx.base,
    '/v2/numbers/available/areacodes',
    [['max_setup_cost', max.raw]],
    limit,
    offset,
    hasMore,
  );
  return { status: 200, body: { data, links } };
}

export function listExchanges(ctx: Ctx, state: EmulatorState): Reply {
  const max = parseMaxSetupCost(ctx.query);
  const areacodeRaw = ctx.query.get('areacode') || undefined;
  if (areacodeRaw !== undefined && !/^[2-9]\d{2}$/.test(areacodeRaw)) {
    throw new ApiError(400, 'areacode must be a three-digit area code.');
  }
  const limit = parseLimit(ctx.query, 200);
  const offset = parseOffset(ctx.query);
  const areacode = areacodeRaw === undefined ? undefined : Number(areacodeRaw);
  const { ids, hasMore } = state.inventory.exchangeCodes(areacode, max.value, offset, limit);
  const data: AvailableCode[] = ids.map((id) => ({
    type: 'exchange',
    id,
    links: { related: `${ctx.base}/v2/numbers/available?starts_with=1${id}` },
  }));
  const links = pageLinks(
    ctx.base,
    '/v2/numbers/available/exchanges',
    [
      ['areacode', areacodeRaw],
      ['max_setup_cost', max.raw],
    ],
    limit,
    offset,
    hasMore,
  );
  return { status: 200, body: { data, links } };
}
