import { useCallback, useMemo } from 'react';
import { useQueryState } from '../lib/url-state.js';
import type { ChartOptions } from './MetricChart.js';

/** Chart settings read from and written to the query string (`x`, `smooth`, `log`). */
export function useChartOptions(): [ChartOptions, (next: Partial<ChartOptions>) => void] {
  const [x, setX] = useQueryState('x', 'step');
  const [smooth, setSmooth] = useQueryState('smooth', '0');
  const [log, setLog] = useQueryState('log', '0');
  const options = useMemo<ChartOptions>(
    () => ({
      xAxis: x === 'time' || x === 'relative' ? x : 'step',
      smoothing: Math.min(Math.max(Number(smooth) || 0, 0), 0.99),
      logScale: log === '1',
    }),
    [x, smooth, log],
  );
  const update = useCallback(
    (next: Partial<ChartOptions>) => {
      if (next.xAxis !== undefined) setX(next.xAxis);
      if (next.smoothing !== undefined) setSmooth(String(next.smoothing));
      if (next.logScale !== undefined) setLog(next.logScale ? '1' : '0');
    },
    [setX, setSmooth, setLog],
  );
  return [options, update];
}
