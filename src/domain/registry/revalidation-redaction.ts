import type { PathStep } from '../lineage/impact.js';
import type { RevalidationCause } from './revalidation.js';

/** What a flag names: its cause and the lineage path from the change to the version. */
export interface FlagMentions {
  cause: RevalidationCause;
  path: PathStep[];
}

const KIND_WORDS: Record<string, string> = {
  dataset: 'dataset',
  dataset_version: 'dataset',
  run: 'run',
  logged_model: 'logged model',
  model_version: 'model version',
  feature: 'feature',
  feature_version: 'feature',
};

/** The neutral name shown in place of a node the reader may not read: `a hidden dataset`, `a hidden run`. */
export function hiddenPlaceholder(nodeId: string): string {
  const kind = nodeId.slice(0, Math.max(0, nodeId.indexOf(':')));
  return `a hidden ${KIND_WORDS[kind] ?? 'lineage node'}`;
}

/**
 * A flag's cause and path as one reader may be told of them (by webhook or in the inbox): a node the reader may not
 * read is named only by a placeholder for its kind, and so is the run that made an edge. A step between two hidden
 * nodes is left out, so that how many hidden hops the change travelled through is not told either; and when the
 * cause's own nodes are hidden, its sentence (which names them) is replaced by a neutral one.
 */
export function redactFlagMentions(flag: FlagMentions, hidden: (nodeId: string) => boolean): FlagMentions {
  const name = (id: string) => (hidden(id) ? hiddenPlaceholder(id) : id);
  const path = flag.path
    .filter((step) => !(hidden(step.from) && hidden(step.to)))
    .map((step) => ({
      ...step,
      from: name(step.from),
      to: name(step.to),
      runId: step.runId !== null && hidden(`run:${step.runId}`) ? null : step.runId,
    }));
  const { cause } = flag;
  const upstreamHidden = hidden(cause.upstreamNodeId);
  const replacedHidden = hidden(cause.replacedNodeId);
  if (!upstreamHidden && !replacedHidden) return { cause, path };
  const placeholder = hiddenPlaceholder(upstreamHidden ? cause.upstreamNodeId : cause.replacedNodeId);
  return {
    cause: {
      kind: cause.kind,
      upstreamNodeId: name(cause.upstreamNodeId),
      upstreamLabel: upstreamHidden ? hiddenPlaceholder(cause.upstreamNodeId) : cause.upstreamLabel,
      replacedNodeId: name(cause.replacedNodeId),
      description: neutralDescription(cause.kind, placeholder),
    },
    path,
  };
}

function neutralDescription(kind: RevalidationCause['kind'], placeholder: string): string {
  switch (kind) {
    case 'new_dataset_version':
    case 'new_feature_version':
      return `A new version of ${placeholder} replaces the one the version was trained on`;
    case 'dataset_schema_change':
      return `The schema of ${placeholder}, which the version was trained on, changed`;
    case 'environment_change':
      return `The environment of ${placeholder} changed`;
  }
}
