import { useMemo } from 'react';
import { useQueryList, useQueryState } from '../lib/url-state.js';
import { ChartControls } from './ChartControls.js';
import { type ChartRun, MetricChart } from './MetricChart.js';
import { useChartOptions } from './use-chart-options.js';

/**
 * Chart controls, a metric chooser and one chart per chosen metric for the given runs. The choice and the options
 * live in the URL so a view of charts can be shared. Where the runs carry params, "Group by" draws the runs sharing
 * a param's value as one line through their mean with a min–max band; the chosen param is kept in the URL too.
 */
export function MetricChartPanel({
  metricKeys,
  runs,
  initiallyShown,
  param = 'metrics',
  controls = true,
  testId,
}: {
  metricKeys: string[];
  runs: ChartRun[];
  initiallyShown: number;
  /** The URL parameter keeping the chosen metrics; a second panel on a page needs its own. */
  param?: string;
  /** False for a second panel, which follows the chart options the first one sets (both read them from the URL). */
  controls?: boolean;
  testId?: string;
}) {
  const [chosen, setChosen] = useQueryList(param, metricKeys.slice(0, initiallyShown));
  const [options, setOptions] = useChartOptions();
  const paramKeys = useMemo(() => [...new Set(runs.flatMap((r) => Object.keys(r.params ?? {})))].sort(), [runs]);
  const [groupBy, setGroupBy] = useQueryState('chartGroup', '', { history: 'push' });
  // A link naming a param these runs do not have draws the runs one by one rather than one "unset" group; so does
  // a single run, which has nothing to be grouped with (and no control offered to undo it).
  const grouping = runs.length > 1 && paramKeys.includes(groupBy) ? groupBy : '';
  const groupable = controls && runs.length > 1 && paramKeys.length > 0;
  return (
    <div data-testid={testId}>
      {controls && (
        <ChartControls options={options} onChange={setOptions}>
          {groupable && (
            <label>
              Group by{' '}
              <select
                aria-label="Group charts by"
                value={grouping}
                onChange={(event) => setGroupBy(event.target.value)}
                data-testid="chart-group-by"
              >
                <option value="">No grouping</option>
                {paramKeys.map((k) => (
                  <option key={k} value={k}>
                    {k}
                  </option>
                ))}
              </select>
            </label>
          )}
        </ChartControls>
      )}
      <div className="metric-chooser">
        {metricKeys.map((k) => (
          <label key={k} className="check small">
            <input
              type="checkbox"
              checked={chosen.includes(k)}
              onChange={() => setChosen(chosen.includes(k) ? chosen.filter((c) => c !== k) : [...chosen, k])}
            />
            <span className="mono">{k}</span>
          </label>
        ))}
      </div>
      <div className="chart-grid">
        {chosen
          .filter((k) => metricKeys.includes(k))
          .map((k) => (
            <MetricChart key={k} metricKey={k} runs={runs} options={options} groupBy={grouping} />
          ))}
      </div>
    </div>
  );
}
