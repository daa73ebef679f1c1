// How inventory attributes read on screen (Flowroute sends lowercase codes).

const TYPE_LABELS: Record<string, string> = {
  standard: 'Local',
  longcode: 'Local',
  tollfree: 'Toll-free',
  'toll-free': 'Toll-free',
  inum: 'iNum',
};

export function numberTypeLabel(type: string): string {
  return TYPE_LABELS[type.toLowerCase()] ?? (type || '—');
}

export function stateLabel(state: string): string {
  return state ? state.toUpperCase() : '—';
}

export function rateCenterLabel(rateCenter: string): string {
  return rateCenter ? rateCenter.toUpperCase() : '—';
}

/** "206555" → "206-555" (an exchange as people read it). */
export function exchangeLabel(code: string): string {
  return code.length === 6 ? `${code.slice(0, 3)}-${code.slice(3)}` : code;
}
