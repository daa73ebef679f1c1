// How inventory attributes read on screen (Flowroute sends lowercase codes); the same helpers as every screen.
import { formatNumberType, formatRateCenter, formatState } from '@/lib/format';

export function numberTypeLabel(type: string): string {
  return formatNumberType(type);
}

export function stateLabel(state: string): string {
  return formatState(state);
}

export function rateCenterLabel(rateCenter: string): string {
  return formatRateCenter(rateCenter);
}

/** "206555" → "206-555" (an exchange as people read it). */
export function exchangeLabel(code: string): string {
  return code.length === 6 ? `${code.slice(0, 3)}-${code.slice(3)}` : code;
}
