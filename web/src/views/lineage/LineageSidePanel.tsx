import { Link } from 'react-router-dom';
import type { LineageNode } from '../../api/types.js';
import { ENTITY_STYLES } from '../../lib/lineage/entity-style.js';
import type { LineageGraph } from '../../lib/lineage/lineage-graph.js';
import { KIND_WORDS, lineageStory } from '../../lib/lineage/lineage-story.js';
import type { ViewNode } from '../../lib/lineage/node-groups.js';
import { datasetPath } from '../dataset-path.js';
import { EntityIcon } from './LineageNodeCard.js';
import type { Highlight } from './use-lineage-graph.js';

export interface SidePanelProps {
  graph: LineageGraph;
  focus: LineageNode;
  selected: ViewNode | null;
  highlight: Highlight;
  pathStart: string;
  busy: boolean;
  onImpact: (nodeId: string) => void;
  onPath: (from: string, to: string) => void;
  onPathStart: (nodeId: string) => void;
  onClearHighlight: () => void;
  onOpenGroup: (groupId: string) => void;
  onSelect: (nodeId: string) => void;
}

/** The page of the entity a node stands for, where Mnemo has one. */
export function entityPath(node: LineageNode): string | null {
  const a = node.attributes;
  const entity = node.id.slice(node.id.indexOf(':') + 1);
  if (node.kind === 'run' && typeof a.experimentId === 'string') {
    return `/experiments/${encodeURIComponent(a.experimentId)}/runs/${encodeURIComponent(entity)}`;
  }
  if (node.kind === 'model_version' && typeof a.modelName === 'string' && a.version !== undefined) {
    return `/models/${encodeURIComponent(a.modelName)}/versions/${encodeURIComponent(String(a.version))}`;
  }
  if (node.kind === 'logged_model') return `/logged-models/${encodeURIComponent(entity)}`;
  if (node.kind === 'dataset_version' && typeof a.namespace === 'string' && typeof a.name === 'string') {
    return datasetPath(a.namespace, a.name);
  }
  return null;
}

/**
 * Beside the graph: the selected node (or the starting one) told in plain words, what can be asked about it
 * (impact of a change, the path to another node), the answer to the last question, and a legend.
 */
export function LineageSidePanel(props: SidePanelProps) {
  const { graph, focus, selected, highlight, pathStart } = props;
  const subject = selected?.node ?? (selected ? null : focus);
  const story = subject ? lineageStory(graph, subject.id) : [];
  const startLabel = graph.nodes.get(pathStart)?.label ?? pathStart;
  return (
    <aside className="lineage-panel" aria-label="About this lineage">
      {selected?.members ? (
        <section>
          <h2>{selected.label}</h2>
          <button type="button" onClick={() => props.onOpenGroup(selected.id)}>
            Show all {selected.members.length} on the graph
          </button>
          <ul className="plain-list">
            {selected.members.slice(0, 20).map((m) => (
              <li key={m.id}>{m.label}</li>
            ))}
          </ul>
          {selected.members.length > 20 && <p className="muted">…and {selected.members.length - 20} more</p>}
        </section>
      ) : (
        subject && (
          <section>
            <h2>
              <EntityIcon kind={subject.kind} /> {subject.label}
            </h2>
            <p className="muted small">
              {KIND_WORDS[subject.kind] ?? subject.kind} · <code>{subject.id}</code>
            </p>
            <div className="lineage-story" data-testid="lineage-story">
              <h3>In plain words</h3>
              {story.map((sentence) => (
                <p key={sentence}>{sentence}</p>
              ))}
            </div>
            <div className="lineage-actions">
              {entityPath(subject) && <Link to={entityPath(subject) ?? ''}>Open its page</Link>}
              {subject.id !== focus.id && (
                <Link to={`/lineage?node=${encodeURIComponent(subject.id)}`}>Start from here</Link>
              )}
              <button type="button" disabled={props.busy} onClick={() => props.onImpact(subject.id)}>
                Impact of a change
              </button>
              {subject.id !== pathStart ? (
                <button type="button" disabled={props.busy} onClick={() => props.onPath(pathStart, subject.id)}>
                  Path from {startLabel}
                </button>
              ) : null}
              {subject.id !== pathStart && (
                <button type="button" className="link-button" onClick={() => props.onPathStart(subject.id)}>
                  Make this the path start
                </button>
              )}
            </div>
          </section>
        )
      )}
      {highlight && (
        <section data-testid={highlight.kind === 'impact' ? 'impact-summary' : 'path-summary'}>
          <h3>{highlight.kind === 'impact' ? 'Impact of a change' : 'Path'}</h3>
          {highlight.kind === 'impact' ? (
            <ImpactSummary highlight={highlight} graph={graph} />
          ) : highlight.path.found ? (
            <ol className="path-steps">
              {highlight.path.nodes.map((id) => (
                <li key={id}>
                  <button type="button" className="link-button" onClick={() => props.onSelect(id)}>
                    {graph.nodes.get(id)?.label ?? id}
                  </button>
                </li>
              ))}
            </ol>
          ) : (
            <p>No path links these two nodes (within what you may see).</p>
          )}
          <button type="button" onClick={props.onClearHighlight}>
            Clear
          </button>
        </section>
      )}
      <section className="lineage-legend">
        <h3>Legend</h3>
        <ul>
          {Object.entries(ENTITY_STYLES).map(([kind, style]) => (
            <li key={kind}>
              <EntityIcon kind={kind} size={16} /> {style.name}
            </li>
          ))}
        </ul>
      </section>
    </aside>
  );
}

function ImpactSummary({
  highlight,
  graph,
}: {
  highlight: Extract<Highlight, { kind: 'impact' }>;
  graph: LineageGraph;
}) {
  const r = highlight.report;
  const rows: [string, number][] = [
    ['runs', r.runs.length],
    ['dataset versions', r.datasetVersions.length],
    ['features', r.featureVersions.length],
    ['model versions', r.modelVersions.length],
    ['models', r.models.length],
    ['deployments', r.deployments.length],
    ['deployment targets', r.deploymentTargets.length],
  ];
  const total = highlight.nodes.size - 1;
  const root = graph.nodes.get(highlight.root)?.label ?? highlight.root;
  return (
    <>
      <p>
        A change to <strong>{root}</strong> reaches {total === 0 ? 'nothing downstream' : `${total} items downstream`}
        {r.truncated ? ' (and more beyond the depth read)' : ''}.
      </p>
      <ul className="plain-list">
        {rows
          .filter(([, n]) => n > 0)
          .map(([name, n]) => (
            <li key={name} data-impact={name}>
              {name}: <strong>{n}</strong>
            </li>
          ))}
      </ul>
    </>
  );
}
