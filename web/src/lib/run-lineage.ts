import { ApiError, api } from '../api/client.js';
import type { DatasetInput, LineageWalk } from '../api/types.js';

/** A dataset version the lineage graph says a run consumed or produced. */
export interface LineageDataset {
  nodeId: string;
  name: string;
  version: string;
  uri: string;
  digest: string | null;
  context: string | null;
}

/**
 * The datasets a run consumed and produced according to the lineage graph, which also holds what OpenLineage
 * events reported (those runs log no MLflow inputs). Inputs the run logged through MLflow are recorded in the graph
 * too; they are left out here (matched by digest) because the run's own input list already shows them. A run that
 * never reached the graph has no lineage node, which is no error.
 */
export async function runLineageDatasets(
  runId: string,
  logged: readonly DatasetInput[],
  signal: AbortSignal,
): Promise<{ inputs: LineageDataset[]; outputs: LineageDataset[] }> {
  const node = `run:${runId}`;
  try {
    const [up, down] = await Promise.all([
      api.lineageNeighbours('upstream', node, ['consumed'], signal),
      api.lineageNeighbours('downstream', node, ['produced'], signal),
    ]);
    const loggedDigests = new Set(logged.map((d) => d.digest));
    const inputs = datasets(up).filter((d) => d.digest === null || !loggedDigests.has(d.digest));
    return { inputs, outputs: datasets(down) };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return { inputs: [], outputs: [] };
    throw error;
  }
}

function datasets(walk: LineageWalk): LineageDataset[] {
  // How the run used a dataset (MLflow's training/evaluation context) rides on the edge between them.
  const contextOf = new Map<string, string>();
  for (const edge of walk.edges) {
    const context = edge.attributes?.context;
    if (typeof context === 'string') contextOf.set(edge.from, context);
  }
  return walk.nodes
    .filter((n) => n.kind === 'dataset_version' && n.depth === 1)
    .map((n) => {
      const text = (key: string) => (typeof n.attributes[key] === 'string' ? (n.attributes[key] as string) : null);
      const namespace = text('namespace');
      const name = text('name') ?? n.label;
      return {
        nodeId: n.id,
        name: namespace && namespace !== 'mlflow' ? `${namespace}/${name}` : name,
        version: text('version') ?? '',
        uri: text('uri') ?? '',
        digest: text('digest'),
        context: contextOf.get(n.id) ?? null,
      };
    });
}
