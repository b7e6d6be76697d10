import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { registryApi, registryKeys } from '../../api/registry-client.js';
import type { ModelVersion, RegisteredModel } from '../../api/types.js';
import { StageBadge } from '../../components/StageBadge.js';
import { Empty, ErrorMessage, Loading } from '../../components/states.js';
import { formatAgo } from '../../lib/format.js';
import { useApiQuery } from '../../lib/use-api-query.js';
import { type FacetKey, facetCounts, matchesFacets, type SelectedFacets } from './model-facets.js';
import { modelPath, versionPagePath } from './registry-paths.js';

const FACET_TITLES: Record<FacetKey, string> = {
  stage: 'Stage',
  ownerTeam: 'Owner team',
  taskType: 'Task',
  algorithmFamily: 'Algorithm',
  regulatoryFlags: 'Regulatory',
};

/**
 * The registry: every model the caller may read, narrowed by name and by facets (stage reached, owner team, task,
 * algorithm, regulatory flags) whose counts follow the selection, each with its live stages and aliases.
 */
export function ModelsPage() {
  const [text, setText] = useState('');
  const [selected, setSelected] = useState<SelectedFacets>({});
  const models = useApiQuery(registryKeys.models(text), (signal) => registryApi.models(text, signal), {
    keepPrevious: true,
  });
  const versions = useApiQuery(registryKeys.allVersions(), (signal) => registryApi.allVersions(signal));
  const versionsByModel = useMemo(() => {
    const byModel = new Map<string, ModelVersion[]>();
    for (const v of versions.data?.modelVersions ?? []) byModel.set(v.name, [...(byModel.get(v.name) ?? []), v]);
    return byModel;
  }, [versions.data]);
  const all = models.data?.registeredModels ?? [];
  const shown = all.filter((m) => matchesFacets(m, versionsByModel.get(m.name) ?? [], selected));
  const counts = facetCounts(all, versionsByModel, selected);
  const toggle = (key: FacetKey, value: string) =>
    setSelected((current) => {
      const values = new Set(current[key] ?? []);
      if (values.has(value)) values.delete(value);
      else values.add(value);
      return { ...current, [key]: [...values] };
    });

  return (
    <div className="page registry-page">
      <div className="page-header">
        <h1>Models</h1>
        <input
          type="search"
          className="registry-search"
          aria-label="Search models by name"
          placeholder="Search models by name…"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </div>
      <div className="registry-layout">
        <aside className="facets" aria-label="Facets" data-testid="facets">
          {(Object.keys(FACET_TITLES) as FacetKey[]).map((key) =>
            counts[key].length === 0 ? null : (
              <fieldset key={key} className="facet">
                <legend>{FACET_TITLES[key]}</legend>
                {counts[key].map(({ value, count }) => (
                  <label key={value} className="facet-value" data-facet={`${key}:${value}`}>
                    <input
                      type="checkbox"
                      checked={selected[key]?.includes(value) ?? false}
                      onChange={() => toggle(key, value)}
                    />
                    <span>{value}</span>
                    <span className="muted small facet-count">{count}</span>
                  </label>
                ))}
              </fieldset>
            ),
          )}
        </aside>
        <section className="registry-results">
          {models.error ? (
            <ErrorMessage error={models.error} onRetry={models.reload} />
          ) : !models.data ? (
            <Loading label="Loading models…" />
          ) : shown.length === 0 ? (
            <Empty title={all.length === 0 ? 'No registered models yet' : 'No model matches'}>
              {all.length === 0 ? (
                <p>
                  Register one with <code>mnemo models register</code> or MLflow's <code>mlflow.register_model</code>.
                </p>
              ) : (
                <p>Clear a facet or change the search.</p>
              )}
            </Empty>
          ) : (
            <ModelsTable models={shown} versionsByModel={versionsByModel} />
          )}
        </section>
      </div>
    </div>
  );
}

function ModelsTable({
  models,
  versionsByModel,
}: {
  models: RegisteredModel[];
  versionsByModel: Map<string, ModelVersion[]>;
}) {
  return (
    <table className="data-table" data-testid="models-table">
      <thead>
        <tr>
          <th>Name</th>
          <th>Live stages</th>
          <th>Aliases</th>
          <th>Owner team</th>
          <th>Task</th>
          <th>Versions</th>
          <th>Updated</th>
        </tr>
      </thead>
      <tbody>
        {models.map((model) => {
          const versions = versionsByModel.get(model.name) ?? [];
          const staged = versions.filter((v) => v.stage === 'Production' || v.stage === 'Staging');
          return (
            <tr key={model.name} data-model={model.name}>
              <td>
                <Link to={modelPath(model.name)}>{model.name}</Link>
                {model.description && <div className="muted small clamp">{model.description}</div>}
              </td>
              <td>
                {staged.length === 0
                  ? '—'
                  : staged.map((v) => (
                      <Link key={v.version} to={versionPagePath(model.name, v.version)} className="stage-link">
                        <StageBadge stage={v.stage} /> v{v.version}
                      </Link>
                    ))}
              </td>
              <td>
                {Object.entries(model.aliases).map(([alias, version]) => (
                  <span key={alias} className="alias-chip">
                    @{alias} → v{version}
                  </span>
                ))}
              </td>
              <td>{model.ownerTeam ?? '—'}</td>
              <td>{model.taskType ?? '—'}</td>
              <td>{versions.length}</td>
              <td title={new Date(model.lastUpdatedTime).toISOString()}>{formatAgo(model.lastUpdatedTime)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
