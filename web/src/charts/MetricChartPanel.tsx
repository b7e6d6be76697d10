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
}: {
  metricKeys: string[];
  runs: ChartRun[];
  initiallyShown: number;
}) {
  const [chosen, setChosen] = useQueryList('metrics', metricKeys.slice(0, initiallyShown));
  const [options, setOptions] = useChartOptions();
  return (
    <>
      <ChartControls options={options} onChange={setOptions} />
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
    </>
  );
}
