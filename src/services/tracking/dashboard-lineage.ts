import { isReadable, type ReadableSet } from '../../domain/access/readable-set.js';
import {
  missingRunLineage,
  missingVersionLineage,
  RUN_LINEAGE_ASPECTS,
  type RunLineageFacts,
  VERSION_LINEAGE_ASPECTS,
} from '../../domain/dashboards/lineage-aspects.js';
import { lineageByDay } from '../../domain/dashboards/lineage-trend.js';
import { OVERALL_SLICE, type ServingReason, validationCoverage } from '../../domain/dashboards/validation-coverage.js';
import { CODE_TAGS, ENVIRONMENT_TAG_PREFIXES } from '../../domain/provenance/run-provenance.js';
import { isTerminalStatus, type RunStatus } from '../../domain/tracking/entities.js';
import type { WireLineageTrend, WireValidationCoverage } from '../../sdk/wire/dashboard-shapes.js';
import type { DashboardVersionRow } from '../../store/repositories/dashboard-lineage-repository.js';
import * as records from '../../store/repositories/dashboard-lineage-repository.js';
import type { Executor } from '../../store/store.js';

/** A run as a dashboard covers it. */
export interface CoveredRun {
  runId: string;
  runName: string;
  experimentId: string;
  status: RunStatus;
  startTime: number;
}

/**
 * Lineage completeness over time and validation coverage for the runs and model versions a dashboard covers.
 * Versions of models the caller may not read are dropped before anything is counted, and a version whose source run
 * lies in an experiment the caller may not read has its training data counted as unrecorded: whether that run
 * recorded its data is a fact about the hidden run.
 */
export async function lineageAndCoverage(
  db: Executor,
  runs: readonly CoveredRun[],
  candidateVersions: readonly DashboardVersionRow[],
  visible: { models: ReadableSet; experiments: ReadableSet },
): Promise<{ lineage: WireLineageTrend; validationCoverage: WireValidationCoverage }> {
  const versions = candidateVersions.filter((v) => isReadable(visible.models, v.modelId));
  const ended = runs.filter((run) => isTerminalStatus(run.status));
  const readableSource = (v: DashboardVersionRow) =>
    v.runId !== null && v.runExperimentId !== null && isReadable(visible.experiments, v.runExperimentId);
  const sourceRunIds = versions.flatMap((v) => (v.runId && readableSource(v) ? [v.runId] : []));
  const facts = await runFacts(db, [...new Set([...ended.map((r) => r.runId), ...sourceRunIds])]);
  const keys = versions.map((v) => records.versionKey(v.modelId, v.version));
  const [withFeatures, deployed, evidence] = await Promise.all([
    records.versionsWithFeatures(db, keys),
    records.versionsActivelyDeployed(db, keys),
    records.validationRecords(db, [...new Set(versions.map((v) => v.modelId))], OVERALL_SLICE),
  ]);

  const runById = new Map(ended.map((run) => [run.runId, run]));
  const runDays = lineageByDay(
    ended.map((run) => ({ id: run.runId, createdTime: run.startTime, missing: missingRunLineage(facts(run.runId)) })),
    RUN_LINEAGE_ASPECTS,
  ).map(({ entities, ...day }) => ({
    ...day,
    runs: entities.map(({ id, missing }) => {
      const run = runById.get(id)!;
      return { runId: id, runName: run.runName, experimentId: run.experimentId, missing };
    }),
  }));

  const versionByKey = new Map(versions.map((v) => [records.versionKey(v.modelId, v.version), v]));
  const versionDays = lineageByDay(
    versions.map((v) => {
      const key = records.versionKey(v.modelId, v.version);
      return {
        id: key,
        createdTime: v.creationTime,
        missing: missingVersionLineage({
          sourceRun: v.runId !== null && v.runId !== '',
          sourceRunData: v.runId && readableSource(v) ? !missingRunLineage(facts(v.runId)).includes('data') : false,
          featureDependency: withFeatures.has(key),
        }),
      };
    }),
    VERSION_LINEAGE_ASPECTS,
  ).map(({ entities, ...day }) => ({
    ...day,
    versions: entities.map(({ id, missing }) => {
      const v = versionByKey.get(id)!;
      return { modelName: v.modelName, version: v.version, missing };
    }),
  }));

  const serving = versions.flatMap((v) => {
    const key = records.versionKey(v.modelId, v.version);
    const reasons: ServingReason[] = [];
    if (v.stage === 'Production') reasons.push('production');
    if (deployed.has(key)) reasons.push('deployed');
    if (reasons.length === 0) return [];
    return [
      {
        modelName: v.modelName,
        version: v.version,
        stage: v.stage,
        reasons,
        fairness: evidence.fairness.has(key),
        sliceEvaluation: evidence.sliceEvaluation.has(key),
        approval: evidence.approval.has(key),
      },
    ];
  });
  return {
    lineage: { runs: runDays, versions: versionDays },
    validationCoverage: validationCoverage(serving),
  };
}

/** Reads the lineage records of these runs and answers each run's facts. */
async function runFacts(db: Executor, runIds: string[]): Promise<(runId: string) => RunLineageFacts> {
  const found = await records.runLineageRecords(db, runIds, [CODE_TAGS.commit, ...ENVIRONMENT_TAG_PREFIXES]);
  return (runId) => {
    const tags = found.tagKeys.get(runId) ?? new Set<string>();
    return {
      datasetInput: found.withDatasetInput.has(runId),
      upstream: found.upstream.get(runId) ?? new Set(),
      gitCommit: tags.has(CODE_TAGS.commit),
      environmentTag: [...tags].some((key) => ENVIRONMENT_TAG_PREFIXES.some((prefix) => key.startsWith(prefix))),
    };
  };
}
