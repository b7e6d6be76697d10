import type { ReactNode } from 'react';
import type { ChartOptions } from './MetricChart.js';

/**
 * Shared chart settings: x axis, smoothing and log scale, then any further control the page adds (`children`).
 * Their values live in the URL of the page that owns them.
 */
export function ChartControls({
  options,
  onChange,
  children,
}: {
  options: ChartOptions;
  onChange: (next: Partial<ChartOptions>) => void;
  children?: ReactNode;
}) {
  return (
    <div className="chart-controls">
      <label>
        X axis{' '}
        <select
          aria-label="X axis"
          value={options.xAxis}
          onChange={(event) => onChange({ xAxis: event.target.value as ChartOptions['xAxis'] })}
        >
          <option value="step">Step</option>
          <option value="time">Wall-clock time</option>
          <option value="relative">Relative time</option>
        </select>
      </label>
      <label>
        Smoothing{' '}
        <input
          type="range"
          aria-label="Smoothing"
          min={0}
          max={0.99}
          step={0.01}
          value={options.smoothing}
          onChange={(event) => onChange({ smoothing: Number(event.target.value) })}
        />
        <span className="mono small">{options.smoothing.toFixed(2)}</span>
      </label>
      <label className="check">
        <input
          type="checkbox"
          aria-label="Log scale"
          checked={options.logScale}
          onChange={(event) => onChange({ logScale: event.target.checked })}
        />
        Log scale
      </label>
      {children}
      <span className="muted small">Drag to zoom · double-click to reset</span>
    </div>
  );
}
