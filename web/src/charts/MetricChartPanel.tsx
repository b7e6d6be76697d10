import { useQueryList } from '../lib/url-state.js';
import { ChartControls } from './ChartControls.js';
import { type ChartRun, MetricChart } from './MetricChart.js';
import { useChartOptions } from './use-chart-options.js';

/**
 * Chart controls, a metric chooser and one chart per chosen metric for the given runs. The choice and the options
 * live in the URL so a view of charts can be shared.
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
  return (
    <div data-testid={testId}>
      {controls && <ChartControls options={options} onChange={setOptions} />}
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
            <MetricChart key={k} metricKey={k} runs={runs} options={options} />
          ))}
      </div>
    </div>
  );
}
