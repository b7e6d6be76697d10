import { request } from './client.js';
import type { DatasetVersion, Impact, LineageNode, LineagePath, LineageWalk } from './types.js';

const q = encodeURIComponent;
export type WalkDirection = 'upstream' | 'downstream';

/**
 * The lineage graph as the UI reads it. Every answer has already been cut to what the caller may read by the server,
 * so nothing here filters or second-guesses it.
 */
export const lineageApi = {
  /** A dataset's versions, by `<namespace>:<name>`. */
  datasetVersions: (dataset: string, signal?: AbortSignal) =>
    request<{ datasetVersions: DatasetVersion[] }>(
      'GET',
      `/lineage/dataset-versions?dataset=${q(dataset)}`,
      undefined,
      signal,
    ),
  /** One node by its id or any name people know it by (`model_version:<model name>/<n>`, …). */
  node: (nodeId: string, signal?: AbortSignal) =>
    request<{ node: LineageNode }>('GET', `/lineage/nodes?nodeId=${q(nodeId)}`, undefined, signal),
  /** Nodes whose id or label contains `text`, newest first. */
  search: (text: string, signal?: AbortSignal) =>
    request<{ nodes: LineageNode[]; truncated: boolean }>(
      'GET',
      `/lineage/nodes/search?maxResults=20${text.trim() ? `&query=${q(text.trim())}` : ''}`,
      undefined,
      signal,
    ),
  /** Everything `depth` steps up- or downstream of a node, with the edges between them. */
  walk: (direction: WalkDirection, nodeId: string, depth: number, signal?: AbortSignal) =>
    request<LineageWalk>('GET', `/lineage/${direction}?nodeId=${q(nodeId)}&depth=${depth}`, undefined, signal),
  /** What a change to a node affects downstream, grouped by kind, each with the path that reaches it. */
  impact: (nodeId: string, signal?: AbortSignal) =>
    request<Impact>('GET', `/lineage/impact?nodeId=${q(nodeId)}&depth=50`, undefined, signal),
  /** The shortest chain of edges between two nodes, whichever way the data went. */
  path: (from: string, to: string, signal?: AbortSignal) =>
    request<LineagePath>('GET', `/lineage/path?from=${q(from)}&to=${q(to)}&depth=50`, undefined, signal),
};

/**
 * Where the server serves a model version's full provenance as W3C PROV-JSON; only model version nodes
 * (`model_version:<model id>/<version>`) have one.
 */
export function serverProvUrl(nodeId: string): string | null {
  const match = /^model_version:(.+)\/([1-9][0-9]*)$/.exec(nodeId);
  if (!match) return null;
  return `/api/v1/lineage/model-versions/${q(match[1]!)}/${match[2]}/prov`;
}
