import { useEffect, useRef, useState } from 'react';
import { fromWireNumber } from '../../../src/sdk/wire/non-finite.js';
import { api } from '../api/client.js';

const WIDTH = 120;
const HEIGHT = 28;

/**
 * A tiny line of a metric's history (60 sampled points), fetched only once the row scrolls into view so a run with
 * hundreds of metrics does not fire hundreds of requests up front.
 */
export function Sparkline({ runId, metricKey }: { runId: string; metricKey: string }) {
  const ref = useRef<SVGSVGElement>(null);
  const [values, setValues] = useState<number[] | null>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const controller = new AbortController();
    const observer = new IntersectionObserver(([entry]) => {
      if (!entry?.isIntersecting) return;
      observer.disconnect();
      api
        .metricHistory(runId, metricKey, 60, controller.signal)
        .then((h) => setValues(h.metrics.map((m) => fromWireNumber(m.value)).filter(Number.isFinite)))
        .catch(() => setValues([]));
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      controller.abort();
    };
  }, [runId, metricKey]);
  let path = '';
  if (values && values.length > 1) {
    const min = Math.min(...values);
    const max = Math.max(...values);
    const span = max - min || 1;
    path = values
      .map((v, i) => {
        const x = (i / (values.length - 1)) * (WIDTH - 2) + 1;
        const y = HEIGHT - 2 - ((v - min) / span) * (HEIGHT - 4);
        return `${i === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`;
      })
      .join(' ');
  }
  return (
    <svg
      ref={ref}
      className="sparkline"
      width={WIDTH}
      height={HEIGHT}
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`${metricKey} history`}
      data-points={values?.length ?? 0}
    >
      {path && <path d={path} fill="none" stroke="currentColor" strokeWidth={1.25} />}
    </svg>
  );
}
