import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isReadable, type ReadableSet } from '../../domain/access/readable-set.js';
import { MnemoError } from '../../domain/errors.js';
import type { AccessPolicy } from '../../services/access/access-policy.js';

/**
 * Node ids whose owner decides who sees them: runs and logged models by experiment, model versions by model, dataset
 * versions by dataset; and Marquez's `dataset:<namespace>:<name>`, which names a dataset's newest version.
 */
const OWNED_NODE = /^(run|logged_model|model_version|dataset_version|dataset):(.+)$/;
/** Fields of an answer's objects that name a node, and so make the object part of that node. */
const NODE_FIELDS = ['id', 'nodeId', 'from', 'to', 'origin', 'destination', 'node'];

/**
 * Lineage answers walk the graph across experiments, models and datasets, so the caller may be shown nodes it may not
 * read. Every lineage answer passes through here before it is sent: nodes of hidden runs, logged models, model
 * versions and dataset versions are removed, with the edges, steps and entries that name them, and a question asked about a hidden
 * node is refused as if about any resource the caller may not read.
 */
export function hideUnreadableLineage(app: FastifyInstance, policy: AccessPolicy): void {
  app.addHook('preValidation', async (request) => {
    const asked = askedNodes(request);
    if (asked.length === 0 || !(await needsFiltering(request))) return;
    const visibility = new NodeVisibility(request, policy);
    for (const id of asked) {
      if (!(await visibility.visible(id))) {
        throw new MnemoError(
          'PERMISSION_DENIED',
          `Permission denied: node '${id}' belongs to something you may not read`,
        );
      }
    }
  });
  app.addHook('preSerialization', async (request, _reply, payload) => {
    if (!(await needsFiltering(request))) return payload;
    const visibility = new NodeVisibility(request, policy);
    const ids = new Set<string>();
    collectOwnedIds(payload, ids);
    const hidden = new Set<string>();
    for (const id of ids) if (!(await visibility.visible(id))) hidden.add(id);
    if (hidden.size > 0) hideReachedThrough(payload, hidden);
    const owners: HiddenOwners = {
      modelId: await visibility.hiddenModelIds(payload),
      datasetId: await visibility.hiddenDatasetIds(payload),
    };
    const nothingHidden = hidden.size === 0 && Object.values(owners).every((ids) => ids.size === 0);
    return nothingHidden ? payload : prune(payload, hidden, owners);
  });
}

/**
 * Whether the caller may see each node an answer outside the lineage routes names (a revalidation flag's cause and
 * path); every node is visible to a caller who may read everything.
 */
export async function nodeVisibility(
  request: FastifyRequest,
  policy: AccessPolicy,
): Promise<{ visible(nodeId: string): Promise<boolean> }> {
  if (!(await needsFiltering(request))) return { visible: async () => true };
  const visibility = new NodeVisibility(request, policy);
  return { visible: (nodeId) => visibility.visible(nodeId) };
}

async function needsFiltering(request: FastifyRequest): Promise<boolean> {
  const sets = await Promise.all([
    request.readable('experiment'),
    request.readable('model'),
    request.readable('dataset'),
  ]);
  return sets.some((set) => set.kind !== 'all');
}

function askedNodes(request: FastifyRequest): string[] {
  const query = (request.query ?? {}) as Record<string, unknown>;
  return ['nodeId', 'from', 'to']
    .map((key) => query[key])
    .filter((value): value is string => typeof value === 'string' && OWNED_NODE.test(value));
}

class NodeVisibility {
  private experiments?: Promise<ReadableSet>;
  private models?: Promise<ReadableSet>;
  private datasets?: Promise<ReadableSet>;
  private readonly known = new Map<string, boolean>();

  constructor(
    private readonly request: FastifyRequest,
    private readonly policy: AccessPolicy,
  ) {}

  async visible(nodeId: string): Promise<boolean> {
    const cached = this.known.get(nodeId);
    if (cached !== undefined) return cached;
    const match = OWNED_NODE.exec(nodeId);
    let answer = true;
    if (match) {
      const [, kind, entityId = ''] = match;
      if (kind === 'model_version') answer = isReadable(await this.modelSet(), entityId.split('/')[0] ?? '');
      else if (kind === 'dataset_version' || kind === 'dataset') {
        const dataset =
          kind === 'dataset' ? await this.policy.datasetNamed(entityId) : await this.policy.datasetOfVersion(entityId);
        answer = dataset === undefined || isReadable(await this.datasetSet(), dataset.id);
      } else {
        const experimentId =
          kind === 'run'
            ? await this.policy.experimentOfRun(entityId)
            : await this.policy.experimentOfLoggedModel(entityId);
        answer = experimentId === undefined || isReadable(await this.experimentSet(), experimentId);
      }
    }
    this.known.set(nodeId, answer);
    return answer;
  }

  /** Registered model ids an answer names directly (an impact report's affected models) that are hidden. */
  async hiddenModelIds(payload: unknown): Promise<Set<string>> {
    const ids = new Set<string>();
    collectField(payload, 'modelId', ids);
    const set = await this.modelSet();
    return new Set([...ids].filter((id) => !isReadable(set, id)));
  }

  /** Dataset ids an answer names directly (a dataset version's record) that are hidden. */
  async hiddenDatasetIds(payload: unknown): Promise<Set<string>> {
    const ids = new Set<string>();
    collectField(payload, 'datasetId', ids);
    const set = await this.datasetSet();
    return new Set([...ids].filter((id) => !isReadable(set, id)));
  }

  private experimentSet(): Promise<ReadableSet> {
    this.experiments ??= this.request.readable('experiment');
    return this.experiments;
  }

  private datasetSet(): Promise<ReadableSet> {
    this.datasets ??= this.request.readable('dataset');
    return this.datasets;
  }

  private modelSet(): Promise<ReadableSet> {
    this.models ??= this.request.readable('model');
    return this.models;
  }
}

function collectOwnedIds(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    if (OWNED_NODE.test(value)) into.add(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectOwnedIds(item, into);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) collectOwnedIds(item, into);
  }
}

function collectField(value: unknown, field: string, into: Set<string>): void {
  if (Array.isArray(value)) for (const item of value) collectField(item, field, into);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === field && typeof item === 'string') into.add(item);
      else collectField(item, field, into);
    }
  }
}

/**
 * A reached node whose path runs through a hidden node was only found because of it (a deployment of a hidden model
 * version, reached from a package the version declares), so it is hidden too, with the edges that name it.
 */
function hideReachedThrough(value: unknown, hidden: Set<string>): void {
  if (Array.isArray(value)) for (const item of value) hideReachedThrough(item, hidden);
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.id === 'string' && Array.isArray(record.path)) {
      const through = record.path.some(
        (step) =>
          step &&
          typeof step === 'object' &&
          NODE_FIELDS.some((f) => hidden.has((step as Record<string, string>)[f] ?? '')),
      );
      if (through) hidden.add(record.id);
    }
    for (const item of Object.values(record)) hideReachedThrough(item, hidden);
  }
}

/** Per field naming an owner (`modelId`, `datasetId`), the owners whose objects an answer may not show. */
type HiddenOwners = Record<'modelId' | 'datasetId', Set<string>>;

/** A copy of the answer without the array entries that name a hidden node or owner. */
function prune(value: unknown, hidden: Set<string>, owners: HiddenOwners): unknown {
  if (Array.isArray(value)) {
    return value.filter((item) => !namesHidden(item, hidden, owners)).map((item) => prune(item, hidden, owners));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, prune(item, hidden, owners)]));
  }
  return value;
}

function namesHidden(item: unknown, hidden: Set<string>, owners: HiddenOwners): boolean {
  if (typeof item === 'string') return hidden.has(item);
  if (!item || typeof item !== 'object' || Array.isArray(item)) return false;
  const record = item as Record<string, unknown>;
  for (const [field, ids] of Object.entries(owners)) {
    if (typeof record[field] === 'string' && ids.has(record[field] as string)) return true;
  }
  return NODE_FIELDS.some((field) => typeof record[field] === 'string' && hidden.has(record[field] as string));
}
