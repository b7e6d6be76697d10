import type { QualityCheck } from '../lineage/dataset-version.js';
import type { CheckResult, Evaluation, ModelVersion, RegisteredModel } from '../registry/entities.js';
import type { Run } from '../tracking/entities.js';
import type { PolicyTarget } from './policy.js';

/** Where a version's approvals stand for a target, as the approval workflow reports it. */
export interface ApprovalState {
  required: boolean;
  approvals: number;
  needed: number;
  pendingRequestId?: string | undefined;
}

export interface TrainingDataset {
  namespace: string;
  name: string;
  version: string;
  qualityChecks: QualityCheck[];
}

export interface LineageFacts {
  /** Aspects of the version's story the lineage graph can tell (files, data, code, environment, features, …). */
  linked: Record<string, boolean>;
  missing: string[];
  score: number;
  /** Dataset versions upstream of the version: what it was trained on. */
  datasets: TrainingDataset[];
  /** What the version declares it depends on (`depends_on` edges into it). */
  dependencies: { kind: string; id: string; label: string }[];
}

/** Everything a policy may look at about one version, as loaded from the store. */
export interface VersionRecord {
  model: RegisteredModel;
  version: ModelVersion;
  run: Run | null;
  evaluations: Evaluation[];
  checks: CheckResult[];
  /** Set when something the version relied on changed after it was checked, until it is checked again. */
  needsRevalidation: boolean;
  metadataCompleteness: { score: number; missing: string[] };
  lineage: LineageFacts;
  approvals: ApprovalState | null;
}

/** The MLflow tag holding a run's description (its notes). */
const NOTE_TAG = 'mlflow.note.content';
const DAY = 24 * 60 * 60 * 1000;

const tagMap = (tags: readonly { key: string; value: string }[]) =>
  Object.fromEntries(tags.map((t) => [t.key, t.value]));

/**
 * The newest result of each check: a check recorded again (a fairness check re-run after a fix) replaces its earlier
 * result, identified by kind, name, slice and dataset version. Later recordings win; equal times keep list order.
 */
export function latestChecks(checks: readonly CheckResult[]): CheckResult[] {
  const latest = new Map<string, CheckResult>();
  for (const check of checks) {
    const key = JSON.stringify([check.kind, check.name, check.slice, check.datasetVersion]);
    const held = latest.get(key);
    if (!held || check.recordedTime >= held.recordedTime) latest.set(key, check);
  }
  return [...latest.values()];
}

/**
 * The attributes a model declares as protected, which fairness checks must cover: its metadata field
 * `protected_attributes` (a list) or, failing that, its tag of that name (comma-separated).
 */
export function protectedAttributes(model: Pick<RegisteredModel, 'metadata' | 'tags'>): string[] {
  const declared = model.metadata.protected_attributes ?? model.metadata.protectedAttributes;
  if (Array.isArray(declared)) return declared.filter((v): v is string => typeof v === 'string');
  const tag = model.tags.find((t) => t.key === 'protected_attributes')?.value;
  return tag === undefined
    ? []
    : tag
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
}

/**
 * The variables rules read, with names as CEL users write them (snake_case). Numbers are CEL doubles, times are
 * timestamps; maps that may lack a key are tested with `has(…)` or `"key" in map`.
 */
export function policyContext(record: VersionRecord, target: PolicyTarget, now: number): Record<string, unknown> {
  const { model, version, run } = record;
  const checks = latestChecks(record.checks);
  return {
    now: new Date(now),
    target: 'stage' in target ? { stage: target.stage, alias: '' } : { stage: '', alias: target.alias },
    model: {
      name: model.name,
      description: model.description ?? '',
      owner_team: model.ownerTeam ?? '',
      purpose: model.purpose ?? '',
      intended_use: model.intendedUse ?? '',
      limitations: model.limitations ?? '',
      regulatory_flags: model.regulatoryFlags,
      tags: tagMap(model.tags),
      metadata: model.metadata,
      protected_attributes: protectedAttributes(model),
    },
    version: {
      number: version.version,
      stage: version.stage,
      aliases: version.aliases,
      tags: tagMap(version.tags),
      metadata: version.metadata,
      description: version.description ?? '',
      release_notes: version.releaseNotes ?? '',
      source: version.source,
      user_id: version.userId,
      run_id: version.runId ?? '',
      creation_time: new Date(version.creationTime),
      age_days: Math.max(0, (now - version.creationTime) / DAY),
      has_signature: version.signature !== null,
      has_files: !version.sourceWithoutFiles,
      needs_revalidation: record.needsRevalidation,
      evaluations: record.evaluations.map((e) => ({
        metric: e.metric,
        value: e.value,
        slice: e.slice,
        dataset_version: e.datasetVersion ?? '',
      })),
      checks: checks.map((c) => ({
        kind: c.kind,
        name: c.name,
        passed: c.passed,
        value: c.value,
        threshold: c.threshold,
        slice: c.slice ?? '',
        dataset_version: c.datasetVersion ?? '',
        details: c.details,
      })),
      metadata_completeness: record.metadataCompleteness,
    },
    run: run
      ? {
          exists: true,
          id: run.info.runId,
          name: run.info.runName,
          experiment_id: run.info.experimentId,
          status: run.info.status,
          user_id: run.info.userId,
          metrics: Object.fromEntries(run.metrics.map((m) => [m.key, m.value])),
          params: tagMap(run.params),
          tags: tagMap(run.tags),
          note: run.tags.find((t) => t.key === NOTE_TAG)?.value ?? '',
        }
      : {
          exists: false,
          id: '',
          name: '',
          experiment_id: '',
          status: '',
          user_id: '',
          metrics: {},
          params: {},
          tags: {},
          note: '',
        },
    lineage: {
      score: record.lineage.score,
      missing: record.lineage.missing,
      complete: record.lineage.missing.length === 0,
      data_known: record.lineage.linked.data === true,
      code_known: record.lineage.linked.code === true,
      environment_known: record.lineage.linked.environment === true,
      datasets: record.lineage.datasets.map((d) => ({
        namespace: d.namespace,
        name: d.name,
        version: d.version,
        quality_checks: d.qualityChecks.map((q) => ({
          name: q.name,
          passed: q.passed,
          column: q.column ?? '',
          value: q.value,
        })),
        quality_passed: d.qualityChecks.length > 0 && d.qualityChecks.every((q) => q.passed),
      })),
      dependencies: record.lineage.dependencies,
    },
    approvals: record.approvals
      ? {
          required: record.approvals.required,
          count: record.approvals.approvals,
          needed: record.approvals.needed,
          satisfied: !record.approvals.required || record.approvals.approvals >= record.approvals.needed,
          pending_request: record.approvals.pendingRequestId ?? '',
        }
      : { required: false, count: 0, needed: 0, satisfied: true, pending_request: '' },
  };
}
