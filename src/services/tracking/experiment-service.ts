import type { ReadableSet } from '../../domain/access/readable-set.js';
import { experimentLocationPath } from '../../domain/artifacts/experiment-location.js';
import { parseSensitiveKeys } from '../../domain/encryption/sensitive-keys.js';
import { alreadyExists, invalid, invalidState, notFound } from '../../domain/errors.js';
import type { AuditActionRecording } from '../../domain/provenance/audit-events/catalog.js';
import { parseExperimentFilter, parseOrderBy } from '../../domain/search/filter-parser.js';
import { decodePageToken, encodePageToken } from '../../domain/search/page-token.js';
import type { Experiment, KeyValue, ViewType } from '../../domain/tracking/entities.js';
import { LIMITS, validateKey, validateLength } from '../../domain/tracking/limits.js';
import { experimentDocument } from '../../domain/tracking/tracking-documents.js';
import * as experiments from '../../store/repositories/experiment-repository.js';
import { datasetsUsedByLiveRuns } from '../../store/repositories/experiment-run-summaries.js';
import { moveExperimentRuns } from '../../store/repositories/run-repository.js';
import { searchExperimentRows } from '../../store/search/experiment-search-query.js';
import type { Executor } from '../../store/store.js';
import { bindCreator } from '../access/permission-service.js';
import { SENSITIVE_KEYS_TAG } from '../encryption/sensitive-values.js';
import { newExperimentId } from '../ids.js';
import type { ServiceDeps } from '../service-deps.js';
import { enforceRules } from './tracking-rules.js';

export interface CreateExperimentInput {
  name: string;
  artifactLocation?: string | undefined;
  tags?: KeyValue[] | undefined;
}

export interface SearchExperimentsInput {
  filter?: string | undefined;
  orderBy?: string[] | undefined;
  maxResults?: number | undefined;
  pageToken?: string | undefined;
  viewType?: ViewType | undefined;
  /** The experiments the caller may read; everything when absent. */
  visible?: ReadableSet | undefined;
}

export const MAX_EXPERIMENT_RESULTS = 50_000;

/** An experiment's sensitive key patterns, beside the server's that apply to it too. */
export interface SensitiveKeysSetting {
  experimentId: string;
  patterns: string[];
  serverPatterns: string[];
  encryptionKeyConfigured: boolean;
}

const sensitiveKeysTagReserved = () =>
  invalid(
    `The tag '${SENSITIVE_KEYS_TAG}' holds the experiment's sensitive key patterns; ` +
      'change it through PUT /api/v1/experiments/{experimentId}/sensitive-keys',
  );

export class ExperimentService {
  constructor(private readonly deps: ServiceDeps) {}

  async create(input: CreateExperimentInput): Promise<Experiment> {
    const name = validateName(input.name);
    const tags = validateTags(input.tags ?? []);
    if (tags.some((tag) => tag.key === SENSITIVE_KEYS_TAG)) throw sensitiveKeysTagReserved();
    const experimentId = newExperimentId();
    // Every experiment's artifacts live under the server's artifact root, in a folder of their own.
    const chosen =
      input.artifactLocation === undefined || input.artifactLocation === ''
        ? undefined
        : experimentLocationPath(input.artifactLocation);
    const artifactLocation = `mlflow-artifacts:/${chosen ?? experimentId}`;
    const now = this.deps.now();
    return this.deps.unitOfWork.write(async ({ db, audit }) => {
      if (await experiments.findExperimentRowByName(db, name)) {
        throw alreadyExists(`Experiment '${name}' already exists.`);
      }
      const sharing = chosen === undefined ? undefined : await experiments.experimentStoredAround(db, chosen);
      if (sharing !== undefined) {
        throw invalid(
          `artifact_location '${input.artifactLocation}' overlaps the artifacts of experiment '${sharing}'; ` +
            'choose a folder of its own',
        );
      }
      await experiments.insertExperiment(db, {
        experiment_id: experimentId,
        name,
        artifact_location: artifactLocation,
        lifecycle_stage: 'active',
        creation_time: now,
        last_update_time: now,
      });
      await experiments.upsertExperimentTags(db, experimentId, tags);
      const created = await this.load(db, experimentId);
      await checkExperimentRules(db, created, { name, tags });
      audit({ action: 'experiment.create', entityKind: 'experiment', entityId: experimentId, state: created });
      await bindCreator({ db, audit }, 'experiment', experimentId, now);
      return created;
    });
  }

  async get(experimentId: string): Promise<Experiment> {
    return this.load(this.deps.store.db, experimentId);
  }

  async getByName(name: string): Promise<Experiment> {
    const row = await experiments.findExperimentRowByName(this.deps.store.db, name);
    if (!row) throw notFound(`Could not find experiment with name '${name}'`);
    const [experiment] = await experiments.hydrateExperiments(this.deps.store.db, [row]);
    return experiment!;
  }

  async rename(experimentId: string, newName: string): Promise<Experiment> {
    const name = validateName(newName);
    return this.mutate(experimentId, 'experiment.rename', async (db, current) => {
      if (current.lifecycleStage !== 'active') {
        throw invalidState(`Cannot rename experiment ${experimentId}: it is deleted. Restore it first.`);
      }
      const clash = await experiments.findExperimentRowByName(db, name);
      if (clash && clash.experiment_id !== experimentId) throw alreadyExists(`Experiment '${name}' already exists.`);
      await experiments.updateExperiment(db, experimentId, { name, last_update_time: this.deps.now() });
      await checkExperimentRules(db, await this.load(db, experimentId), { name });
    });
  }

  async delete(experimentId: string): Promise<Experiment> {
    if (experimentId === '0') throw invalid('The default experiment (id 0) cannot be deleted.');
    return this.mutate(experimentId, 'experiment.delete', async (db) => {
      await experiments.setLifecycle(db, experimentId, 'deleted', this.deps.now());
      await moveExperimentRuns(db, experimentId, 'active', {
        lifecycle_stage: 'deleted',
        deleted_time: this.deps.now(),
      });
    });
  }

  async restore(experimentId: string): Promise<Experiment> {
    return this.mutate(experimentId, 'experiment.restore', async (db, current) => {
      if (current.lifecycleStage !== 'deleted') {
        throw invalidState(`Cannot restore experiment ${experimentId}: it is not deleted.`);
      }
      await experiments.setLifecycle(db, experimentId, 'active', this.deps.now());
      await moveExperimentRuns(db, experimentId, 'deleted', { lifecycle_stage: 'active', deleted_time: null });
    });
  }

  async setTags(experimentId: string, tags: KeyValue[]): Promise<Experiment> {
    const valid = validateTags(tags);
    if (valid.some((tag) => tag.key === SENSITIVE_KEYS_TAG)) throw sensitiveKeysTagReserved();
    return this.mutate(experimentId, 'experiment.set_tags', async (db, current) => {
      if (current.lifecycleStage !== 'active') {
        throw invalidState(`Cannot tag experiment ${experimentId}: it is deleted. Restore it first.`);
      }
      await experiments.upsertExperimentTags(db, experimentId, valid);
      await experiments.updateExperiment(db, experimentId, { last_update_time: this.deps.now() });
      await checkExperimentRules(db, await this.load(db, experimentId), { tags: valid });
    });
  }

  async deleteTag(experimentId: string, key: string): Promise<Experiment> {
    if (key === SENSITIVE_KEYS_TAG) throw sensitiveKeysTagReserved();
    return this.mutate(experimentId, 'experiment.delete_tag', async (db) => {
      if (!(await experiments.deleteExperimentTag(db, experimentId, key))) {
        throw notFound(`No tag with key '${key}' on experiment ${experimentId}`);
      }
      await checkExperimentRules(db, await this.load(db, experimentId), {});
    });
  }

  /** The key patterns whose values runs of this experiment store encrypted: its own and the server's. */
  async sensitiveKeys(experimentId: string): Promise<SensitiveKeysSetting> {
    const experiment = await this.get(experimentId);
    return this.sensitiveKeysOf(experiment);
  }

  /**
   * Replaces the experiment's own sensitive key patterns (kept in its `mnemo.sensitive_keys` tag, which only this
   * changes); an empty list removes them. Values already stored keep their form until a rotation pass seals the ones
   * that became sensitive; values sealed before stay sealed when a pattern is removed.
   */
  async setSensitiveKeys(experimentId: string, patterns: readonly string[]): Promise<SensitiveKeysSetting> {
    const parsed = parseSensitiveKeys(patterns);
    if (!parsed.isEmpty && !this.deps.sensitive?.keys) {
      throw invalid(
        'This server has no encryption key, so values matching these patterns could not be stored: start it with ' +
          'MNEMO_ENCRYPTION_KEY or --encryption-key-file first',
      );
    }
    const value = parsed.patterns.join(',');
    validateLength(value, LIMITS.tagValueLength, 'patterns');
    const updated = await this.mutate(
      experimentId,
      parsed.isEmpty ? 'experiment.delete_tag' : 'experiment.set_tags',
      async (db, current) => {
        if (current.lifecycleStage !== 'active') {
          throw invalidState(`Cannot change experiment ${experimentId}: it is deleted. Restore it first.`);
        }
        if (parsed.isEmpty) await experiments.deleteExperimentTag(db, experimentId, SENSITIVE_KEYS_TAG);
        else await experiments.upsertExperimentTags(db, experimentId, [{ key: SENSITIVE_KEYS_TAG, value }]);
        await experiments.updateExperiment(db, experimentId, { last_update_time: this.deps.now() });
      },
    );
    return this.sensitiveKeysOf(updated);
  }

  private sensitiveKeysOf(experiment: Experiment): SensitiveKeysSetting {
    const own = experiment.tags.find((tag) => tag.key === SENSITIVE_KEYS_TAG)?.value;
    return {
      experimentId: experiment.experimentId,
      patterns: own === undefined ? [] : own.split(',').filter((p) => p !== ''),
      serverPatterns: [...(this.deps.sensitive?.serverKeys.patterns ?? [])],
      encryptionKeyConfigured: this.deps.sensitive?.keys !== undefined,
    };
  }

  async search(input: SearchExperimentsInput): Promise<{ experiments: Experiment[]; nextPageToken?: string }> {
    const limit = input.maxResults ?? 1000;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EXPERIMENT_RESULTS) {
      throw invalid(`max_results must be between 1 and ${MAX_EXPERIMENT_RESULTS}; got ${input.maxResults}`);
    }
    const offset = decodePageToken(input.pageToken);
    const db = this.deps.store.db;
    const rows = await searchExperimentRows(db, {
      filter: parseExperimentFilter(input.filter),
      orderBy: parseOrderBy(input.orderBy, 'experiment'),
      viewType: input.viewType ?? 'ACTIVE_ONLY',
      visible: input.visible,
      offset,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const result: { experiments: Experiment[]; nextPageToken?: string } = {
      experiments: await experiments.hydrateExperiments(db, page),
    };
    if (rows.length > limit) result.nextPageToken = encodePageToken(offset + limit);
    return result;
  }

  /**
   * The datasets runs of these experiments used (`experiments/search-datasets`): each name, digest and context once
   * per experiment, from live runs, at most 1,000 as MLflow answers.
   */
  async datasetSummaries(
    experimentIds: readonly string[],
  ): Promise<{ experimentId: string; name: string; digest: string; context: string | null }[]> {
    if (experimentIds.length === 0) return [];
    return datasetsUsedByLiveRuns(this.deps.store.db, experimentIds, 1000);
  }

  /** Loads an experiment, applies a change and records the new state, all in one transaction. */
  private async mutate(
    experimentId: string,
    action: AuditActionRecording<'experiment', Experiment>,
    change: (db: Executor, current: Experiment) => Promise<void>,
  ): Promise<Experiment> {
    return this.deps.unitOfWork.write(async ({ db, audit }) => {
      const current = await this.load(db, experimentId);
      await change(db, current);
      const updated = await this.load(db, experimentId);
      audit({ action, entityKind: 'experiment', entityId: experimentId, state: updated });
      return updated;
    });
  }

  private async load(db: Executor, experimentId: string): Promise<Experiment> {
    const row = await experiments.findExperimentRow(db, experimentId);
    if (!row) throw notFound(`Could not find experiment with ID ${experimentId}`);
    const [experiment] = await experiments.hydrateExperiments(db, [row]);
    return experiment!;
  }
}

/**
 * The server's rules for experiments, on the experiment as the write leaves it: the experiment naming rule, tag
 * vocabularies and the `experiment` metadata schema (`experiment:<name>`, else `experiment`; see
 * experimentDocument).
 */
async function checkExperimentRules(
  db: Executor,
  experiment: Experiment,
  change: { name?: string; tags?: readonly KeyValue[] },
): Promise<void> {
  await enforceRules(db, {
    kind: 'experiment',
    what: `Experiment '${experiment.name}'`,
    name: change.name,
    tags: change.tags,
    scope: experiment.name,
    document: async () => experimentDocument(experiment.name, experiment.tags),
  });
}

function validateName(name: string): string {
  if (typeof name !== 'string' || name.trim() === '') throw invalid('experiment name must be a non-empty string');
  validateLength(name, LIMITS.experimentNameLength, 'experiment name');
  return name;
}

function validateTags(tags: KeyValue[]): KeyValue[] {
  for (const tag of tags) {
    validateKey(tag.key, 'tag key');
    validateLength(tag.value, LIMITS.tagValueLength, `value of tag '${tag.key}'`);
  }
  return tags;
}
