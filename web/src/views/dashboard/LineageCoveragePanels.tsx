import { Link } from 'react-router-dom';
import type { LineageTrend, ValidationCoverage } from '../../api/types.js';
import { versionPagePath } from '../registry/registry-paths.js';

const runPath = (experimentId: string, runId: string) =>
  `/experiments/${encodeURIComponent(experimentId)}/runs/${encodeURIComponent(runId)}`;
const dayOf = (day: number) => new Date(day).toISOString().slice(0, 10);
const percent = (share: number) => `${Math.round(share * 100)}%`;

const ASPECT_LABEL: Record<string, string> = {
  data: 'data',
  code: 'code',
  environment: 'environment',
  source_run: 'source run',
  training_data: 'training data',
  fairness: 'fairness checks',
  slice_evaluation: 'slice evaluations',
  approval: 'approval',
};
const lacking = (missing: readonly string[]) => `lacks ${missing.map((m) => ASPECT_LABEL[m] ?? m).join(', ')}`;

function ShareCell({ share }: { share: number }) {
  return (
    <>
      <span className="share-bar" title={percent(share)}>
        <span style={{ width: percent(share) }} />
      </span>{' '}
      {percent(share)}
    </>
  );
}

/**
 * Lineage completeness over time: per day, the share of ended runs with data, code and environment recorded and of
 * model versions with their source run and training data. Each day opens onto the runs and versions behind it.
 */
export function LineageTrendPanel({ lineage }: { lineage: LineageTrend }) {
  return (
    <section data-testid="lineage-completeness">
      <h2>Lineage completeness over time</h2>
      {lineage.runs.length === 0 && lineage.versions.length === 0 ? (
        <p className="muted">No ended run or model version to judge yet.</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th>Day (UTC)</th>
              <th>What</th>
              <th className="num">With lineage</th>
              <th>Share</th>
              <th>Behind the figure</th>
            </tr>
          </thead>
          <tbody>
            {lineage.runs.map((d) => (
              <tr key={`runs-${d.day}`} data-kind="runs" data-day={d.day}>
                <td>{dayOf(d.day)}</td>
                <td>Runs</td>
                <td className="num">
                  {d.complete} / {d.judged}
                </td>
                <td>
                  <ShareCell share={d.share} />
                </td>
                <td>
                  <details>
                    <summary>
                      {d.judged} run{d.judged === 1 ? '' : 's'}
                    </summary>
                    <ul className="evidence-list">
                      {d.runs.map((r) => (
                        <li key={r.runId}>
                          <Link to={runPath(r.experimentId, r.runId)} data-run-id={r.runId}>
                            {r.runName || r.runId.slice(0, 8)}
                          </Link>{' '}
                          <span className="muted small">
                            {r.missing.length === 0 ? 'complete' : lacking(r.missing)}
                          </span>
                        </li>
                      ))}
                    </ul>
                  </details>
                </td>
              </tr>
            ))}
            {lineage.versions.map((d) => (
              <tr key={`versions-${d.day}`} data-kind="versions" data-day={d.day}>
                <td>{dayOf(d.day)}</td>
                <td>Model versions</td>
                <td className="num">
                  {d.complete} / {d.judged}
                </td>
                <td>
                  <ShareCell share={d.share} />
                </td>
                <td>
                  <details>
                    <summary>
                      {d.judged} version{d.judged === 1 ? '' : 's'}
                    </summary>
                    <ul className="evidence-list">
                      {d.versions.map((v) => (
                        <li key={`${v.modelName}/${v.version}`}>
                          <Link to={versionPagePath(v.modelName, v.version)}>
                            {v.modelName} v{v.version}
                          </Link>{' '}
                          <span className="muted small">
                            {v.missing.length === 0 ? 'complete' : lacking(v.missing)}
                          </span>
                        </li>
                      ))}
                    </ul>
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const mark = (present: boolean) => (present ? '✓' : '✗');

/** Of the versions in Production or actively deployed, which carry fairness checks, slice evaluations and approval. */
export function ValidationCoveragePanel({ coverage }: { coverage: ValidationCoverage }) {
  return (
    <section data-testid="validation-coverage">
      <div className="section-header">
        <h2>Validation coverage</h2>
        <span className="muted small" data-testid="validation-summary">
          {coverage.share === null
            ? 'No model version is in Production or deployed.'
            : `${coverage.covered} of ${coverage.serving} serving versions (${percent(coverage.share)}) have fairness checks, slice evaluations and an approval`}
        </span>
      </div>
      {coverage.versions.length > 0 && (
        <table className="data-table">
          <thead>
            <tr>
              <th>Model version</th>
              <th>Serving as</th>
              <th>Fairness</th>
              <th>Slices</th>
              <th>Approval</th>
            </tr>
          </thead>
          <tbody>
            {coverage.versions.map((v) => (
              <tr
                key={`${v.modelName}/${v.version}`}
                data-model={v.modelName}
                data-version={v.version}
                data-covered={v.missing.length === 0 ? 'yes' : 'no'}
              >
                <td>
                  <Link to={versionPagePath(v.modelName, v.version)}>
                    {v.modelName} v{v.version}
                  </Link>
                </td>
                <td>{v.reasons.map((r) => (r === 'production' ? 'Production' : 'deployed')).join(', ')}</td>
                <td className={v.fairness ? 'evidence-yes' : 'evidence-no'}>{mark(v.fairness)}</td>
                <td className={v.sliceEvaluation ? 'evidence-yes' : 'evidence-no'}>{mark(v.sliceEvaluation)}</td>
                <td className={v.approval ? 'evidence-yes' : 'evidence-no'}>{mark(v.approval)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
