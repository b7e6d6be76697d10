import { sql } from 'kysely';
import type { LineageNode } from '../../../domain/lineage/graph.js';
import type { NodeKind } from '../../../domain/lineage/node-id.js';
import type { LineageNodesTable } from '../../schema-lineage.js';
import type { Executor } from '../../store.js';
import { inChunks } from '../chunks.js';
import { parseJson } from './json-columns.js';

const toRow = (node: LineageNode): LineageNodesTable => ({
  node_id: node.id,
  kind: node.kind,
  label: node.label,
  attributes: JSON.stringify(node.attributes),
  created_time: node.createdTime,
});

export const toNode = (row: LineageNodesTable): LineageNode => ({
  id: row.node_id,
  kind: row.kind,
  label: row.label,
  attributes: parseJson<Record<string, unknown>>(row.attributes, {}),
  createdTime: row.created_time,
});

/** Creates the node or refreshes its label and attributes; its creation time never changes. */
export async function upsertNode(db: Executor, node: LineageNode): Promise<void> {
  await db
    .insertInto('lineage_nodes')
    .values(toRow(node))
    .onConflict((oc) =>
      oc
        .column('node_id')
        .doUpdateSet((eb) => ({ label: eb.ref('excluded.label'), attributes: eb.ref('excluded.attributes') })),
    )
    .execute();
}

/** Creates the node only if it is not there yet: for nodes other parts of Mnemo own and describe better. */
export async function ensureNode(db: Executor, node: LineageNode): Promise<void> {
  await db
    .insertInto('lineage_nodes')
    .values(toRow(node))
    .onConflict((oc) => oc.column('node_id').doNothing())
    .execute();
}

export async function findNode(db: Executor, id: string): Promise<LineageNode | undefined> {
  const row = await db.selectFrom('lineage_nodes').selectAll().where('node_id', '=', id).executeTakeFirst();
  return row ? toNode(row) : undefined;
}

export async function findNodes(db: Executor, ids: readonly string[]): Promise<Map<string, LineageNode>> {
  const found = new Map<string, LineageNode>();
  for (const chunk of inChunks([...new Set(ids)], 5000)) {
    const rows = await db.selectFrom('lineage_nodes').selectAll().where('node_id', 'in', chunk).execute();
    for (const row of rows) found.set(row.node_id, toNode(row));
  }
  return found;
}

export async function listNodes(db: Executor): Promise<LineageNode[]> {
  const rows = await db.selectFrom('lineage_nodes').selectAll().orderBy('node_id').execute();
  return rows.map(toNode);
}

/** `%` and `_` in what a user typed are matched as themselves, not as wildcards. */
const likeLiteral = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Nodes of a kind, and/or whose id or label contains `text` (ignoring case), newest first. One more row than `limit`
 * is read so the caller can say whether the list was cut.
 */
export async function searchNodes(
  db: Executor,
  filter: { kind?: NodeKind | undefined; text?: string | undefined; limit: number },
): Promise<LineageNode[]> {
  let query = db.selectFrom('lineage_nodes').selectAll();
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.text) {
    const pattern = `%${likeLiteral(filter.text.toLowerCase())}%`;
    query = query.where((eb) =>
      eb.or([
        sql<boolean>`lower(${eb.ref('label')}) like ${pattern} escape '\\'`,
        sql<boolean>`lower(${eb.ref('node_id')}) like ${pattern} escape '\\'`,
      ]),
    );
  }
  const rows = await query
    .orderBy('created_time', 'desc')
    .orderBy('node_id')
    .limit(filter.limit + 1)
    .execute();
  return rows.map(toNode);
}
