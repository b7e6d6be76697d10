import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import { api } from '../api/client.js';
import type { MetricHistory } from '../api/types.js';
import { ErrorMessage } from '../components/states.js';
import { formatDuration, formatNumber } from '../lib/format.js';
import { useEffectiveTheme } from '../lib/theme.js';
import { useAsync } from '../lib/use-async.js';
import { alignSeries, pointsForWidth, toSeries, type XAxis } from './chart-data.js';

export interface ChartRun {
  runId: string;
  label: string;
  color: string;
  startTime: number;
  running: boolean;
}

export interface ChartOptions {
  xAxis: XAxis;
  smoothing: number;
  logScale: boolean;
}

const LIVE_REFRESH_MS = 5000;

/**
 * One metric of one or more runs, drawn with uPlot from server-downsampled series (about one point per pixel), so
 * a metric with a million points costs a few hundred points to fetch and draw. Drag to zoom, double-click to reset.
 * Runs still RUNNING are refetched every few seconds.
 */
export function MetricChart({
  metricKey,
  runs,
  options,
  height = 260,
}: {
  metricKey: string;
  runs: ChartRun[];
  options: ChartOptions;
  height?: number;
}) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const [width, setWidth] = useState(0);
  const [renderMs, setRenderMs] = useState<number | null>(null);
  const theme = useEffectiveTheme();

  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry?.contentRect.width ?? 0)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const points = pointsForWidth(width);
  const runKey = runs.map((r) => r.runId).join(',');
  const started = useRef(0);
  const histories = useAsync(
    async (signal) => {
      if (width === 0) return undefined;
      started.current = performance.now();
      return Promise.all(runs.map((r) => api.metricHistory(r.runId, metricKey, points, signal)));
    },
    [runKey, metricKey, points, width === 0],
  );

  const anyRunning = runs.some((r) => r.running);
  const { reload } = histories;
  useEffect(() => {
    if (!anyRunning) return;
    const timer = setInterval(reload, LIVE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [anyRunning, reload]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs is described by runKey; width changes resize below
  useEffect(() => {
    const element = holder.current;
    const data = histories.data;
    if (!element || !data) return;
    const t0 = performance.now();
    const series = data.map((h: MetricHistory, i) =>
      toSeries(h.metrics, options.xAxis, runs[i]!.startTime, {
        smoothing: options.smoothing,
        logScale: options.logScale,
      }),
    );
    const aligned = alignSeries(series);
    const styles = getComputedStyle(element);
    const axisColor = styles.getPropertyValue('--text-muted').trim() || '#888';
    const gridColor = styles.getPropertyValue('--grid').trim() || 'rgba(128,128,128,0.15)';
    const axis: uPlot.Axis = { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor } };
    const xValues =
      options.xAxis === 'relative'
        ? (_: uPlot, ticks: (number | null)[]) => ticks.map((t) => (t === null ? '' : formatDuration(t * 1000)))
        : undefined;
    const opts: uPlot.Options = {
      width: Math.max(width, 200),
      height,
      ms: 1,
      scales: {
        x: { time: options.xAxis === 'time' },
        y: options.logScale ? { distr: 3 } : {},
      },
      axes: [
        { ...axis, ...(xValues ? { values: xValues } : {}) },
        {
          ...axis,
          size: 60,
          values: (_: uPlot, ticks: (number | null)[]) => ticks.map((t) => (t === null ? '' : formatNumber(t))),
        },
      ],
      series: [
        { label: options.xAxis === 'step' ? 'step' : options.xAxis === 'time' ? 'time' : 'elapsed' },
        ...runs.map((r) => ({
          label: r.label,
          stroke: r.color,
          width: 1.5,
          spanGaps: true,
          points: { show: false },
          value: (_: uPlot, v: number | null) => (v === null ? '—' : formatNumber(v)),
        })),
      ],
      cursor: { drag: { x: true, y: false, setScale: true } },
      legend: { show: runs.length > 0 },
      hooks: {
        draw: [
          (u: uPlot) => {
            const ms = Math.round(performance.now() - t0);
            // The drawn y range, readable from outside the canvas (tests and tooling check what was drawn).
            element.dataset.yMin = String(u.scales.y?.min ?? '');
            element.dataset.yMax = String(u.scales.y?.max ?? '');
            element.dataset.renderMs = String(ms);
            element.dataset.totalMs = String(Math.round(performance.now() - started.current));
            setRenderMs(ms);
          },
        ],
      },
    };
    plot.current?.destroy();
    plot.current = new uPlot(opts, aligned as uPlot.AlignedData, element);
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
  }, [histories.data, options.xAxis, options.smoothing, options.logScale, height, theme]);

  useEffect(() => {
    if (plot.current && width > 0) plot.current.setSize({ width: Math.max(width, 200), height });
  }, [width, height]);

  const total = histories.data?.reduce((sum, h) => sum + (h.totalPoints ?? h.metrics.length), 0);
  const shown = histories.data?.reduce((sum, h) => sum + h.metrics.length, 0);
  return (
    <figure className="chart" data-testid="metric-chart" data-metric={metricKey}>
      <figcaption>
        <span className="chart-title mono">{metricKey}</span>
        <span className="muted small">
          {histories.loading && !histories.data
            ? 'loading…'
            : total !== undefined
              ? `${shown?.toLocaleString()} of ${total.toLocaleString()} points${renderMs !== null ? ` · drawn in ${renderMs} ms` : ''}`
              : ''}
        </span>
      </figcaption>
      {histories.error ? <ErrorMessage error={histories.error} onRetry={histories.reload} /> : null}
      {histories.data && total === 0 ? <p className="muted small">No points logged for this metric.</p> : null}
      <div ref={holder} className="chart-canvas" style={{ minHeight: height }} />
    </figure>
  );
}
