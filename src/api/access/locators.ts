import type { FastifyRequest } from 'fastify';
import type { ProtectedResource } from '../../domain/access/access-decision.js';
import type { ResourceLocator } from './route-access.js';

type Part = 'params' | 'query' | 'body';

/** The first of `fields` present as a non-empty string in the request's `part`. */
function field(request: FastifyRequest, part: Part, fields: readonly string[]): string | undefined {
  const source = request[part] as Record<string, unknown> | undefined;
  if (!source || typeof source !== 'object') return undefined;
  for (const name of fields) {
    const value = source[name];
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number') return String(value);
  }
  return undefined;
}

function list(request: FastifyRequest, part: Part, name: string): string[] {
  const source = request[part] as Record<string, unknown> | undefined;
  const value = source && typeof source === 'object' ? source[name] : undefined;
  if (typeof value === 'string' && value !== '') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : [];
}

const missing = async () => 'missing' as const;

/** An experiment named by id. */
export function experimentAt(part: Part, ...fields: string[]): ResourceLocator {
  return async (request) => {
    const id = field(request, part, fields);
    return id === undefined ? 'missing' : { kind: 'experiment', id };
  };
}

/** Several experiments named by id (a search over them): the role is needed on each. */
export function experimentsAt(part: Part, field: string): ResourceLocator {
  return async (request) => {
    const ids = list(request, part, field);
    return ids.length === 0 ? 'missing' : ids.map((id) => ({ kind: 'experiment', id }) as const);
  };
}

/** An experiment named by name. */
export function experimentNamed(part: Part, ...fields: string[]): ResourceLocator {
  return async (request, policy) => {
    const name = field(request, part, fields);
    const id = name === undefined ? undefined : await policy.experimentIdByName(name);
    return id === undefined ? 'missing' : { kind: 'experiment', id };
  };
}

/** The experiments of several runs named by id. */
export function runsAt(part: Part, field: string): ResourceLocator {
  return async (request, policy) => {
    const experimentIds = new Set<string>();
    for (const runId of list(request, part, field)) {
      const experimentId = await policy.experimentOfRun(runId);
      if (experimentId !== undefined) experimentIds.add(experimentId);
    }
    return experimentIds.size === 0 ? 'missing' : [...experimentIds].map((id) => ({ kind: 'experiment', id }) as const);
  };
}

/**
 * The experiment whose artifact folder holds a path of the artifact proxy; a path under no experiment (the root,
 * say) belongs to the server as a whole.
 */
export function artifactPathAt(part: Part, fieldName: string): ResourceLocator {
  return async (request, policy) => {
    const path = field(request, part, [fieldName]) ?? '';
    const experimentId = await policy.experimentOfArtifactPath(path);
    return experimentId === undefined ? { kind: 'global' } : { kind: 'experiment', id: experimentId };
  };
}

/**
 * The experiment a model version's files come from, read from its source: `runs:/<run>/…`, `models:/<logged model>`
 * or `mlflow-artifacts:/<path>`. Registering files is reading them, so a version cannot copy another team's work.
 */
export function versionSourceAt(part: Part, fieldName: string): ResourceLocator {
  return async (request, policy) => {
    const source = field(request, part, [fieldName]) ?? '';
    let experimentId: string | undefined;
    const run = /^runs:\/+([^/]+)/.exec(source);
    const model = /^models:\/+(m-[^/]+)/.exec(source);
    const artifacts = /^mlflow-artifacts:\/+(.*)$/.exec(source);
    if (run?.[1]) experimentId = await policy.experimentOfRun(run[1]);
    else if (model?.[1]) experimentId = await policy.experimentOfLoggedModel(model[1]);
    else if (artifacts) experimentId = await policy.experimentOfArtifactPath(artifacts[1] ?? '');
    return experimentId === undefined ? 'missing' : { kind: 'experiment', id: experimentId };
  };
}

/** The experiment of a run named by id. */
export function runAt(part: Part, ...fields: string[]): ResourceLocator {
  return async (request, policy) => {
    const runId = field(request, part, fields);
    const experimentId = runId === undefined ? undefined : await policy.experimentOfRun(runId);
    return experimentId === undefined ? 'missing' : { kind: 'experiment', id: experimentId };
  };
}

/** The experiment of a logged model named by id. */
export function loggedModelAt(part: Part, ...fields: string[]): ResourceLocator {
  return async (request, policy) => {
    const modelId = field(request, part, fields);
    const experimentId = modelId === undefined ? undefined : await policy.experimentOfLoggedModel(modelId);
    return experimentId === undefined ? 'missing' : { kind: 'experiment', id: experimentId };
  };
}

/** A registered model named by its id (lineage names model versions by model id). */
export function modelWithIdAt(part: Part, ...fields: string[]): ResourceLocator {
  return async (request, policy) => {
    const id = field(request, part, fields);
    const name = id === undefined ? undefined : await policy.modelNameOfId(id);
    return id === undefined || name === undefined ? 'missing' : { kind: 'model', id, name };
  };
}

/** A registered model named by name (its versions, aliases and tags are reached through it). */
export function modelAt(part: Part, ...fields: string[]): ResourceLocator {
  return async (request, policy) => {
    const name = field(request, part, fields);
    const id = name === undefined ? undefined : await policy.modelIdOf(name);
    return name === undefined || id === undefined ? 'missing' : { kind: 'model', id, name };
  };
}

/** The registered model of a transition request named by id. */
export function transitionRequestAt(part: Part, ...fields: string[]): ResourceLocator {
  return async (request, policy) => {
    const id = field(request, part, fields);
    const model = id === undefined ? undefined : await policy.modelOfTransitionRequest(id);
    return model === undefined ? 'missing' : { kind: 'model', id: model.id, name: model.name };
  };
}

/** The whole server: a global role (or admin) is needed. */
export const server: ResourceLocator = async () => ({ kind: 'global' }) satisfies ProtectedResource;

/** Tries locators in order and takes the first that names something: routes that accept either of two ids. */
export function firstOf(...locators: ResourceLocator[]): ResourceLocator {
  return async (request, policy) => {
    for (const locate of locators) {
      const found = await locate(request, policy);
      if (found !== 'missing') return found;
    }
    return missing();
  };
}

/**
 * A dataset named as `<namespace>:<name>` in `nameField`, or by `namespaceField` and `nameField` apart (the shape
 * dataset registrations use). A dataset that does not exist yet is `missing`.
 */
export function datasetAt(part: Part, nameField: string, namespaceField?: string): ResourceLocator {
  return async (request, policy) => {
    const name = field(request, part, [nameField]);
    const namespace = namespaceField === undefined ? undefined : field(request, part, [namespaceField]);
    if (name === undefined || (namespaceField !== undefined && namespace === undefined)) return missing();
    const found = await policy.datasetNamed(name, namespace);
    return found === undefined ? 'missing' : { kind: 'dataset', ...found };
  };
}

/** The dataset a dataset version (by id) belongs to. */
export function datasetVersionAt(part: Part, ...fields: string[]): ResourceLocator {
  return async (request, policy) => {
    const versionId = field(request, part, fields);
    const found = versionId === undefined ? undefined : await policy.datasetOfVersion(versionId);
    return found === undefined ? 'missing' : { kind: 'dataset', ...found };
  };
}
