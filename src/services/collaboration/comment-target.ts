import type { ProtectedResource } from '../../domain/access/access-decision.js';
import type { CommentEntityKind } from '../../domain/collaboration/comment.js';
import { MnemoError, notFound } from '../../domain/errors.js';
import type { NotificationInput } from '../../domain/notifications/notification.js';
import { datasetNamesById } from '../../store/repositories/lineage/dataset-version-repository.js';
import { findModelNameById, findModelRow } from '../../store/repositories/registry/model-repository.js';
import { findVersionRow } from '../../store/repositories/registry/version-repository.js';
import { findRunRow } from '../../store/repositories/run-repository.js';
import type { Executor } from '../../store/store.js';

/** What a request names a comment's subject by. */
export type CommentTarget =
  | { kind: 'run'; runId: string }
  | { kind: 'model_version'; modelName: string; version: number }
  | { kind: 'dataset'; datasetId: string };

/** A subject found: how comments file it, whose read access guards it, and how a notification speaks of it. */
export interface ResolvedTarget {
  entity: { kind: CommentEntityKind; id: string };
  resource: ProtectedResource;
  /** For a notification: "run 'bright-owl'", "fraud version 3". */
  label: string;
  link: string | undefined;
  notificationResource: NonNullable<NotificationInput['resource']>;
}

/** Finds what a request names; a run, live model version or dataset that does not exist is a 404. */
export async function resolveTarget(db: Executor, target: CommentTarget): Promise<ResolvedTarget> {
  if (target.kind === 'run') {
    const run = await findRunRow(db, target.runId);
    if (!run) throw notFound(`Run '${target.runId}' does not exist`);
    return {
      entity: { kind: 'run', id: run.run_id },
      resource: { kind: 'experiment', id: run.experiment_id },
      label: `run '${run.run_name || run.run_id}'`,
      link: `/experiments/${run.experiment_id}/runs/${run.run_id}`,
      notificationResource: { kind: 'run', name: run.run_name || run.run_id },
    };
  }
  if (target.kind === 'model_version') {
    const model = await findModelRow(db, target.modelName);
    const version = model && (await findVersionRow(db, model.model_id, target.version));
    if (!model || !version || version.deleted_time !== null) {
      throw notFound(`Model version '${target.modelName}' version ${target.version} does not exist`);
    }
    return versionTarget(model.model_id, model.name, target.version);
  }
  const name = (await datasetNamesById(db, [target.datasetId])).get(target.datasetId);
  if (name === undefined) throw notFound(`Dataset '${target.datasetId}' does not exist`);
  return {
    entity: { kind: 'dataset', id: target.datasetId },
    resource: { kind: 'dataset', id: target.datasetId, name },
    label: `dataset '${name}'`,
    link: `/datasets/${encodeURIComponent(name)}`,
    notificationResource: { kind: 'dataset', name },
  };
}

/** The subject of a stored comment, found again from how it was filed; undefined when it is gone. */
export async function resolveStored(
  db: Executor,
  entity: { kind: string; id: string },
): Promise<ResolvedTarget | undefined> {
  try {
    if (entity.kind === 'run') return await resolveTarget(db, { kind: 'run', runId: entity.id });
    if (entity.kind === 'dataset') return await resolveTarget(db, { kind: 'dataset', datasetId: entity.id });
    const [modelId, version] = entity.id.split('/');
    const name = modelId === undefined ? undefined : await findModelNameById(db, modelId);
    return name === undefined ? undefined : versionTarget(modelId!, name, Number(version));
  } catch (error) {
    if (error instanceof MnemoError && error.code === 'RESOURCE_DOES_NOT_EXIST') return undefined;
    throw error;
  }
}

function versionTarget(modelId: string, name: string, version: number): ResolvedTarget {
  return {
    // By the model's id, so a rename keeps the conversation.
    entity: { kind: 'model_version', id: `${modelId}/${version}` },
    resource: { kind: 'model', id: modelId, name },
    label: `${name} version ${version}`,
    link: `/models/${encodeURIComponent(name)}/versions/${version}`,
    notificationResource: { kind: 'model', name, version },
  };
}
