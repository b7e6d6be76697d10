import { type NodeKind, nodeId } from '../../../domain/lineage/node-id.js';

/**
 * Every lineage registration answers in one shape: the node's `kind`, the entity's `id`, its `nodeId` (always
 * `<kind>:<id>`), whether this call `created` it or found it already there, and the entity's details under one key
 * named after it (`datasetVersion`, `featureVersion`, `environment`, `codeRef`, `deploymentTarget`, `deployment`,
 * `modelVersion`). A client reads the same two fields whatever it registered.
 */
export function registration<K extends string, T>(
  kind: NodeKind,
  id: string,
  created: boolean,
  key: K,
  detail: T,
): { kind: NodeKind; id: string; nodeId: string; created: boolean } & Record<K, T> {
  return { kind, id, nodeId: nodeId(kind, id), created, [key]: detail } as {
    kind: NodeKind;
    id: string;
    nodeId: string;
    created: boolean;
  } & Record<K, T>;
}
