// The range in the URL, resolved against the shared anchor, plus a setter that keeps other params.
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { useRangeAnchor } from './anchor';
import { rangeFromParams, rangeToParams, resolveRange, type RangeSpec } from './range';

export function useRangeParam() {
  const [params, setParams] = useSearchParams();
  const anchor = useRangeAnchor();
  const rangeParam = params.get('range');
  const startParam = params.get('start');
  const endParam = params.get('end');
  const spec = useMemo(
    () =>
      rangeFromParams(
        new URLSearchParams({ range: rangeParam ?? '', start: startParam ?? '', end: endParam ?? '' }),
      ),
    [rangeParam, startParam, endParam],
  );
  const resolved = useMemo(() => resolveRange(spec, anchor), [spec, anchor]);
  const setSpec = useCallback(
    (next: RangeSpec) => setParams((prev) => rangeToParams(next, prev), { replace: true }),
    [setParams],
  );
  return { spec, resolved, setSpec };
}
