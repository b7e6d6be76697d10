import { useCallback, useState } from 'react';
import type { StepRange } from '../api/types.js';
import { formatDuration, formatTime } from '../lib/format.js';
import type { XAxis } from './chart-data.js';

/** The x range a chart was zoomed to, in the units of the axis it was drawn against. */
export interface ChartZoom {
  axis: XAxis;
  min: number;
  max: number;
}

/**
 * The zoom a dragged selection from `from` to `to` (x values, either order) asks for. On the step axis it snaps to
 * the nearest whole steps, at least one step apart, so the chart shows and fetches exactly the steps in view.
 */
export function zoomFromSelection(axis: XAxis, from: number, to: number): ChartZoom {
  const min = Math.min(from, to);
  const max = Math.max(from, to);
  if (axis !== 'step') return { axis, min, max };
  const start = Math.round(min);
  return { axis, min: start, max: Math.max(Math.round(max), start + 1) };
}

/**
 * The steps to fetch in detail for a zoom, if any. Only a step zoom names steps: a range of wall-clock or relative
 * time maps to different steps in every run (and to several stretches of one run that resumed from a checkpoint),
 * so time zooms stay client-side over the whole-history sample.
 */
export function stepsToFetch(zoom: ChartZoom | null): StepRange | undefined {
  return zoom?.axis === 'step' ? { startStep: zoom.min, endStep: zoom.max } : undefined;
}

/** The zoomed range in words, for the chart's caption. */
export function describeZoom(zoom: ChartZoom): string {
  if (zoom.axis === 'step') return `steps ${zoom.min.toLocaleString()}–${zoom.max.toLocaleString()}`;
  if (zoom.axis === 'time') return `${formatTime(zoom.min)} – ${formatTime(zoom.max)}`;
  return `elapsed ${formatDuration(zoom.min * 1000)} – ${formatDuration(zoom.max * 1000)}`;
}

/** A chart's zoom: none until the user drags a range, dropped when the x axis changes or on reset. */
export function useChartZoom(axis: XAxis): {
  zoom: ChartZoom | null;
  zoomTo: (from: number, to: number) => void;
  reset: () => void;
} {
  const [zoom, setZoom] = useState<ChartZoom | null>(null);
  // A range of steps means nothing on a time axis (and the reverse): forget it as soon as the axis changes.
  if (zoom && zoom.axis !== axis) setZoom(null);
  const zoomTo = useCallback((from: number, to: number) => setZoom(zoomFromSelection(axis, from, to)), [axis]);
  const reset = useCallback(() => setZoom(null), []);
  return { zoom: zoom?.axis === axis ? zoom : null, zoomTo, reset };
}
