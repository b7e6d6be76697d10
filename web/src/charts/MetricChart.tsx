import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import { ErrorMessage } from '../components/states.js';
import { formatDuration, formatNumber } from '../lib/format.js';
import { useEffectiveTheme } from '../lib/theme.js';
import {
  alignSeries,
  NON_FINITE_LABEL,
  type NonFiniteKind,
  type NonFiniteMark,
  nonFiniteMarks,
  pointsForWidth,
  toSeries,
  type XAxis,
} from './chart-data.js';
import { describeZoom, stepsToFetch, useChartZoom } from './chart-zoom.js';
import { groupedPlot } from './grouped-plot.js';
import { useMetricHistories } from './use-metric-histories.js';

export interface ChartRun {
  runId: string;
  label: string;
  color: string;
  startTime: number;
  running: boolean;
  /** The run's params, for grouping runs by one of them. */
  params?: Readonly<Record<string, string>>;
}

export interface ChartOptions {
  xAxis: XAxis;
  smoothing: number;
  logScale: boolean;
}

/** Sets a data-* attribute of the chart's canvas holder, or removes it when there is nothing to say. */
function setDataAttribute(element: HTMLElement, name: string, value: number | null | undefined): void {
  if (value === null || value === undefined) delete element.dataset[name];
  else element.dataset[name] = String(value);
}

/** The uPlot sync group all metric charts join; only one page of charts is on screen at a time. */
const CURSOR_SYNC_KEY = 'mnemo-metric-charts';

/**
 * One metric of one or more runs, drawn with uPlot from server-downsampled series (about one point per pixel), so
 * a metric with a million points costs a few hundred points to fetch and draw. Dragging across the chart zooms in:
 * against steps it refetches just the selected steps at the same density, so detail the whole-history sample had
 * to leave out appears; against time it zooms into what is already drawn. Double-click or "reset zoom" shows the
 * whole history again. Runs still RUNNING are refetched every few seconds, keeping the zoom. With `groupBy`, runs
 * sharing that param's value are drawn as one line through their mean with a min–max band (see run-groups.ts).
 */
export function MetricChart({
  metricKey,
  runs,
  options,
  groupBy = '',
  height = 260,
}: {
  metricKey: string;
  runs: ChartRun[];
  options: ChartOptions;
  /** A param key to group the runs by, or '' to draw each run. */
  groupBy?: string;
  height?: number;
}) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const [width, setWidth] = useState(0);
  const [renderMs, setRenderMs] = useState<number | null>(null);
  const [marked, setMarked] = useState<Record<NonFiniteKind, number>>({ nan: 0, '+inf': 0, '-inf': 0 });
  const theme = useEffectiveTheme();
  const { zoom, zoomTo, reset: resetZoom } = useChartZoom(options.xAxis);

  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry?.contentRect.width ?? 0)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const histories = useMetricHistories(
    runs,
    metricKey,
    width === 0 ? undefined : pointsForWidth(width),
    stepsToFetch(zoom),
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs is described by the data; width changes resize below
  useEffect(() => {
    const element = holder.current;
    const fetched = histories.data;
    if (!element || !fetched) return;
    const t0 = performance.now();
    const series = fetched.histories.map((h, i) =>
      toSeries(h.metrics, options.xAxis, runs[i]!.startTime, {
        smoothing: options.smoothing,
        logScale: options.logScale,
      }),
    );
    const grouped = groupBy
      ? groupedPlot(
          series,
          runs.map((r) => r.params),
          groupBy,
        )
      : null;
    const aligned = grouped?.data ?? alignSeries(series);
    // A group's line is an aggregate, which leaves NaN and infinite points out; there is no run's point to mark.
    const marks = grouped
      ? []
      : fetched.histories.map((h, i) => nonFiniteMarks(h.metrics, options.xAxis, runs[i]!.startTime, h.hiddenNaN));
    const markAt = marks.map((list) => new Map(list.map((m) => [m.x, m.kind])));
    const drawnPoints = grouped?.points ?? series.reduce((sum, s) => sum + s.x.length, 0);
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
        ...(grouped?.series ??
          runs.map((r) => ({
            label: r.label,
            stroke: r.color,
            width: 1.5,
            spanGaps: true,
            points: { show: false },
            value: (u: uPlot, v: number | null, seriesIndex: number, dataIndex: number | null) => {
              if (v !== null) return formatNumber(v);
              const x = dataIndex === null ? undefined : u.data[0][dataIndex];
              const kind = x === undefined ? undefined : markAt[seriesIndex - 1]?.get(x);
              return kind ? NON_FINITE_LABEL[kind] : '—';
            },
          }))),
      ],
      ...(grouped ? { bands: grouped.bands } : {}),
      cursor: {
        // Every chart on a page moves its cursor with the one under the mouse, at the same step (or time), so a
        // spike in one metric can be read against the others at that moment.
        sync: { key: CURSOR_SYNC_KEY },
        // uPlot stretches what is drawn at once; the zoom state then takes over (and refetches, against steps).
        drag: { x: true, y: false, setScale: true },
        bind: {
          dblclick: (_u, _target, autoScale) => (event) => {
            if (event.button === 0) {
              autoScale(event);
              resetZoom();
            }
            return null;
          },
        },
      },
      legend: { show: runs.length > 0 },
      hooks: {
        init: [
          (u: uPlot) => {
            // A group's min and max series only bound its band; its legend entry reads them at the cursor.
            const rows = u.root.querySelectorAll<HTMLElement>('.u-legend .u-series');
            for (const i of grouped?.hiddenInLegend ?? []) rows[i]?.style.setProperty('display', 'none');
          },
        ],
        setSelect: [
          (u: uPlot) => {
            const { left, width: selected } = u.select;
            if (selected > 0) zoomTo(u.posToVal(left, 'x'), u.posToVal(left + selected, 'x'));
          },
        ],
        draw: [
          (u: uPlot) => {
            const drawn = drawNonFinite(
              u,
              marks,
              runs.map((r) => r.color),
            );
            setDataAttribute(element, 'nan', drawn.nan);
            setDataAttribute(element, 'posInf', drawn['+inf']);
            setDataAttribute(element, 'negInf', drawn['-inf']);
            setMarked((previous) =>
              previous.nan === drawn.nan && previous['+inf'] === drawn['+inf'] && previous['-inf'] === drawn['-inf']
                ? previous
                : drawn,
            );
            const ms = Math.round(performance.now() - t0);
            // What was drawn, readable from outside the canvas (tests and tooling check it): the y and x ranges,
            // how many points, the zoom, and which steps the drawn series hold in full detail.
            setDataAttribute(element, 'yMin', u.scales.y?.min);
            setDataAttribute(element, 'yMax', u.scales.y?.max);
            setDataAttribute(element, 'xMin', u.scales.x?.min);
            setDataAttribute(element, 'xMax', u.scales.x?.max);
            setDataAttribute(element, 'points', drawnPoints);
            if (grouped) element.dataset.groupedBy = groupBy;
            else delete element.dataset.groupedBy;
            setDataAttribute(element, 'zoomStart', zoom?.min);
            setDataAttribute(element, 'zoomEnd', zoom?.max);
            setDataAttribute(element, 'fetchedStart', fetched.steps?.startStep);
            setDataAttribute(element, 'fetchedEnd', fetched.steps?.endStep);
            element.dataset.renderMs = String(ms);
            element.dataset.totalMs = String(Math.round(performance.now() - fetched.startedAt));
            setRenderMs(ms);
          },
        ],
      },
    };
    plot.current?.destroy();
    const drawn = new uPlot(opts, aligned as uPlot.AlignedData, element);
    // Applied before the first draw (uPlot batches until the next microtask), so a refresh never flashes unzoomed.
    if (zoom) drawn.setScale('x', { min: zoom.min, max: zoom.max });
    plot.current = drawn;
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
  }, [histories.data, zoom, options.xAxis, options.smoothing, options.logScale, groupBy, height, theme]);

  useEffect(() => {
    if (plot.current && width > 0) plot.current.setSize({ width: Math.max(width, 200), height });
  }, [width, height]);

  const fetched = histories.data;
  const total = fetched?.histories.reduce((sum, h) => sum + (h.totalPoints ?? h.metrics.length), 0);
  const shown = fetched?.histories.reduce((sum, h) => sum + h.metrics.length, 0);
  return (
    <figure className="chart" data-testid="metric-chart" data-metric={metricKey} aria-busy={histories.loading}>
      <figcaption>
        <span className="chart-title mono">{metricKey}</span>
        <span className="muted small">
          {histories.loading && !fetched
            ? 'loading…'
            : total !== undefined
              ? `${shown?.toLocaleString()} of ${total.toLocaleString()} points${renderMs !== null ? ` · drawn in ${renderMs} ms` : ''}`
              : ''}
          {marked.nan + marked['+inf'] + marked['-inf'] > 0 ? (
            <span
              className="non-finite-note"
              data-testid="non-finite-note"
              title="Points whose value is NaN or infinite cannot be plotted as values: +∞ is marked ▲ at the top, −∞ ▼ at the bottom and NaN ○ on the x axis"
            >
              {` · marked: ${(['nan', '+inf', '-inf'] as const)
                .filter((k) => marked[k] > 0)
                .map((k) => `${marked[k]} ${NON_FINITE_LABEL[k]}`)
                .join(', ')}`}
            </span>
          ) : null}
          {zoom ? (
            <>
              {` · ${describeZoom(zoom)} `}
              <button type="button" className="link-button small" onClick={resetZoom}>
                reset zoom
              </button>
            </>
          ) : null}
        </span>
      </figcaption>
      {histories.error ? <ErrorMessage error={histories.error} onRetry={histories.reload} /> : null}
      {fetched && total === 0 ? <p className="muted small">No points logged for this metric.</p> : null}
      <div ref={holder} className="chart-canvas" style={{ minHeight: height }} />
    </figure>
  );
}

/**
 * Marks the points a line cannot show, in their series' colour, at their x within the visible range: +∞ as ▲ at
 * the top edge, −∞ as ▼ at the bottom edge, NaN as ○ on the x axis. Returns how many of each it drew.
 */
function drawNonFinite(u: uPlot, marks: NonFiniteMark[][], colors: string[]): Record<NonFiniteKind, number> {
  const counts: Record<NonFiniteKind, number> = { nan: 0, '+inf': 0, '-inf': 0 };
  const { ctx, bbox } = u;
  const min = u.scales.x?.min ?? Number.NEGATIVE_INFINITY;
  const max = u.scales.x?.max ?? Number.POSITIVE_INFINITY;
  const size = 5 * devicePixelRatio;
  const top = bbox.top;
  const bottom = bbox.top + bbox.height;
  ctx.save();
  ctx.lineWidth = 1.5 * devicePixelRatio;
  marks.forEach((list, i) => {
    ctx.fillStyle = colors[i] ?? '#888';
    ctx.strokeStyle = colors[i] ?? '#888';
    for (const mark of list) {
      if (mark.x < min || mark.x > max) continue;
      const cx = u.valToPos(mark.x, 'x', true);
      ctx.beginPath();
      if (mark.kind === '+inf') {
        ctx.moveTo(cx, top);
        ctx.lineTo(cx - size, top + 1.6 * size);
        ctx.lineTo(cx + size, top + 1.6 * size);
        ctx.closePath();
        ctx.fill();
      } else if (mark.kind === '-inf') {
        ctx.moveTo(cx, bottom);
        ctx.lineTo(cx - size, bottom - 1.6 * size);
        ctx.lineTo(cx + size, bottom - 1.6 * size);
        ctx.closePath();
        ctx.fill();
      } else {
        ctx.arc(cx, bottom - size, size * 0.8, 0, 2 * Math.PI);
        ctx.stroke();
      }
      counts[mark.kind] += 1;
    }
  });
  ctx.restore();
  return counts;
}
