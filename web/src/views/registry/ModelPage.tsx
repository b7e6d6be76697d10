import { type ReactNode, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { fromWireNumber } from '../../../../src/sdk/wire/non-finite.js';
import { api } from '../../api/client.js';
import { queryKeys } from '../../api/queries.js';
import { registryApi, registryKeys } from '../../api/registry-client.js';
import type { ModelVersion, RegisteredModel, VersionStatus } from '../../api/types.js';
import { KeyValueTable } from '../../components/KeyValueTable.js';
import { LazyMarkdown } from '../../components/LazyMarkdown.js';
import { StageBadge } from '../../components/StageBadge.js';
import { Empty, ErrorMessage, Loading } from '../../components/states.js';
import { formatBytes, formatNumber, formatTime } from '../../lib/format.js';
import { useApiQuery } from '../../lib/use-api-query.js';
import { ModelCardEditor } from './ModelCardEditor.js';
import { compareVersionsPath, versionPagePath } from './registry-paths.js';
import { CompletenessBadge, VersionBadges } from './VersionBadges.js';

/**
 * One registered model: its card (what it is for, who owns it, its limits; editable by whoever may edit the model),
 * tags and aliases, and its versions with stage, aliases, key metrics, metadata completeness, revalidation flags,
 * policy verdicts and approval state (each badge linking to its evidence), author and files; two can be compared.
 */
export function ModelPage() {
  const { name = '' } = useParams();
  const model = useApiQuery(registryKeys.model(name), (signal) => registryApi.model(name, signal));
  const versions = useApiQuery(registryKeys.versions(name), (signal) => registryApi.versions(name, signal));
  if (model.error) {
    return (
      <div className="page">
        <ErrorMessage error={model.error} onRetry={model.reload} />
      </div>
    );
  }
  if (!model.data) return <Loading label="Loading model…" />;
  const registered = model.data.registeredModel;
  return (
    <div className="page model-page">
      <div className="page-header">
        <div>
          <div className="crumbs">
            <Link to="/models">Models</Link> /
          </div>
          <h1 data-testid="registered-model-name">{registered.name}</h1>
        </div>
      </div>
      <ModelCard model={registered} />
      <section data-testid="model-versions-section">
        <h2>Versions</h2>
        {versions.error ? (
          <ErrorMessage error={versions.error} onRetry={versions.reload} />
        ) : !versions.data ? (
          <Loading label="Loading versions…" />
        ) : versions.data.modelVersions.length === 0 ? (
          <Empty title="No versions yet" />
        ) : (
          <VersionsTable name={registered.name} versions={versions.data.modelVersions} />
        )}
      </section>
      {Object.keys(registered.tags).length > 0 && (
        <section>
          <h2>Tags</h2>
          <KeyValueTable entries={Object.entries(registered.tags)} empty="No tags." />
        </section>
      )}
    </div>
  );
}

function ModelCard({ model }: { model: RegisteredModel }) {
  const [editing, setEditing] = useState(false);
  const role = useApiQuery(queryKeys.effectiveRole('model', model.name), (signal) =>
    api.effectiveRole({ model: model.name }, signal),
  );
  const mayEdit = role.data?.role === 'editor' || role.data?.role === 'manager';
  const facts: [string, ReactNode][] = [
    ['Owner team', model.ownerTeam ?? '—'],
    ['Purpose', model.purpose ?? '—'],
    ['Task', model.taskType ?? '—'],
    ['Algorithm', model.algorithmFamily ?? '—'],
    ['Latency budget', model.latencyBudgetMs === null ? '—' : `${model.latencyBudgetMs} ms`],
    [
      'Regulatory flags',
      model.regulatoryFlags.length === 0
        ? '—'
        : model.regulatoryFlags.map((flag) => (
            <span key={flag} className="badge regulatory-flag">
              {flag}
            </span>
          )),
    ],
    [
      'Aliases',
      Object.keys(model.aliases).length === 0
        ? '—'
        : Object.entries(model.aliases).map(([alias, version]) => (
            <Link key={alias} className="alias-chip" to={versionPagePath(model.name, version)}>
              @{alias} → v{version}
            </Link>
          )),
    ],
    ['Updated', formatTime(model.lastUpdatedTime)],
  ];
  if (editing) return <ModelCardEditor model={model} onDone={() => setEditing(false)} />;
  return (
    <section className="model-card" data-testid="model-card">
      <div className="section-header">
        <h2>Model card</h2>
        <button
          type="button"
          onClick={() => setEditing(true)}
          disabled={!mayEdit}
          title={mayEdit ? 'Edit the model card' : 'Only editors and managers of this model may edit its card'}
        >
          Edit card
        </button>
      </div>
      {model.description ? <LazyMarkdown source={model.description} /> : <p className="muted">No description yet.</p>}
      <dl className="facts">
        {facts.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {model.intendedUse && (
        <>
          <h3>Intended use</h3>
          <LazyMarkdown source={model.intendedUse} />
        </>
      )}
      {model.limitations && (
        <>
          <h3>Limitations</h3>
          <LazyMarkdown source={model.limitations} />
        </>
      )}
    </section>
  );
}

function VersionsTable({ name, versions }: { name: string; versions: ModelVersion[] }) {
  const navigate = useNavigate();
  const [picked, setPicked] = useState<number[]>([]);
  const toggle = (version: number) =>
    setPicked((current) =>
      current.includes(version) ? current.filter((v) => v !== version) : [...current, version].slice(-2),
    );
  const [a, b] = [...picked].sort((x, y) => x - y);
  // The standing of the newest 100 versions, read in one request; older rows show their basic facts only.
  const status = useApiQuery(registryKeys.versionStatus(name), (signal) =>
    registryApi.versionStatus(name, undefined, signal),
  );
  const statusOf = new Map(status.data?.versions.map((s) => [s.version, s]));
  const keyMetrics = status.data?.keyMetrics ?? [];
  return (
    <>
      <div className="toolbar">
        <button
          type="button"
          disabled={a === undefined || b === undefined}
          onClick={() => a !== undefined && b !== undefined && navigate(compareVersionsPath(name, a, b))}
        >
          Compare selected
        </button>
        <span className="muted small">Pick two versions to compare them side by side.</span>
      </div>
      {status.error && <ErrorMessage error={status.error} onRetry={status.reload} />}
      <table className="data-table" data-testid="versions-table">
        <thead>
          <tr>
            <th aria-label="Pick" />
            <th>Version</th>
            <th>Stage</th>
            <th>Aliases</th>
            {keyMetrics.map((key) => (
              <th key={key} className="num" data-testid="key-metric-column">
                {key}
              </th>
            ))}
            <th title="Metadata completeness against the version schema">Metadata</th>
            <th>Flags</th>
            <th>Source run</th>
            <th>Author</th>
            <th>Files</th>
            <th>Registered</th>
          </tr>
        </thead>
        <tbody>
          {[...versions]
            .sort((x, y) => y.version - x.version)
            .map((v) => (
              <tr key={v.version} data-version={v.version}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Pick version ${v.version}`}
                    checked={picked.includes(v.version)}
                    onChange={() => toggle(v.version)}
                  />
                </td>
                <td>
                  <Link to={versionPagePath(name, v.version)}>v{v.version}</Link>
                  {v.deprecation.deprecatedBy !== null && (
                    <span className="badge badge-deprecated" title={`Deprecated by v${v.deprecation.deprecatedBy}`}>
                      deprecated
                    </span>
                  )}
                </td>
                <td>
                  <StageBadge stage={v.stage} />
                </td>
                <td>
                  {v.aliases.map((alias) => (
                    <span key={alias} className="alias-chip">
                      @{alias}
                    </span>
                  ))}
                </td>
                <StatusCells
                  name={name}
                  keyMetrics={keyMetrics}
                  status={statusOf.get(v.version)}
                  loading={!status.data}
                />
                <td className="mono small break-anywhere">{v.runId ?? '—'}</td>
                <td>{v.userId || '—'}</td>
                <td>
                  {v.fileCount} · {formatBytes(v.totalSize)}
                </td>
                <td>{formatTime(v.creationTime)}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </>
  );
}

/** A row's key metrics, completeness and badges; blank while loading, or for a version older than the page read. */
function StatusCells({
  name,
  keyMetrics,
  status,
  loading,
}: {
  name: string;
  keyMetrics: string[];
  status: VersionStatus | undefined;
  loading: boolean;
}) {
  const blank = loading ? '…' : '—';
  return (
    <>
      {keyMetrics.map((key) => (
        <td key={key} className="num" data-metric={key}>
          {status === undefined ? (
            blank
          ) : status.metrics.hidden ? (
            <span className="muted" title="The source run is in an experiment you may not read">
              hidden
            </span>
          ) : (
            formatNumber(
              status.metrics.values[key] === undefined ? undefined : fromWireNumber(status.metrics.values[key]),
            )
          )}
        </td>
      ))}
      <td>{status === undefined ? blank : <CompletenessBadge name={name} status={status} />}</td>
      <td>{status === undefined ? blank : <VersionBadges name={name} status={status} />}</td>
    </>
  );
}
