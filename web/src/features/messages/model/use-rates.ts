// The per-segment (SMS) and per-message (MMS) rates used for cost estimates: a browser setting with defaults.
import { useLocalStorage } from '@mantine/hooks';
import { DEFAULT_RATE_PER_MMS_USD, DEFAULT_RATE_PER_SEGMENT_USD } from './compose';

export interface Rates {
  perSegment: number | null;
  perMms: number | null;
}

export function useRates() {
  const [rates, setRates] = useLocalStorage<Rates>({
    key: 'messages.rates',
    defaultValue: { perSegment: DEFAULT_RATE_PER_SEGMENT_USD, perMms: DEFAULT_RATE_PER_MMS_USD },
    getInitialValueInEffect: false,
  });
  return [rates, setRates] as const;
}
