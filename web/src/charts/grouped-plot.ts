import type uPlot from 'uplot';
import { formatNumber } from '../lib/format.js';
import { alignSeries, colorFor, type SeriesPoints } from './chart-data.js';
import { aggregateGroup, groupByParam, groupLabel } from './run-groups.js';

export interface GroupedPlot {
  data: uPlot.AlignedData;
  /** Three uPlot series per group (mean, min, max), after the x series. */
  series: uPlot.Series[];
  /** The shaded area between each group's max and min series. */
  bands: uPlot.Band[];
  /** Positions in `series` (x series included) of the min and max series, which the legend leaves out. */
  hiddenInLegend: number[];
  points: number;
}

/** Appends an alpha to a #rrggbb colour; other colour forms are returned as they are. */
const withAlpha = (color: string, alpha: string) => (/^#[0-9a-f]{6}$/i.test(color) ? `${color}${alpha}` : color);

/**
 * What a chart of runs grouped by param `key` draws: for each group a line through the mean of its runs, a shaded
 * band from their min to their max, and in the legend the group's value and run count. At the cursor the legend
 * reads `mean [min, max]`, followed by `k of n` where only k of the group's n runs have a value there.
 */
export function groupedPlot(
  series: readonly SeriesPoints[],
  params: readonly (Readonly<Record<string, string>> | undefined)[],
  key: string,
): GroupedPlot {
  const groups = groupByParam(params, key);
  const bands = groups.map((g) => aggregateGroup(g.members.map((i) => series[i]!)));
  const columns = bands.flatMap((b) => [
    { x: b.x, y: b.mean },
    { x: b.x, y: b.min },
    { x: b.x, y: b.max },
    { x: b.x, y: b.count },
  ]);
  const [xs, ...ys] = alignSeries(columns);
  const data: (number | null)[][] = [xs];
  const plotSeries: uPlot.Series[] = [];
  const shaded: uPlot.Band[] = [];
  const hiddenInLegend: number[] = [];
  groups.forEach((group, g) => {
    const [mean, min, max, count] = ys.slice(g * 4, g * 4 + 4) as (number | null)[][];
    const first = data.length;
    data.push(mean!, min!, max!);
    const color = colorFor(g);
    const size = group.members.length;
    plotSeries.push(
      {
        label: groupLabel(key, group),
        stroke: color,
        width: 2,
        spanGaps: true,
        points: { show: false },
        value: (_u: uPlot, v: number | null, _s: number, i: number | null) => {
          if (v === null || i === null) return '—';
          const runs = count![i] ?? 0;
          const spread = `${formatNumber(v)} [${formatNumber(min![i])}, ${formatNumber(max![i])}]`;
          return runs < size ? `${spread} · ${runs} of ${size}` : spread;
        },
      },
      ...(['min', 'max'] as const).map((edge) => ({
        label: `${groupLabel(key, group)} ${edge}`,
        stroke: withAlpha(color, '66'),
        width: 1,
        spanGaps: true,
        points: { show: false },
      })),
    );
    hiddenInLegend.push(first + 1, first + 2);
    shaded.push({ series: [first + 2, first + 1], fill: withAlpha(color, '2e') });
  });
  return {
    data: data as uPlot.AlignedData,
    series: plotSeries,
    bands: shaded,
    hiddenInLegend,
    points: bands.reduce((sum, b) => sum + b.x.length, 0),
  };
}
