import { invalid } from '../errors.js';

/**
 * Every vertex of the lineage graph is named `<kind>:<entity id>`, so one string says both what a node is and where
 * its details live. Model versions use `<model id>/<version>` as their entity id.
 */
export const NODE_KINDS = [
  'dataset_version',
  'feature_version',
  'environment',
  'code_ref',
  'run',
  'model_version',
  'logged_model',
  'deployment_target',
  'deployment',
  // A package of an ecosystem, `package:<pypi|npm>/<name>`: derived from declarations and environments, not stored.
  'package',
] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

export interface NodeRef {
  kind: NodeKind;
  entityId: string;
}

const MAX_NODE_ID_LENGTH = 300;

export const nodeId = (kind: NodeKind, entityId: string): string => `${kind}:${entityId}`;

export const modelVersionNodeId = (modelId: string, version: number): string =>
  nodeId('model_version', `${modelId}/${version}`);

/** `package:pypi/numpy`, `package:npm/@scope/name` (Python names normalised as PEP 503 says). */
export const packageNodeId = (ecosystem: 'pypi' | 'npm', name: string): string =>
  nodeId('package', `${ecosystem}/${name}`);

/** The ecosystem and name a package node stands for, or undefined when the id names no package. */
export function parsePackageNodeId(id: string): { ecosystem: 'pypi' | 'npm'; name: string } | undefined {
  const match = /^package:(pypi|npm)\/(.+)$/.exec(id);
  return match ? { ecosystem: match[1] as 'pypi' | 'npm', name: match[2] ?? '' } : undefined;
}

export function isNodeKind(value: string): value is NodeKind {
  return (NODE_KINDS as readonly string[]).includes(value);
}

/** Splits a node id, refusing ids of unknown kinds or without an entity part so queries never start nowhere. */
export function parseNodeId(value: string, field = 'nodeId'): NodeRef {
  if (value.length > MAX_NODE_ID_LENGTH) {
    throw invalid(`${field} must be at most ${MAX_NODE_ID_LENGTH} characters`);
  }
  const colon = value.indexOf(':');
  const kind = colon < 0 ? '' : value.slice(0, colon);
  const entityId = colon < 0 ? '' : value.slice(colon + 1);
  if (!isNodeKind(kind) || entityId === '') {
    throw invalid(`${field} must look like '<kind>:<id>' with kind one of ${NODE_KINDS.join(', ')}; got '${value}'`);
  }
  return { kind, entityId };
}

export const kindOf = (id: string): NodeKind => parseNodeId(id).kind;
