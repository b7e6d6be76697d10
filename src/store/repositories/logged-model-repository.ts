import type { KeyValue } from '../../domain/tracking/entities.js';
import type { LoggedModel, LoggedModelMetric } from '../../domain/tracking/logged-model.js';
import type { LoggedModelFilesTable, LoggedModelsTable } from '../schema-logged-models.js';
import type { Executor } from '../store.js';
import { inChunks } from './chunks.js';

const PROXY_SCHEME = 'mlflow-artifacts:/';

export async function insertLoggedModel(db: Executor, row: LoggedModelsTable): Promise<void> {
  await db.insertInto('logged_models').values(row).execute();
}

export async function findLoggedModelRow(db: Executor, modelId: string): Promise<LoggedModelsTable | undefined> {
  return db.selectFrom('logged_models').selectAll().where('model_id', '=', modelId).executeTakeFirst();
}

export async function updateLoggedModelRow(
  db: Executor,
  modelId: string,
  changes: Partial<LoggedModelsTable>,
): Promise<void> {
  await db.updateTable('logged_models').set(changes).where('model_id', '=', modelId).execute();
}

export async function upsertLoggedModelValues(
  db: Executor,
  table: 'logged_model_tags' | 'logged_model_params',
  modelId: string,
  pairs: readonly KeyValue[],
): Promise<void> {
  // The last value of a key wins within one request, as it does across requests.
  const unique = [...new Map(pairs.map((p) => [p.key, p.value])).entries()];
  for (const chunk of inChunks(unique, 500)) {
    await db
      .insertInto(table)
      .values(chunk.map(([key, value]) => ({ model_id: modelId, key, value })))
      .onConflict((oc) => oc.columns(['model_id', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
      .execute();
  }
}

export async function deleteLoggedModelTag(db: Executor, modelId: string, key: string): Promise<boolean> {
  const result = await db
    .deleteFrom('logged_model_tags')
    .where('model_id', '=', modelId)
    .where('key', '=', key)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Keeps the latest point of each metric per run and dataset: the highest step, then the latest timestamp, then
 * the larger value, NaN never beating a number (the rule runs' latest metrics follow).
 */
export async function raiseLoggedModelMetric(db: Executor, modelId: string, metric: LoggedModelMetric): Promise<void> {
  const isNan = Number.isNaN(metric.value);
  await db
    .insertInto('logged_model_metrics')
    .values({
      model_id: modelId,
      key: metric.key,
      run_id: metric.runId ?? '',
      dataset_name: metric.datasetName ?? '',
      dataset_digest: metric.datasetDigest ?? '',
      value: isNan ? 0 : metric.value,
      is_nan: isNan ? 1 : 0,
      timestamp: metric.timestamp,
      step: metric.step,
    })
    .onConflict((oc) =>
      oc
        .columns(['model_id', 'key', 'run_id', 'dataset_name', 'dataset_digest'])
        .doUpdateSet((eb) => ({
          value: eb.ref('excluded.value'),
          is_nan: eb.ref('excluded.is_nan'),
          timestamp: eb.ref('excluded.timestamp'),
          step: eb.ref('excluded.step'),
        }))
        .where((eb) =>
          eb.or([
            eb('excluded.step', '>', eb.ref('logged_model_metrics.step')),
            eb.and([
              eb('excluded.step', '=', eb.ref('logged_model_metrics.step')),
              eb('excluded.timestamp', '>', eb.ref('logged_model_metrics.timestamp')),
            ]),
            eb.and([
              eb('excluded.step', '=', eb.ref('logged_model_metrics.step')),
              eb('excluded.timestamp', '=', eb.ref('logged_model_metrics.timestamp')),
              eb('excluded.is_nan', '=', 0),
              eb.or([
                eb('logged_model_metrics.is_nan', '=', 1),
                eb('excluded.value', '>', eb.ref('logged_model_metrics.value')),
              ]),
            ]),
          ]),
        ),
    )
    .execute();
}

export async function recordLoggedModelFile(db: Executor, row: LoggedModelFilesTable): Promise<void> {
  await db
    .insertInto('logged_model_files')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['model_id', 'path']).doUpdateSet((eb) => ({
        size: eb.ref('excluded.size'),
        sha256: eb.ref('excluded.sha256'),
        created_time: eb.ref('excluded.created_time'),
      })),
    )
    .execute();
}

/** Forgets the recorded files at or below a path of a model's folder ('' for all); answers the paths forgotten. */
export async function forgetLoggedModelFiles(db: Executor, modelId: string, pathPrefix: string): Promise<string[]> {
  const rows = await db
    .deleteFrom('logged_model_files')
    .where('model_id', '=', modelId)
    .$if(pathPrefix !== '', (qb) =>
      qb.where((eb) =>
        eb.or([
          eb('path', '=', pathPrefix),
          // substr instead of LIKE: file names may contain % or _, which must match literally.
          eb(eb.fn('substr', ['path', eb.val(1), eb.val(pathPrefix.length + 1)]), '=', `${pathPrefix}/`),
        ]),
      ),
    )
    .returning('path')
    .execute();
  return rows.map((r) => r.path);
}

export async function loggedModelFileDigests(
  db: Executor,
  modelId: string,
): Promise<Map<string, { size: number; sha256: string }>> {
  const rows = await db
    .selectFrom('logged_model_files')
    .select(['path', 'size', 'sha256'])
    .where('model_id', '=', modelId)
    .execute();
  return new Map(rows.map((r) => [r.path, { size: Number(r.size), sha256: r.sha256 }]));
}

/** Links runs to models they produced or used; linking again keeps the first link (and its step). */
export async function linkRunModels(
  db: Executor,
  links: { runId: string; modelId: string; direction: 'output' | 'input'; step: number | null; createdTime: number }[],
): Promise<void> {
  if (links.length === 0) return;
  await db
    .insertInto('run_model_links')
    .values(
      links.map((l) => ({
        run_id: l.runId,
        model_id: l.modelId,
        direction: l.direction,
        step: l.step,
        created_time: l.createdTime,
      })),
    )
    .onConflict((oc) => oc.columns(['run_id', 'direction', 'model_id']).doNothing())
    .execute();
}

/** The models a run produced, with the step each was logged at, oldest link first. */
export async function modelsProducedBy(db: Executor, runId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('run_model_links')
    .select('model_id')
    .where('run_id', '=', runId)
    .where('direction', '=', 'output')
    .orderBy('created_time')
    .orderBy('model_id')
    .execute();
  return rows.map((r) => r.model_id);
}

/** Full logged models for a page of rows: one query per child table, never one per model. */
export async function hydrateLoggedModels(db: Executor, rows: readonly LoggedModelsTable[]): Promise<LoggedModel[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.model_id);
  const [tags, params, metrics] = await Promise.all([
    db.selectFrom('logged_model_tags').selectAll().where('model_id', 'in', ids).orderBy('key').execute(),
    db.selectFrom('logged_model_params').selectAll().where('model_id', 'in', ids).orderBy('key').execute(),
    db
      .selectFrom('logged_model_metrics')
      .selectAll()
      .where('model_id', 'in', ids)
      .orderBy('key')
      .orderBy('run_id')
      .orderBy('dataset_name')
      .orderBy('dataset_digest')
      .execute(),
  ]);
  const group = <T extends { model_id: string }>(list: T[]) => {
    const byModel = new Map<string, T[]>();
    for (const item of list) {
      const entries = byModel.get(item.model_id) ?? [];
      entries.push(item);
      byModel.set(item.model_id, entries);
    }
    return byModel;
  };
  const tagsOf = group(tags);
  const paramsOf = group(params);
  const metricsOf = group(metrics);
  return rows.map((row) => ({
    modelId: row.model_id,
    experimentId: row.experiment_id,
    name: row.name,
    artifactUri: `${PROXY_SCHEME}${row.artifact_location}`,
    status: row.status,
    statusMessage: row.status_message,
    modelType: row.model_type,
    sourceRunId: row.source_run_id,
    lifecycleStage: row.lifecycle_stage,
    creationTime: Number(row.creation_time),
    lastUpdatedTime: Number(row.last_updated_time),
    tags: (tagsOf.get(row.model_id) ?? []).map((t) => ({ key: t.key, value: t.value })),
    params: (paramsOf.get(row.model_id) ?? []).map((p) => ({ key: p.key, value: p.value })),
    metrics: (metricsOf.get(row.model_id) ?? []).map((m) => ({
      key: m.key,
      value: m.is_nan ? Number.NaN : Number(m.value),
      timestamp: Number(m.timestamp),
      step: Number(m.step),
      runId: m.run_id === '' ? null : m.run_id,
      datasetName: m.dataset_name === '' ? null : m.dataset_name,
      datasetDigest: m.dataset_digest === '' ? null : m.dataset_digest,
    })),
  }));
}

/** The value of one tag of a logged model, if it has it. */
export async function findLoggedModelTag(db: Executor, modelId: string, key: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('logged_model_tags')
    .select('value')
    .where('model_id', '=', modelId)
    .where('key', '=', key)
    .executeTakeFirst();
  return row?.value;
}

/** A logged model's params, by key. */
export async function loggedModelParams(db: Executor, modelId: string): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('logged_model_params')
    .select(['key', 'value'])
    .where('model_id', '=', modelId)
    .execute();
  return new Map(rows.map((p) => [p.key, p.value]));
}

/** The live models a run produced or that name it as their source run, oldest first. */
export function liveModelRowsFromRun(db: Executor, runId: string): Promise<LoggedModelsTable[]> {
  return db
    .selectFrom('logged_models')
    .selectAll()
    .where('lifecycle_stage', '=', 'active')
    .where((eb) =>
      eb.or([
        eb('source_run_id', '=', runId),
        eb(
          'model_id',
          'in',
          eb
            .selectFrom('run_model_links')
            .select('model_id')
            .where('run_id', '=', runId)
            .where('direction', '=', 'output'),
        ),
      ]),
    )
    .orderBy('creation_time')
    .orderBy('model_id')
    .execute();
}

/** The links a run already has to these models, as `direction/model id`. */
export async function runModelLinksTo(db: Executor, runId: string, modelIds: readonly string[]): Promise<Set<string>> {
  const existing = await db
    .selectFrom('run_model_links')
    .select(['direction', 'model_id'])
    .where('run_id', '=', runId)
    .where('model_id', 'in', [...modelIds])
    .execute();
  return new Set(existing.map((e) => `${e.direction}/${e.model_id}`));
}
