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

const missing = async () => 'missing' as const;

/** An experiment named by id. */
export function experimentAt(part: Part, ...fields: string[]): ResourceLocator {
  return async (request) => {
    const id = field(request, part, fields);
    return id === undefined ? 'missing' : { kind: 'experiment', id };
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

/** A registered model named by name (its versions, aliases and tags are reached through it). */
export function modelAt(part: Part, ...fields: string[]): ResourceLocator {
  return async (request, policy) => {
    const name = field(request, part, fields);
    const id = name === undefined ? undefined : await policy.modelIdOf(name);
    return name === undefined || id === undefined ? 'missing' : { kind: 'model', id, name };
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
