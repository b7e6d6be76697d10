import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api } from '../../api/client.js';
import { queryKeys } from '../../api/queries.js';
import { registryApi, registryKeys } from '../../api/registry-client.js';
import type { CheckResult, Evaluation, ModelVersion } from '../../api/types.js';
import { CommentsPanel } from '../../components/CommentsPanel.js';
import { KeyValueTable } from '../../components/KeyValueTable.js';
import { LazyMarkdown } from '../../components/LazyMarkdown.js';
import { StageBadge } from '../../components/StageBadge.js';
import { ErrorMessage, Loading } from '../../components/states.js';
import { formatBytes, formatNumber, formatTime } from '../../lib/format.js';
import { lineagePath } from '../../lib/lineage/lineage-path.js';
import { useApiQuery } from '../../lib/use-api-query.js';
import { VersionPolicies } from '../governance/VersionPolicies.js';
import { modelPath } from './registry-paths.js';
import { VersionDependencies } from './VersionDependencies.js';
import { VersionCompleteness, VersionRequests, VersionRevalidation } from './VersionEvidence.js';

/**
 * One model version and the evidence behind it: where it came from (source run, logged model), why it must be
 * revalidated, its policy results, transition requests and metadata completeness, its files with their SHA-256, its
 * signature, evaluations per slice, fairness and drift checks, release notes, deprecation plan and stage history.
 */
export function VersionPage() {
  const { name = '', version: versionText = '' } = useParams();
  const number = Number(versionText);
  const version = useApiQuery(registryKeys.version(name, number), (signal) =>
    registryApi.version(name, number, signal),
  );
  if (version.error) {
    return (
      <div className="page">
        <ErrorMessage error={version.error} onRetry={version.reload} />
      </div>
    );
  }
  if (!version.data) return <Loading label="Loading version…" />;
  const v = version.data.modelVersion;
  return (
    <div className="page model-page" data-testid="version-page">
      <div className="page-header">
        <div>
          <div className="crumbs">
            <Link to="/models">Models</Link> / <Link to={modelPath(v.name)}>{v.name}</Link> /
          </div>
          <h1>
            {v.name} <span className="muted">v{v.version}</span> <StageBadge stage={v.stage} />
          </h1>
        </div>
        <span className="spacer" />
        <Link className="button" to="/requests">
          Requests
        </Link>
        <Link className="button" to={lineagePath(`model_version:${v.name}/${v.version}`)}>
          Lineage
        </Link>
      </div>
      <Provenance version={v} />
      {v.description && <LazyMarkdown source={v.description} />}
      <VersionRevalidation version={v} />
      <VersionPolicies version={v} />
      <VersionRequests version={v} />
      <VersionCompleteness version={v} />
      <EvidenceSections version={v} />
    </div>
  );
}

function Provenance({ version: v }: { version: ModelVersion }) {
  const run = useApiQuery(queryKeys.run(v.runId ?? ''), (signal) => api.run(v.runId ?? '', signal), {
    enabled: Boolean(v.runId),
  });
  const facts: [string, ReactNode][] = [
    [
      'Source run',
      v.runId ? (
        run.data ? (
          <Link
            key="run"
            to={`/experiments/${encodeURIComponent(run.data.run.experimentId)}/runs/${encodeURIComponent(v.runId)}`}
            data-testid="version-source-run"
          >
            {run.data.run.runName || v.runId}
          </Link>
        ) : (
          <span key="run" className="mono">
            {v.runId}
          </span>
        )
      ) : (
        '—'
      ),
    ],
    [
      'Logged model',
      v.loggedModelId ? (
        <Link key="lm" to={`/logged-models/${encodeURIComponent(v.loggedModelId)}`}>
          {v.loggedModelId}
        </Link>
      ) : (
        '—'
      ),
    ],
    [
      'Source',
      <span key="s" className="mono break-anywhere">
        {v.source}
      </span>,
    ],
    ['Author', v.userId || '—'],
    ['Aliases', v.aliases.length === 0 ? '—' : v.aliases.map((a) => `@${a}`).join(' ')],
    ['Registered', formatTime(v.creationTime)],
    [
      'Manifest digest',
      <span key="d" className="mono break-anywhere" data-testid="manifest-digest">
        {v.manifestDigest}
      </span>,
    ],
    ['Files', `${v.fileCount} · ${formatBytes(v.totalSize)}`],
    [
      'Deprecation',
      v.deprecation.deprecatedBy === null && v.deprecation.sunsetTime === null
        ? '—'
        : [
            v.deprecation.deprecatedBy !== null ? `replaced by v${v.deprecation.deprecatedBy}` : '',
            v.deprecation.sunsetTime !== null ? `sunset ${formatTime(v.deprecation.sunsetTime)}` : '',
          ]
            .filter(Boolean)
            .join(', '),
    ],
  ];
  return (
    <dl className="facts" data-testid="version-facts">
      {facts.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function EvidenceSections({ version: v }: { version: ModelVersion }) {
  const key = [v.name, v.version] as const;
  const manifest = useApiQuery(registryKeys.manifest(...key), (signal) => registryApi.manifest(...key, signal));
  const evaluations = useApiQuery(registryKeys.evaluations(...key), (signal) =>
    registryApi.evaluations(...key, signal),
  );
  const checks = useApiQuery(registryKeys.checks(...key), (signal) => registryApi.checks(...key, signal));
  const history = useApiQuery(registryKeys.history(...key), (signal) => registryApi.history(...key, signal));
  return (
    <>
      <CommentsPanel subject={{ kind: 'version', name: v.name, version: v.version }} />
      <section data-testid="version-checks">
        <h2>Fairness and drift checks</h2>
        {checks.error ? (
          <ErrorMessage error={checks.error} onRetry={checks.reload} />
        ) : !checks.data ? (
          <Loading />
        ) : (
          <ChecksTable checks={checks.data.checks} />
        )}
      </section>
      <section data-testid="version-evaluations">
        <h2>Evaluations</h2>
        {evaluations.error ? (
          <ErrorMessage error={evaluations.error} onRetry={evaluations.reload} />
        ) : !evaluations.data ? (
          <Loading />
        ) : (
          <EvaluationsTable evaluations={evaluations.data.evaluations} />
        )}
      </section>
      <section>
        <h2>Signature</h2>
        {v.signature ? (
          <KeyValueTable
            entries={[
              ['inputs', JSON.stringify(v.signature.inputs)],
              ['outputs', JSON.stringify(v.signature.outputs)],
            ]}
            empty="No signature recorded."
          />
        ) : (
          <p className="muted">No signature recorded.</p>
        )}
      </section>
      {v.releaseNotes && (
        <section>
          <h2>Release notes</h2>
          <LazyMarkdown source={v.releaseNotes} />
        </section>
      )}
      <VersionDependencies name={v.name} version={v.version} />
      <section data-testid="version-manifest">
        <h2>Files</h2>
        {manifest.error ? (
          <ErrorMessage error={manifest.error} onRetry={manifest.reload} />
        ) : !manifest.data ? (
          <Loading />
        ) : manifest.data.files.length === 0 ? (
          <p className="muted">The source held no files: this version vouches for no bytes.</p>
        ) : (
          <table className="data-table model-table">
            <thead>
              <tr>
                <th>Path</th>
                <th>Size</th>
                <th>SHA-256</th>
              </tr>
            </thead>
            <tbody>
              {manifest.data.files.map((file) => (
                <tr key={file.path} data-file={file.path}>
                  <td className="break-anywhere">{file.path}</td>
                  <td>{formatBytes(file.size)}</td>
                  <td className="mono small break-anywhere">{file.sha256}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section data-testid="version-history">
        <h2>Stage history</h2>
        {history.error ? (
          <ErrorMessage error={history.error} onRetry={history.reload} />
        ) : !history.data ? (
          <Loading />
        ) : history.data.transitions.length === 0 ? (
          <p className="muted">Never moved between stages.</p>
        ) : (
          <ol className="stage-history">
            {history.data.transitions.map((t) => (
              <li key={`${t.time}-${t.toStage}`}>
                {formatTime(t.time)}: {t.fromStage ?? 'None'} → <StageBadge stage={t.toStage} /> by{' '}
                <strong>{t.actor}</strong>
                {t.reason && <span className="muted"> — {t.reason}</span>}
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}

export function ChecksTable({ checks }: { checks: CheckResult[] }) {
  if (checks.length === 0) return <p className="muted">No checks recorded.</p>;
  return (
    <table className="data-table compact">
      <thead>
        <tr>
          <th>Kind</th>
          <th>Check</th>
          <th>Slice</th>
          <th>Value</th>
          <th>Threshold</th>
          <th>Result</th>
        </tr>
      </thead>
      <tbody>
        {checks.map((c) => (
          <tr key={`${c.kind}-${c.name}-${c.slice}-${c.recordedTime}`} data-check={c.name}>
            <td>{c.kind}</td>
            <td>{c.name}</td>
            <td>{c.slice ?? '—'}</td>
            <td>{formatNumber(c.value)}</td>
            <td>{formatNumber(c.threshold)}</td>
            <td>
              <span className={`badge ${c.passed ? 'check-passed' : 'check-failed'}`}>
                {c.passed ? 'passed' : 'failed'}
              </span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Evaluations as a metric × slice grid: one row per metric, one column per slice. */
export function EvaluationsTable({ evaluations }: { evaluations: Evaluation[] }) {
  if (evaluations.length === 0) return <p className="muted">No evaluations recorded.</p>;
  const slices = [...new Set(evaluations.map((e) => e.slice))].sort();
  const metrics = [...new Set(evaluations.map((e) => e.metric))].sort();
  const value = (metric: string, slice: string) =>
    evaluations.filter((e) => e.metric === metric && e.slice === slice).at(-1)?.value;
  return (
    <table className="data-table compact">
      <thead>
        <tr>
          <th>Metric</th>
          {slices.map((slice) => (
            <th key={slice}>{slice}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {metrics.map((metric) => (
          <tr key={metric} data-metric={metric}>
            <td>{metric}</td>
            {slices.map((slice) => (
              <td key={slice} data-slice={slice}>
                {formatNumber(value(metric, slice))}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
