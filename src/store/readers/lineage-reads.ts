import type { LineageDatasetVersionsTable, LineageEdgesTable, LineageFeatureVersionsTable } from '../schema-lineage.js';
import type { Executor } from '../store.js';

/** Dataset versions after `afterVersionId` in id order, each with its dataset's name (null when that row is gone). */
export function datasetVersionsAfter(
  db: Executor,
  afterVersionId: string,
  limit: number,
): Promise<(LineageDatasetVersionsTable & { namespace: string | null; name: string | null })[]> {
  return db
    .selectFrom('lineage_dataset_versions as v')
    .leftJoin('lineage_datasets as d', 'd.dataset_id', 'v.dataset_id')
    .selectAll('v')
    .select(['d.namespace', 'd.name'])
    .where('v.version_id', '>', afterVersionId)
    .orderBy('v.version_id')
    .limit(limit)
    .execute();
}

/** Feature versions after `afterId` in id order, each with its feature's name (null when that row is gone). */
export function featureVersionsAfter(
  db: Executor,
  afterId: string,
  limit: number,
): Promise<(LineageFeatureVersionsTable & { feature_name: string | null })[]> {
  return db
    .selectFrom('lineage_feature_versions as v')
    .leftJoin('lineage_features as f', 'f.feature_id', 'v.feature_id')
    .selectAll('v')
    .select('f.name as feature_name')
    .where('v.feature_version_id', '>', afterId)
    .orderBy('v.feature_version_id')
    .limit(limit)
    .execute();
}

type EdgeKey = Pick<LineageEdgesTable, 'from_node' | 'edge_type' | 'to_node'>;

/** Edges after `after` (from the first when undefined) in (from, type, to) order. */
export function edgesAfter(db: Executor, after: EdgeKey | undefined, limit: number): Promise<LineageEdgesTable[]> {
  let query = db.selectFrom('lineage_edges').selectAll();
  if (after) {
    query = query.where((eb) =>
      eb(
        eb.refTuple('from_node', 'edge_type', 'to_node'),
        '>',
        eb.tuple(after.from_node, after.edge_type, after.to_node),
      ),
    );
  }
  return query.orderBy('from_node').orderBy('edge_type').orderBy('to_node').limit(limit).execute();
}

/** Which of these edges are stored. */
export function storedEdges(db: Executor, edges: readonly EdgeKey[]): Promise<EdgeKey[]> {
  if (edges.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('lineage_edges')
    .select(['from_node', 'edge_type', 'to_node'])
    .where((eb) =>
      eb(
        eb.refTuple('from_node', 'edge_type', 'to_node'),
        'in',
        edges.map((edge) => eb.tuple(edge.from_node, edge.edge_type, edge.to_node)),
      ),
    )
    .execute();
}

/** Which of these nodes an edge leaves. */
export async function nodesWithEdgesFrom(db: Executor, nodeIds: readonly string[]): Promise<Set<string>> {
  const rows = await db
    .selectFrom('lineage_edges')
    .select('from_node')
    .distinct()
    .where('from_node', 'in', [...nodeIds])
    .execute();
  return new Set(rows.map((r) => r.from_node));
}
