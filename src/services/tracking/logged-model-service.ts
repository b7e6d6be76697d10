import { randomUUID } from 'node:crypto';
import { invalid, invalidState, notFound } from '../../domain/errors.js';
import type { AuditActionRecording } from '../../domain/provenance/audit-events/catalog.js';
import { runModelLinkState } from '../../domain/provenance/audit-events/logged-model-states.js';
import { LOGGED_MODEL_FILTER_SCHEMA } from '../../domain/search/filter-fields.js';
import { parseFilter } from '../../domain/search/filter-parser.js';
import {
  type LoggedModelOrderInput,
  parseDatasetRestrictions,
  parseLoggedModelOrder,
} from '../../domain/search/logged-model-order.js';
import { decodePageToken, encodePageToken } from '../../domain/search/page-token.js';
import type { KeyValue } from '../../domain/tracking/entities.js';
import { LIMITS, validateKey, validateLength } from '../../domain/tracking/limits.js';
import {
  checkLoggedModelId,
  checkStatusChange,
  type LoggedModel,
  loggedModelFolder,
  parseLoggedModelStatus,
  type RunModelOutput,
} from '../../domain/tracking/logged-model.js';
import { runNameFrom } from '../../domain/tracking/run-name.js';
import { findExperimentRow } from '../../store/repositories/experiment-repository.js';
import * as models from '../../store/repositories/logged-model-repository.js';
import { versionsFromLoggedModel } from '../../store/repositories/registry/version-repository.js';
import { findRunRow } from '../../store/repositories/run-repository.js';
import { searchLoggedModelRows } from '../../store/search/logged-model-search-query.js';
import type { Executor } from '../../store/store.js';
import { recordLoggedModelLineage, recordRunModelLineage } from '../lineage/logged-model-lineage.js';
import type { ServiceDeps } from '../service-deps.js';
import type { WriteScope } from '../unit-of-work.js';
import { rootOfArtifactUri } from './artifact-service.js';
import { loadLoggedModel, recordLoggedModelState, requireLoggedModel } from './logged-model-records.js';

export interface CreateLoggedModelInput {
  experimentId: string;
  name?: string | undefined;
  modelType?: string | undefined;
  sourceRunId?: string | undefined;
  params?: KeyValue[] | undefined;
  tags?: KeyValue[] | undefined;
}

export interface SearchLoggedModelsInput {
  experimentIds: string[];
  filter?: string | undefined;
  datasets?: { dataset_name?: string | undefined; dataset_digest?: string | undefined }[] | undefined;
  orderBy?: LoggedModelOrderInput[] | undefined;
  maxResults?: number | undefined;
  pageToken?: string | undefined;
}

/** MLflow's ceiling for one page of logged models. */
export const MAX_LOGGED_MODEL_RESULTS = 100;

/** Ids as MLflow 3 shapes them: `m-` and 32 hexadecimal characters. */
export const newLoggedModelId = (): string => `m-${randomUUID().replaceAll('-', '')}`;

/**
 * MLflow 3's LoggedModels: created pending, their files uploaded below their own folder of the experiment's
 * artifact location (see ArtifactService), then finalized. Every change records the model's whole new state.
 */
export class LoggedModelService {
  constructor(private readonly deps: ServiceDeps) {}

  async create(input: CreateLoggedModelInput): Promise<LoggedModel> {
    const params = checkPairs(input.params ?? [], 'params', LIMITS.paramValueLength);
    const tags = checkPairs(input.tags ?? [], 'tags', LIMITS.tagValueLength);
    const name = input.name?.trim() ? input.name : runNameFrom(Math.random);
    validateLength(name, LIMITS.runNameLength, 'name');
    const modelType = input.modelType ?? '';
    validateLength(modelType, LIMITS.runNameLength, 'model_type');
    const modelId = newLoggedModelId();
    const now = this.deps.now();
    return this.deps.unitOfWork.write(async (scope) => {
      const experiment = await findExperimentRow(scope.db, input.experimentId);
      if (!experiment) throw notFound(`Could not find experiment with ID ${input.experimentId}`);
      if (experiment.lifecycle_stage !== 'active') {
        throw invalidState(`Experiment ${input.experimentId} is deleted; restore it before logging models to it`);
      }
      const root = rootOfArtifactUri(experiment.artifact_location);
      if (root === undefined) throw invalidState(`Experiment ${input.experimentId} stores artifacts outside the root`);
      const sourceRunId = input.sourceRunId ? input.sourceRunId : null;
      if (sourceRunId !== null) {
        const run = await findRunRow(scope.db, sourceRunId);
        if (!run) throw notFound(`Run with id=${sourceRunId} not found`);
        if (run.lifecycle_stage !== 'active') throw invalidState(`Run ${sourceRunId} is deleted`);
      }
      await models.insertLoggedModel(scope.db, {
        model_id: modelId,
        experiment_id: input.experimentId,
        name,
        artifact_location: loggedModelFolder(root, modelId),
        status: 'LOGGED_MODEL_PENDING',
        status_message: null,
        model_type: modelType,
        source_run_id: sourceRunId,
        lifecycle_stage: 'active',
        creation_time: now,
        last_updated_time: now,
      });
      await models.upsertLoggedModelValues(scope.db, 'logged_model_params', modelId, params);
      await models.upsertLoggedModelValues(scope.db, 'logged_model_tags', modelId, tags);
      const created = await recordLoggedModelState(scope, modelId, 'logged_model.create');
      await recordLoggedModelLineage(scope, created, now);
      return created;
    });
  }

  async get(modelId: string): Promise<LoggedModel> {
    return loadLoggedModel(this.deps.store.db, checkLoggedModelId(modelId));
  }

  /** The registered model versions made from a model, oldest first (deleted ones left out). */
  async registrations(modelId: string): Promise<{ name: string; version: number }[]> {
    return versionsFromLoggedModel(this.deps.store.db, checkLoggedModelId(modelId));
  }

  /** The live models a run produced or that name it as their source run, oldest first. */
  async producedBy(runId: string): Promise<LoggedModel[]> {
    const db = this.deps.store.db;
    return models.hydrateLoggedModels(db, await models.liveModelRowsFromRun(db, runId));
  }

  /** Sets the status once the files are uploaded (or failed to upload), as `PATCH logged-models/<id>` does. */
  async finalize(modelId: string, status: string): Promise<LoggedModel> {
    const next = parseLoggedModelStatus(status);
    return this.mutate(modelId, 'logged_model.finalize', async (db, current) => {
      checkStatusChange(current.status as LoggedModel['status'], next);
      await models.updateLoggedModelRow(db, modelId, { status: next, last_updated_time: this.deps.now() });
    });
  }

  async setTags(modelId: string, tags: KeyValue[]): Promise<LoggedModel> {
    const valid = checkPairs(tags, 'tags', LIMITS.tagValueLength);
    return this.mutate(modelId, 'logged_model.set_tags', async (db) => {
      await models.upsertLoggedModelValues(db, 'logged_model_tags', modelId, valid);
    });
  }

  /** Params are written once, like a run's: logging a different value for a key is refused. */
  async logParams(modelId: string, params: KeyValue[]): Promise<LoggedModel> {
    const valid = checkPairs(params, 'params', LIMITS.paramValueLength);
    return this.mutate(modelId, 'logged_model.log_params', async (db) => {
      const stored = await models.loggedModelParams(db, modelId);
      for (const p of valid) {
        const old = stored.get(p.key);
        if (old !== undefined && old !== p.value) {
          throw invalid(
            `Changing param values is not allowed: param '${p.key}' of logged model ${modelId} is '${old}'`,
          );
        }
      }
      await models.upsertLoggedModelValues(db, 'logged_model_params', modelId, valid);
    });
  }

  async deleteTag(modelId: string, key: string): Promise<LoggedModel> {
    return this.mutate(modelId, 'logged_model.delete_tag', async (db) => {
      if (!(await models.deleteLoggedModelTag(db, modelId, key))) {
        throw notFound(`No tag with key '${key}' on logged model ${modelId}`);
      }
    });
  }

  /** Marks the model deleted: it leaves searches and answers 404, while its files and history stay. */
  async delete(modelId: string): Promise<LoggedModel> {
    return this.mutate(modelId, 'logged_model.delete', async (db) => {
      await models.updateLoggedModelRow(db, modelId, {
        lifecycle_stage: 'deleted',
        last_updated_time: this.deps.now(),
      });
    });
  }

  async search(input: SearchLoggedModelsInput): Promise<{ models: LoggedModel[]; nextPageToken?: string }> {
    const limit = input.maxResults ?? MAX_LOGGED_MODEL_RESULTS;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LOGGED_MODEL_RESULTS) {
      throw invalid(`max_results must be between 1 and ${MAX_LOGGED_MODEL_RESULTS}; got ${input.maxResults}`);
    }
    if (input.experimentIds.length === 0) throw invalid('experiment_ids must name at least one experiment');
    const offset = decodePageToken(input.pageToken);
    const db = this.deps.store.db;
    const rows = await searchLoggedModelRows(db, {
      experimentIds: input.experimentIds,
      filter: parseFilter(input.filter, LOGGED_MODEL_FILTER_SCHEMA),
      datasets: parseDatasetRestrictions(input.datasets),
      orderBy: parseLoggedModelOrder(input.orderBy),
      offset,
      limit: limit + 1,
    });
    const result: { models: LoggedModel[]; nextPageToken?: string } = {
      models: await models.hydrateLoggedModels(db, rows.slice(0, limit)),
    };
    if (rows.length > limit) result.nextPageToken = encodePageToken(offset + limit);
    return result;
  }

  /** The models a run produced (`runs/outputs`): each gets a `produced` edge from the run in the lineage graph. */
  async logOutputs(runId: string, outputs: RunModelOutput[]): Promise<void> {
    outputs.forEach((o, i) => {
      checkLoggedModelId(o.modelId);
      if (!Number.isSafeInteger(o.step)) throw invalid(`models[${i}].step must be an integer; got ${o.step}`);
    });
    await this.linkRun(
      runId,
      outputs.map((o) => ({ modelId: o.modelId, step: o.step, direction: 'output' as const })),
    );
  }

  /** The models a run used as inputs (`runs/log-inputs` with `models`). */
  async logModelInputs(runId: string, modelIds: string[]): Promise<void> {
    for (const id of modelIds) checkLoggedModelId(id);
    await this.linkRun(
      runId,
      modelIds.map((modelId) => ({ modelId, step: null, direction: 'input' as const })),
    );
  }

  private async linkRun(
    runId: string,
    links: { modelId: string; step: number | null; direction: 'output' | 'input' }[],
  ): Promise<void> {
    const now = this.deps.now();
    await this.deps.unitOfWork.write(async (scope) => {
      const run = await findRunRow(scope.db, runId);
      if (!run) throw notFound(`Run with id=${runId} not found`);
      if (run.lifecycle_stage !== 'active') throw invalidState(`Run ${runId} is deleted; restore it first`);
      for (const link of links) await requireLoggedModel(scope.db, link.modelId);
      const fresh = await newLinks(scope.db, runId, links);
      await models.linkRunModels(
        scope.db,
        fresh.map((l) => ({ ...l, runId, createdTime: now })),
      );
      for (const link of fresh) {
        const row = {
          run_id: runId,
          model_id: link.modelId,
          direction: link.direction,
          step: link.step,
          created_time: now,
        };
        scope.audit({
          action: 'run_model_link.create',
          entityKind: 'run_model_link',
          entityId: `${runId}/${link.direction}/${link.modelId}`,
          state: runModelLinkState(row),
        });
        await recordRunModelLineage(scope, runId, link.modelId, link.direction, now);
      }
    });
  }

  private async mutate(
    modelId: string,
    action: AuditActionRecording<'logged_model', LoggedModel>,
    change: (db: Executor, current: { status: string }) => Promise<void>,
  ): Promise<LoggedModel> {
    checkLoggedModelId(modelId);
    return this.deps.unitOfWork.write(async (scope) => {
      const current = await requireLoggedModel(scope.db, modelId);
      await change(scope.db, current);
      return recordLoggedModelState(scope, modelId, action);
    });
  }
}

/** Links not recorded yet, once each: a link is only ever created, so a repeated one changes nothing. */
async function newLinks<L extends { modelId: string; direction: 'output' | 'input' }>(
  db: Executor,
  runId: string,
  links: L[],
): Promise<L[]> {
  const unique = [...new Map(links.map((l) => [`${l.direction}/${l.modelId}`, l])).values()];
  if (unique.length === 0) return [];
  const known = await models.runModelLinksTo(
    db,
    runId,
    unique.map((l) => l.modelId),
  );
  return unique.filter((l) => !known.has(`${l.direction}/${l.modelId}`));
}

function checkPairs(pairs: KeyValue[], field: string, valueLimit: number): KeyValue[] {
  pairs.forEach((p, i) => {
    validateKey(p.key, `${field}[${i}].key`);
    validateLength(p.value, valueLimit, `${field}[${i}].value`);
  });
  return pairs;
}
