import type { ReactNode } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { registryApi, registryKeys } from '../../api/registry-client.js';
import type { Evaluation, ModelVersion } from '../../api/types.js';
import { StageBadge } from '../../components/StageBadge.js';
import { ErrorMessage, Loading } from '../../components/states.js';
import { formatBytes, formatNumber, formatTime } from '../../lib/format.js';
import { useApiQuery } from '../../lib/use-api-query.js';
import { modelPath, versionPagePath } from './registry-paths.js';

/** Two versions of a model side by side: their facts, and every evaluation metric per slice with the change. */
export function VersionComparePage() {
  const { name = '' } = useParams();
  const [params] = useSearchParams();
  const a = Number(params.get('a'));
  const b = Number(params.get('b'));
  const left = useVersionEvidence(name, a);
  const right = useVersionEvidence(name, b);
  const failed = left.error ?? right.error;
  return (
    <div className="page model-page" data-testid="version-compare">
      <div className="page-header">
        <div>
          <div className="crumbs">
            <Link to="/models">Models</Link> / <Link to={modelPath(name)}>{name}</Link> /
          </div>
          <h1>
            v{a} compared with v{b}
          </h1>
        </div>
      </div>
      {failed ? (
        <ErrorMessage error={failed} />
      ) : !left.version || !right.version || !left.evaluations || !right.evaluations ? (
        <Loading label="Loading versions…" />
      ) : (
        <Comparison
          left={{ version: left.version, evaluations: left.evaluations }}
          right={{ version: right.version, evaluations: right.evaluations }}
        />
      )}
    </div>
  );
}

function useVersionEvidence(name: string, version: number) {
  const v = useApiQuery(registryKeys.version(name, version), (signal) => registryApi.version(name, version, signal));
  const e = useApiQuery(registryKeys.evaluations(name, version), (signal) =>
    registryApi.evaluations(name, version, signal),
  );
  return { version: v.data?.modelVersion, evaluations: e.data?.evaluations, error: v.error ?? e.error };
}

interface Side {
  version: ModelVersion;
  evaluations: Evaluation[];
}

function Comparison({ left, right }: { left: Side; right: Side }) {
  const rows: [string, (v: ModelVersion) => ReactNode][] = [
    ['Stage', (v) => <StageBadge stage={v.stage} />],
    ['Aliases', (v) => (v.aliases.length === 0 ? '—' : v.aliases.map((a) => `@${a}`).join(' '))],
    ['Source run', (v) => <span className="mono small">{v.runId ?? '—'}</span>],
    ['Author', (v) => v.userId || '—'],
    ['Registered', (v) => formatTime(v.creationTime)],
    ['Files', (v) => `${v.fileCount} · ${formatBytes(v.totalSize)}`],
    ['Manifest digest', (v) => <span className="mono small break-anywhere">{v.manifestDigest}</span>],
  ];
  const latest = (evaluations: Evaluation[], metric: string, slice: string) =>
    evaluations.filter((e) => e.metric === metric && e.slice === slice).at(-1)?.value;
  const pairs = [
    ...new Set([...left.evaluations, ...right.evaluations].map((e) => `${e.metric}\u0000${e.slice}`)),
  ].sort();
  return (
    <>
      <table className="data-table compare-table" data-testid="compare-facts">
        <thead>
          <tr>
            <th />
            <th>
              <Link to={versionPagePath(left.version.name, left.version.version)}>v{left.version.version}</Link>
            </th>
            <th>
              <Link to={versionPagePath(right.version.name, right.version.version)}>v{right.version.version}</Link>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, show]) => (
            <tr key={label}>
              <th>{label}</th>
              <td>{show(left.version)}</td>
              <td>{show(right.version)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Evaluations</h2>
      {pairs.length === 0 ? (
        <p className="muted">Neither version has evaluations.</p>
      ) : (
        <table className="data-table compact" data-testid="compare-evaluations">
          <thead>
            <tr>
              <th>Metric</th>
              <th>Slice</th>
              <th>v{left.version.version}</th>
              <th>v{right.version.version}</th>
              <th>Change</th>
            </tr>
          </thead>
          <tbody>
            {pairs.map((pair) => {
              const [metric = '', slice = ''] = pair.split('\u0000');
              const x = latest(left.evaluations, metric, slice);
              const y = latest(right.evaluations, metric, slice);
              const change = x !== undefined && y !== undefined ? y - x : undefined;
              return (
                <tr key={pair} data-row={`${metric} ${slice}`}>
                  <td>{metric}</td>
                  <td>{slice}</td>
                  <td>{formatNumber(x)}</td>
                  <td>{formatNumber(y)}</td>
                  <td className={change === undefined ? '' : change > 0 ? 'delta-up' : change < 0 ? 'delta-down' : ''}>
                    {change === undefined ? '—' : `${change > 0 ? '+' : ''}${formatNumber(change)}`}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
