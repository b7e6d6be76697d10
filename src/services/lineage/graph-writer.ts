import { notFound } from '../../domain/errors.js';
import { checkEdge, type EdgeType } from '../../domain/lineage/edge-types.js';
import type { LineageEdge, LineageNode } from '../../domain/lineage/graph.js';
import { nodeId, parseNodeId } from '../../domain/lineage/node-id.js';
import { insertEdge } from '../../store/repositories/lineage/edge-repository.js';
import { ensureNode, findNode, upsertNode } from '../../store/repositories/lineage/node-repository.js';
import { findRunRow } from '../../store/repositories/run-repository.js';
import type { RunsTable } from '../../store/schema.js';
import type { WriteScope } from '../unit-of-work.js';

export interface EdgeInput {
  from: string;
  to: string;
  type: EdgeType;
  runId?: string | null;
  eventId?: string | null;
  attributes?: Record<string, unknown>;
}

/** The audit log's id of an edge: the relation it states, as `<from> <type> <to>`. */
export const edgeEntityId = (edge: { from: string; type: string; to: string }): string =>
  `${edge.from} ${edge.type} ${edge.to}`;

/**
 * Records one edge inside the caller's transaction, after checking that its type may join these two kinds of node
 * and that both nodes exist. A new edge gets its own audit record; an edge already there is left as it was.
 */
export async function recordEdge(scope: WriteScope, input: EdgeInput, now: number): Promise<LineageEdge> {
  checkEdge(input.type, parseNodeId(input.from, 'from').kind, parseNodeId(input.to, 'to').kind);
  for (const id of [input.from, input.to]) {
    if (!(await findNode(scope.db, id))) throw notFound(`Lineage node ${id} does not exist`);
  }
  const edge: LineageEdge = {
    from: input.from,
    to: input.to,
    type: input.type,
    runId: input.runId ?? null,
    eventId: input.eventId ?? null,
    createdTime: now,
    attributes: input.attributes ?? {},
  };
  if (await insertEdge(scope.db, edge)) {
    scope.audit({
      action: 'lineage.edge.create',
      entityKind: 'lineage_edge',
      entityId: edgeEntityId(edge),
      state: edge,
    });
  }
  return edge;
}

export const runNodeAttributes = (run: RunsTable): Record<string, unknown> => ({
  runName: run.run_name,
  experimentId: run.experiment_id,
  userId: run.user_id,
  status: run.status,
  startTime: run.start_time,
  endTime: run.end_time,
});

/** Makes sure a tracking run has its node in the graph, so edges can point at it. */
export async function ensureRunNode(scope: WriteScope, runId: string, extra: Record<string, unknown> = {}) {
  const run = await findRunRow(scope.db, runId);
  if (!run) throw notFound(`Run with id=${runId} not found`);
  const node: LineageNode = {
    id: nodeId('run', runId),
    kind: 'run',
    label: run.run_name,
    attributes: { ...runNodeAttributes(run), ...extra },
    createdTime: run.start_time,
  };
  if (Object.keys(extra).length > 0) await upsertNode(scope.db, node);
  else await ensureNode(scope.db, node);
  return node.id;
}
