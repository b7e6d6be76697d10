import { buildAxis } from '../lib/parallel-axes.js';

export interface ScatterRun {
  runId: string;
  label: string;
  color: string;
  x: string | number | null;
  y: string | number | null;
}

const HEIGHT = 300;
const PAD = { left: 64, right: 16, top: 16, bottom: 40 };

/** Any two values of the compared runs (params or metrics) against each other, one labelled dot per run. */
export function ScatterPlot({
  runs,
  xLabel,
  yLabel,
  width,
}: {
  runs: ScatterRun[];
  xLabel: string;
  yLabel: string;
  width: number;
}) {
  const xAxis = buildAxis(
    'x',
    xLabel,
    runs.map((r) => r.x),
  );
  const yAxis = buildAxis(
    'y',
    yLabel,
    runs.map((r) => r.y),
  );
  const plotW = width - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const px = (p: number) => PAD.left + p * plotW;
  const py = (p: number) => PAD.top + (1 - p) * plotH;
  const placed = runs
    .map((r) => ({ run: r, x: xAxis.position(r.x), y: yAxis.position(r.y) }))
    .filter((p): p is { run: ScatterRun; x: number; y: number } => p.x !== null && p.y !== null);
  return (
    <svg
      width={width}
      height={HEIGHT}
      className="scatter"
      role="img"
      aria-label={`${yLabel} against ${xLabel}`}
      data-testid="scatter-plot"
    >
      <line className="axis-line" x1={PAD.left} x2={width - PAD.right} y1={py(0)} y2={py(0)} />
      <line className="axis-line" x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={HEIGHT - PAD.bottom} />
      {xAxis.ticks.slice(0, 8).map((t) => (
        <text key={`x${t.at}`} x={px(t.at)} y={HEIGHT - PAD.bottom + 16} textAnchor="middle" className="pc-tick">
          {shorten(t.label, 16)}
          <title>{t.label}</title>
        </text>
      ))}
      {yAxis.ticks.slice(0, 8).map((t) => (
        <text key={`y${t.at}`} x={PAD.left - 6} y={py(t.at) + 4} textAnchor="end" className="pc-tick">
          {shorten(t.label, 8)}
          <title>{t.label}</title>
        </text>
      ))}
      <text x={PAD.left + plotW / 2} y={HEIGHT - 4} textAnchor="middle" className="pc-label">
        {shorten(xLabel, 60)}
      </text>
      <text
        x={12}
        y={PAD.top + plotH / 2}
        textAnchor="middle"
        className="pc-label"
        transform={`rotate(-90 12 ${PAD.top + plotH / 2})`}
      >
        {shorten(yLabel, 30)}
      </text>
      {placed.map(({ run, x, y }) => (
        <circle
          key={run.runId}
          cx={px(x)}
          cy={py(y)}
          r={6}
          fill={run.color}
          stroke="var(--bg)"
          strokeWidth={1.5}
          data-run-id={run.runId}
        >
          <title>{`${run.label}: ${xLabel}=${run.x}, ${yLabel}=${run.y}`}</title>
        </circle>
      ))}
      {placed.length === 0 && (
        <text x={width / 2} y={HEIGHT / 2} textAnchor="middle" className="pc-label">
          No run has both values
        </text>
      )}
    </svg>
  );
}

/** A label cut to `max` characters: category values (paths, long names) would otherwise run over each other. */
const shorten = (label: string, max: number) => (label.length > max ? `${label.slice(0, max - 1)}…` : label);
