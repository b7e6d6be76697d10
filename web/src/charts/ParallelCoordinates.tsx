import { useMemo, useState } from 'react';
import { type Axis, buildAxis } from '../lib/parallel-axes.js';

export interface ParallelRun {
  runId: string;
  label: string;
  color: string;
  values: Record<string, string | number | null>;
}

const HEIGHT = 300;
const PAD_TOP = 36;
const PAD_BOTTOM = 24;
const PAD_X = 60;

/**
 * Parallel coordinates: one vertical axis per param and one for the chosen metric (last), one line per run. Numeric
 * params are scaled linearly; text params become evenly spaced categories. Hovering a line highlights its run.
 */
export function ParallelCoordinates({
  runs,
  axes: axisIds,
  labels,
  width,
}: {
  runs: ParallelRun[];
  axes: string[];
  labels: Record<string, string>;
  width: number;
}) {
  const [hover, setHover] = useState<string | null>(null);
  const axes = useMemo<Axis[]>(
    () =>
      axisIds.map((id) =>
        buildAxis(
          id,
          labels[id] ?? id,
          runs.map((r) => r.values[id] ?? null),
        ),
      ),
    [axisIds, labels, runs],
  );
  if (axes.length < 2) {
    return <p className="muted">Choose a metric and runs whose params differ to draw parallel coordinates.</p>;
  }
  const step = (width - 2 * PAD_X) / (axes.length - 1);
  const xAt = (i: number) => PAD_X + i * step;
  const yAt = (p: number) => PAD_TOP + (1 - p) * (HEIGHT - PAD_TOP - PAD_BOTTOM);
  return (
    <svg
      width={width}
      height={HEIGHT}
      className="parallel"
      role="img"
      aria-label="Parallel coordinates plot"
      data-testid="parallel-coordinates"
    >
      {runs.map((run) => {
        const points = axes.map((axis, i) => {
          const p = axis.position(run.values[axis.id]);
          return p === null ? null : `${xAt(i).toFixed(1)},${yAt(p).toFixed(1)}`;
        });
        const segments: string[][] = [[]];
        for (const point of points) {
          if (point === null) segments.push([]);
          else segments[segments.length - 1]!.push(point);
        }
        const dim = hover !== null && hover !== run.runId;
        return (
          // biome-ignore lint/a11y/noStaticElementInteractions: hover only highlights; each line also has a <title>
          <g
            key={run.runId}
            onMouseEnter={() => setHover(run.runId)}
            onMouseLeave={() => setHover(null)}
            opacity={dim ? 0.15 : 0.9}
            data-run-id={run.runId}
          >
            <title>{run.label}</title>
            {segments
              .filter((s) => s.length > 1)
              .map((s) => (
                <polyline
                  key={s.join(' ')}
                  points={s.join(' ')}
                  fill="none"
                  stroke={run.color}
                  strokeWidth={hover === run.runId ? 3 : 1.75}
                />
              ))}
          </g>
        );
      })}
      {axes.map((axis, i) => (
        <g key={axis.id} className="pc-axis">
          <line x1={xAt(i)} x2={xAt(i)} y1={PAD_TOP} y2={HEIGHT - PAD_BOTTOM} />
          <text x={xAt(i)} y={PAD_TOP - 20} textAnchor="middle" className="pc-label">
            {axis.label.length > 18 ? `${axis.label.slice(0, 17)}…` : axis.label}
          </text>
          {axis.ticks.slice(0, 8).map((tick) => (
            <text key={`${tick.at}-${tick.label}`} x={xAt(i) + 5} y={yAt(tick.at) + 4} className="pc-tick">
              {tick.label.length > 12 ? `${tick.label.slice(0, 11)}…` : tick.label}
            </text>
          ))}
        </g>
      ))}
    </svg>
  );
}
