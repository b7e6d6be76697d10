import { useNavigate } from 'react-router-dom';
import type { MetricTrend } from '../api/types.js';
import { formatNumber, formatTime } from '../lib/format.js';

const WIDTH = 560;
const HEIGHT = 200;
const PAD = { left: 56, right: 12, top: 10, bottom: 24 };

/**
 * One metric across runs, by run start time: a plain SVG line with a dot per run, flagged runs drawn larger in the
 * danger colour. A dot opens its run, so every flag is one click from its evidence.
 */
export function TrendChart({
  experimentId,
  trend,
  flagged,
}: {
  experimentId: string;
  trend: MetricTrend;
  /** Run ids flagged on this metric. */
  flagged: ReadonlySet<string>;
}) {
  const navigate = useNavigate();
  const points = trend.points;
  if (points.length === 0) return <p className="muted small">No run logged {trend.key}.</p>;
  const times = points.map((p) => p.startTime);
  const values = points.map((p) => p.value);
  const [t0, t1] = [Math.min(...times), Math.max(...times)];
  const [v0, v1] = [Math.min(...values), Math.max(...values)];
  const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0 || 1)) * (WIDTH - PAD.left - PAD.right);
  const y = (v: number) => HEIGHT - PAD.bottom - ((v - v0) / (v1 - v0 || 1)) * (HEIGHT - PAD.top - PAD.bottom);
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.startTime).toFixed(1)},${y(p.value).toFixed(1)}`);
  const runPath = (runId: string) =>
    `/experiments/${encodeURIComponent(experimentId)}/runs/${encodeURIComponent(runId)}`;
  return (
    <svg
      className="trend-chart"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`${trend.key} across runs`}
      data-points={points.length}
    >
      <line
        className="axis-line"
        x1={PAD.left}
        x2={WIDTH - PAD.right}
        y1={HEIGHT - PAD.bottom}
        y2={HEIGHT - PAD.bottom}
      />
      <line className="axis-line" x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={HEIGHT - PAD.bottom} />
      <text className="pc-tick" x={PAD.left - 6} y={y(v1) + 4} textAnchor="end">
        {formatNumber(v1)}
      </text>
      <text className="pc-tick" x={PAD.left - 6} y={y(v0) + 4} textAnchor="end">
        {formatNumber(v0)}
      </text>
      <text className="pc-tick" x={PAD.left} y={HEIGHT - 6}>
        {formatTime(t0)}
      </text>
      <text className="pc-tick" x={WIDTH - PAD.right} y={HEIGHT - 6} textAnchor="end">
        {formatTime(t1)}
      </text>
      <path d={path.join(' ')} fill="none" stroke="var(--accent)" strokeWidth={1.5} />
      {points.map((p) => {
        const isFlagged = flagged.has(p.runId);
        return (
          // biome-ignore lint/a11y/useSemanticElements: an SVG dot cannot be a <button>; it gets a role and keys.
          <circle
            key={p.runId}
            cx={x(p.startTime)}
            cy={y(p.value)}
            r={isFlagged ? 6 : 3}
            className={isFlagged ? 'trend-dot trend-dot-flagged' : 'trend-dot'}
            data-run-id={p.runId}
            role="button"
            tabIndex={0}
            onClick={() => navigate(runPath(p.runId))}
            onKeyDown={(e) => {
              if (e.key === 'Enter') navigate(runPath(p.runId));
            }}
          >
            <title>{`${p.runName}: ${formatNumber(p.value)} (${formatTime(p.startTime)})${isFlagged ? ' — flagged' : ''}`}</title>
          </circle>
        );
      })}
    </svg>
  );
}
