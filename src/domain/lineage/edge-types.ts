import { invalid } from '../errors.js';
import type { NodeKind } from './node-id.js';

/** The edge types recorded in the graph. */
export const EDGE_TYPES = ['consumed', 'produced', 'derived_from', 'depends_on', 'deployed_to'] as const;
export type EdgeType = (typeof EDGE_TYPES)[number];
/** Every edge type a lineage read may return: the stored ones and `provides`, which is derived (see DERIVED_EDGES). */
export const LINEAGE_EDGE_TYPES = [...EDGE_TYPES, 'provides'] as const;
export type LineageEdgeType = (typeof LINEAGE_EDGE_TYPES)[number];

/**
 * Edges are stored in the direction data flows: `from` is upstream, `to` is downstream. The type names the
 * relation as read from the downstream side where that is the natural phrasing ("run consumed dataset version",
 * "feature derived_from dataset version", "model version depends_on environment") and from the upstream side for
 * `produced` and `deployed_to` ("run produced model version", "model version deployed_to deployment").
 * Each type allows only these (upstream kind → downstream kind) pairs, which keeps the graph meaningful.
 */
const ALLOWED: Record<LineageEdgeType, readonly (readonly [NodeKind, NodeKind])[]> = {
  consumed: [
    ['dataset_version', 'run'],
    ['model_version', 'run'],
    ['feature_version', 'run'],
    ['logged_model', 'run'],
  ],
  produced: [
    ['run', 'dataset_version'],
    ['run', 'model_version'],
    ['run', 'feature_version'],
    ['run', 'logged_model'],
  ],
  derived_from: [
    ['dataset_version', 'feature_version'],
    ['dataset_version', 'dataset_version'],
    ['feature_version', 'feature_version'],
    // A model version registered from an MLflow 3 LoggedModel stands for that model's files.
    ['logged_model', 'model_version'],
    // A run made to reproduce another (`mnemo reproduce --exec`).
    ['run', 'run'],
  ],
  depends_on: [
    ['feature_version', 'model_version'],
    ['environment', 'model_version'],
    ['code_ref', 'model_version'],
    ['code_ref', 'run'],
    ['environment', 'run'],
    ['code_ref', 'feature_version'],
    ['environment', 'deployment_target'],
  ],
  deployed_to: [
    ['model_version', 'deployment'],
    ['deployment', 'deployment_target'],
  ],
  // Read from what a target runs, never recorded (see DERIVED_EDGES).
  provides: [],
};

/**
 * Edges the graph derives when it is read instead of storing them, so they are never out of date: a model version's
 * declared packages (`package —depends_on→ model_version`, the specifier on the edge) and the packages in a
 * deployment target's current environment (`package —provides→ deployment_target`, read "the target provides
 * the package", the installed version on the edge). They cannot be recorded through the API.
 */
export const DERIVED_EDGES: readonly (readonly [LineageEdgeType, NodeKind, NodeKind])[] = [
  ['depends_on', 'package', 'model_version'],
  ['provides', 'package', 'deployment_target'],
];

export function isEdgeType(value: string): value is LineageEdgeType {
  return (LINEAGE_EDGE_TYPES as readonly string[]).includes(value);
}

export function checkEdge(type: EdgeType, from: NodeKind, to: NodeKind): void {
  if (from === 'package' || to === 'package') {
    throw invalid(
      'Edges of package nodes come from declared dependencies and target environments; they cannot be recorded',
    );
  }
  if (!ALLOWED[type].some(([f, t]) => f === from && t === to)) {
    const pairs = ALLOWED[type].map(([f, t]) => `${f} → ${t}`).join(', ');
    throw invalid(`A '${type}' edge cannot link ${from} → ${to}; it links ${pairs}`);
  }
}

/** Parses a comma-separated edge type filter; an absent or empty filter means every type. */
export function parseEdgeTypes(value: string | undefined, field = 'edgeTypes'): LineageEdgeType[] {
  if (value === undefined || value.trim() === '') return [...LINEAGE_EDGE_TYPES];
  const types = value.split(',').map((t) => t.trim());
  for (const type of types) {
    if (!isEdgeType(type)) throw invalid(`${field} may hold ${LINEAGE_EDGE_TYPES.join(', ')}; got '${type}'`);
  }
  return [...new Set(types as LineageEdgeType[])];
}
