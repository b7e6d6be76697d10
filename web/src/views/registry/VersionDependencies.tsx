import { registryApi, registryKeys } from '../../api/registry-client.js';
import type { CompatibilityByTargetJson, DeclaredDependenciesJson } from '../../api/types.js';
import { ErrorMessage, Loading } from '../../components/states.js';
import { useApiQuery } from '../../lib/use-api-query.js';

/**
 * What a version declares it needs and, for every deployment target with an environment, whether it can run there:
 * each violated constraint with the version found and why, and the declarations whose marker the target cannot decide.
 */
export function VersionDependencies({ name, version }: { name: string; version: number }) {
  const declared = useApiQuery(registryKeys.dependencies(name, version), (signal) =>
    registryApi.dependencies(name, version, signal),
  );
  const compatibility = useApiQuery(registryKeys.compatibility(name, version), (signal) =>
    registryApi.compatibility(name, version, signal),
  );
  return (
    <>
      <section data-testid="version-dependencies">
        <h2>Dependencies</h2>
        {declared.error ? (
          <ErrorMessage error={declared.error} onRetry={declared.reload} />
        ) : !declared.data ? (
          <Loading />
        ) : (
          <DeclarationsTable declared={declared.data.dependencies} />
        )}
      </section>
      <section data-testid="version-compatibility">
        <h2>Compatibility by target</h2>
        {compatibility.error ? (
          <ErrorMessage error={compatibility.error} onRetry={compatibility.reload} />
        ) : !compatibility.data ? (
          <Loading />
        ) : (
          <CompatibilityTable result={compatibility.data} />
        )}
      </section>
    </>
  );
}

function DeclarationsTable({ declared }: { declared: DeclaredDependenciesJson }) {
  if (declared.dependencies.length === 0) {
    return <p className="muted">Nothing declared: register the model with its requirements files, or declare them.</p>;
  }
  return (
    <table className="data-table">
      <thead>
        <tr>
          <th>Kind</th>
          <th>Package</th>
          <th>Constraint</th>
          <th>Only where</th>
          <th>From</th>
        </tr>
      </thead>
      <tbody>
        {declared.dependencies.map((d) => (
          <tr key={`${d.kind}:${d.name}:${d.specifier}:${d.marker ?? ''}`} data-dependency={d.name}>
            <td>{d.kind}</td>
            <td className="mono">{d.name}</td>
            <td className="mono">{d.specifier || 'any'}</td>
            <td className="mono small">{d.marker ?? ''}</td>
            <td className="muted small">
              {d.source.file === 'api'
                ? 'declared'
                : d.source.file === 'run_environment'
                  ? 'used by the source run'
                  : `${d.source.file}:${d.source.line}`}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function CompatibilityTable({ result }: { result: CompatibilityByTargetJson }) {
  if (result.targets.length === 0) return <p className="muted">No deployment target has an environment yet.</p>;
  return (
    <>
      <table className="data-table">
        <thead>
          <tr>
            <th>Target</th>
            <th>Runs there?</th>
            <th>Why not</th>
          </tr>
        </thead>
        <tbody>
          {result.targets.map((t) => (
            <tr key={t.target} data-target={t.target}>
              <td className="mono">{t.target}</td>
              <td data-testid="target-verdict">{t.compatible ? 'compatible' : 'incompatible'}</td>
              <td>
                <ul className="plain-list">
                  {t.violations.map((v) => (
                    <li key={`${v.package}:${v.specifier}`} data-violation={v.package}>
                      <span className="mono">
                        {v.package} {v.specifier}
                      </span>
                      : {v.why}
                    </li>
                  ))}
                  {t.unchecked.map((u) => (
                    <li key={`unchecked:${u.package}:${u.marker}`} className="muted">
                      <span className="mono">{u.package}</span> not checked: the target does not say whether{' '}
                      <span className="mono">{u.marker}</span>
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {result.truncated && <p className="muted">Only the first targets by name are shown.</p>}
    </>
  );
}
