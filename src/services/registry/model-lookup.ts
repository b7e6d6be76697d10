import { invalid, notFound } from '../../domain/errors.js';
import { findModelRow } from '../../store/repositories/registry/model-repository.js';
import { findVersionRow } from '../../store/repositories/registry/version-repository.js';
import type { ModelVersionsTable, RegisteredModelsTable } from '../../store/schema-registry.js';
import type { Executor } from '../../store/store.js';

export async function requireModel(db: Executor, name: string): Promise<RegisteredModelsTable> {
  const row = await findModelRow(db, name);
  if (!row) throw notFound(`Registered Model with name=${name} not found`);
  return row;
}

/** A live version; a deleted one is reported as such so the caller knows the number existed. */
export async function requireVersion(
  db: Executor,
  model: RegisteredModelsTable,
  version: number,
): Promise<ModelVersionsTable> {
  const row = await findVersionRow(db, model.model_id, version);
  if (!row) throw notFound(`Model Version (name=${model.name}, version=${version}) not found`);
  if (row.deleted_time !== null) {
    throw notFound(`Model Version (name=${model.name}, version=${version}) was deleted`);
  }
  return row;
}

/** Versions are addressed by positive integers; MLflow clients send them as strings. */
export function parseVersionNumber(raw: string | number): number {
  const text = String(raw);
  if (!/^[1-9][0-9]{0,8}$/.test(text)) {
    throw invalid(`Model version '${text}' is not a version number (1, 2, 3, …)`);
  }
  return Number(text);
}

export const modelEntityId = (model: RegisteredModelsTable): string => model.model_id;
export const versionEntityId = (model: RegisteredModelsTable, version: number): string =>
  `${model.model_id}/${version}`;
