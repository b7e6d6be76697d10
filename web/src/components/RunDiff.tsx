import { fromWireNumber } from '../../../src/sdk/wire/non-finite.js';
import type { Run } from '../api/types.js';
import { formatDuration, formatNumber, formatTime } from '../lib/format.js';
import { type DiffRow, diffMaps } from '../lib/run-diff.js';
import { isEnvironmentTag, isHiddenTag, seedOf } from '../lib/run-facts.js';
import { useQueryState } from '../lib/url-state.js';

/** Params, metrics, tags and environment of several runs in columns, with the rows that differ highlighted. */
export function RunDiff({ runs }: { runs: { run: Run; color: string }[] }) {
  const [show, setShow] = useQueryState('diff', 'changed');
  const onlyChanged = show === 'changed';
  const list = runs.map((r) => r.run);
  const sections: [string, DiffRow[]][] = [
    [
      'Run',
      diffMaps(
        list.map((r) => ({
          status: r.status,
          user: r.userId,
          started: formatTime(r.startTime),
          duration: r.endTime === null ? '—' : formatDuration(r.endTime - r.startTime),
          seed: seedOf(r) ?? '—',
        })),
      ),
    ],
    ['Params', diffMaps(list.map((r) => r.params))],
    [
      'Metrics (latest)',
      diffMaps(
        list.map((r) => Object.fromEntries(r.metrics.map((m) => [m.key, formatNumber(fromWireNumber(m.value))]))),
      ),
    ],
    ['Tags', diffMaps(list.map((r) => pick(r.tags, (k) => !isEnvironmentTag(k) && !isHiddenTag(k))))],
    ['Environment', diffMaps(list.map((r) => pick(r.tags, isEnvironmentTag)))],
  ];
  const changed = sections.reduce((n, [, rows]) => n + rows.filter((r) => r.differs).length, 0);
  return (
    <div data-testid="run-diff">
      <div className="row-gap">
        <label className="check">
          <input
            type="checkbox"
            checked={onlyChanged}
            onChange={(e) => setShow(e.target.checked ? 'changed' : 'all')}
          />
          Only show differences
        </label>
        <span className="muted small">{changed} values differ</span>
      </div>
      <div className="diff-scroll">
        <table className="data-table compact diff-table">
          <thead>
            <tr>
              <th />
              {runs.map(({ run, color }) => (
                <th key={run.runId}>
                  <span className="swatch" style={{ background: color }} /> {run.runName}
                </th>
              ))}
            </tr>
          </thead>
          {sections.map(([title, rows]) => {
            const shown = onlyChanged ? rows.filter((r) => r.differs) : rows;
            return (
              <tbody key={title}>
                <tr className="diff-section">
                  <th colSpan={runs.length + 1}>
                    {title} <span className="muted small">({rows.filter((r) => r.differs).length} differ)</span>
                  </th>
                </tr>
                {shown.map((row) => (
                  <tr key={row.key} className={row.differs ? 'differs' : ''} data-differs={row.differs}>
                    <th className="mono">{row.key}</th>
                    {row.values.map((v, i) => (
                      <td key={runs[i]!.run.runId} className="mono wrap">
                        {v ?? <span className="muted">—</span>}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            );
          })}
        </table>
      </div>
    </div>
  );
}

function pick(map: Record<string, string>, keep: (key: string) => boolean): Record<string, string> {
  return Object.fromEntries(Object.entries(map).filter(([k]) => keep(k)));
}
