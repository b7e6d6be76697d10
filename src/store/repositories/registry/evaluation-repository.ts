import type { CheckKind, CheckResult, Evaluation } from '../../../domain/registry/entities.js';
import type { ModelVersionChecksTable, ModelVersionEvaluationsTable } from '../../schema-registry.js';
import type { Executor } from '../../store.js';
import { fromJsonColumn } from './json-column.js';

export async function insertEvaluations(db: Executor, rows: readonly ModelVersionEvaluationsTable[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('model_version_evaluations')
    .values([...rows])
    .execute();
}

export async function insertChecks(db: Executor, rows: readonly ModelVersionChecksTable[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('model_version_checks')
    .values([...rows])
    .execute();
}

export async function evaluationsOf(db: Executor, modelId: string, version: number): Promise<Evaluation[]> {
  const rows = await db
    .selectFrom('model_version_evaluations')
    .selectAll()
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .orderBy('recorded_time')
    .orderBy('metric')
    .orderBy('slice')
    .execute();
  return rows.map((row) => ({
    metric: row.metric,
    value: Number(row.value),
    slice: row.slice,
    datasetVersion: row.dataset_version,
    recordedTime: Number(row.recorded_time),
  }));
}

export async function checksOf(db: Executor, modelId: string, version: number): Promise<CheckResult[]> {
  const rows = await db
    .selectFrom('model_version_checks')
    .selectAll()
    .where('model_id', '=', modelId)
    .where('version', '=', version)
    .orderBy('recorded_time')
    .orderBy('kind')
    .orderBy('name')
    .execute();
  return rows.map((row) => ({
    kind: row.kind as CheckKind,
    name: row.name,
    passed: Number(row.passed) === 1,
    value: row.value === null ? null : Number(row.value),
    threshold: row.threshold === null ? null : Number(row.threshold),
    slice: row.slice,
    datasetVersion: row.dataset_version,
    details: fromJsonColumn<Record<string, unknown>>(row.details, {}),
    recordedTime: Number(row.recorded_time),
  }));
}
