import { ownerKey } from '../../domain/collaboration/ownership.js';
import { LEGAL_HOLD_TAG } from '../../domain/retention/legal-hold.js';
import type { ArtifactStore } from '../../store/artifacts/artifact-store.js';
import { deleteOwners, findOwners } from '../../store/repositories/collaboration/owner-repository.js';
import { deleteReport, reportsOf } from '../../store/repositories/collaboration/report-repository.js';
import {
  type DeletedExperimentRow,
  type DeletedRunRow,
  type DeletedVersionRow,
  deletedExperiments,
  deletedRuns,
  deletedVersions,
  heldEntities,
  liveVersionsFromRun,
  loggedModelCount,
  type PurgeScope,
} from '../../store/repositories/retention/purge-candidates.js';
import {
  deleteExperimentRows,
  deleteRunRows,
  deleteVersionRows,
  lockExperiment,
  lockRun,
  lockVersion,
  runCount,
} from '../../store/repositories/retention/purge-rows.js';
import type { Executor, Store } from '../../store/store.js';
import { removeCommentsAbout, removeMilestonesOf } from '../collaboration/collaboration-cleanup.js';
import { rootOfArtifactUri } from '../tracking/artifact-service.js';
import type { UnitOfWork, WriteScope } from '../unit-of-work.js';

export type PurgeableType = 'experiment' | 'run' | 'model_version';

/** What became of one deleted entity. */
export interface CollectedItem {
  type: PurgeableType;
  id: string;
  /** The experiment's name, the model's name and version; absent for runs. */
  label?: string;
  deletedTime: number;
  outcome: 'purged' | 'would_purge' | 'kept';
  /** Why it was kept. */
  reason?: string;
  /** Where its artifacts were (or would be) removed from, below the artifact store's root. */
  artifacts?: string;
  /** Its rows are gone but its artifacts could not be removed: what went wrong. */
  artifactError?: string;
}

export interface CollectionReport {
  dryRun: boolean;
  retentionMs: number;
  /** Entities deleted at or before this time were eligible. */
  cutoff: number;
  items: CollectedItem[];
}

export interface CollectionOptions {
  retentionMs: number;
  scope: PurgeScope;
  dryRun: boolean;
}

interface GcDeps {
  store: Store;
  unitOfWork: UnitOfWork;
  artifacts: ArtifactStore;
  now: () => number;
}

/** An entity on the way: the reason it must stay, undefined when it may go. */
type KeepReason = string | undefined;

const WITHIN_RETENTION = 'deleted within the retention period';
const HELD = `on legal hold (tag ${LEGAL_HOLD_TAG})`;

/**
 * Permanently removes experiments, runs and model versions that were deleted longer ago than the retention period,
 * with their rows and artifacts, as `mlflow gc` does, but each removal is a `*.purge` audit event written in the
 * same transaction as the deletes, so `mnemo audit verify` tells a purge from rows deleted behind the log's back.
 *
 * Each entity goes in a transaction of its own, which locks its row (on PostgreSQL) and checks again that it may go:
 * a server writing meanwhile (restoring the run, registering a model from it, putting it on hold) either commits
 * first and the entity is kept, or waits and finds it gone. Artifacts are removed after the rows' commit: a failure
 * then leaves orphan files (reported), never rows vouching for files that are gone.
 */
export class GarbageCollector {
  constructor(private readonly deps: GcDeps) {}

  async collect(options: CollectionOptions): Promise<CollectionReport> {
    const db = this.deps.store.db;
    const cutoff = this.deps.now() - options.retentionMs;
    const report: CollectionReport = { dryRun: options.dryRun, retentionMs: options.retentionMs, cutoff, items: [] };
    const scoped = options.scope.runIds !== undefined || options.scope.experimentIds !== undefined;
    // Versions first: a run is kept while a live version is made from it, which deleted versions are not.
    if (!scoped) {
      for (const version of await deletedVersions(db)) report.items.push(await this.version(version, cutoff, options));
    }
    const runs = await deletedRuns(db, options.scope);
    const purgedRuns = new Map<string, number>();
    for (const run of runs) {
      const item = await this.run(run, cutoff, options);
      report.items.push(item);
      if (item.outcome !== 'kept') purgedRuns.set(run.experiment_id, (purgedRuns.get(run.experiment_id) ?? 0) + 1);
    }
    for (const experiment of await deletedExperiments(db, options.scope)) {
      report.items.push(await this.experiment(experiment, cutoff, options, purgedRuns.get(experiment.experiment_id)));
    }
    return report;
  }

  private async run(run: DeletedRunRow, cutoff: number, options: CollectionOptions): Promise<CollectedItem> {
    const root = runArtifactRoot(run.run_id, run.artifact_uri);
    const item: CollectedItem = { type: 'run', id: run.run_id, deletedTime: run.deleted_time, outcome: 'kept' };
    const planned = await runKeepReason(this.deps.store.db, run, cutoff);
    if (planned !== undefined) return { ...item, reason: planned };
    if (root !== undefined) item.artifacts = root;
    if (options.dryRun) return { ...item, outcome: 'would_purge' };
    const reason = await this.deps.unitOfWork.write(async ({ db, audit }) => {
      const locked = await lockRun(db, run.run_id);
      if (!locked || locked.lifecycle_stage !== 'deleted') return 'restored while collecting';
      const now = { ...run, deleted_time: Number(locked.deleted_time ?? run.deleted_time) };
      const why = await runKeepReason(db, now, cutoff);
      if (why !== undefined) return why;
      await removeCommentsAbout(db, audit, 'run', run.run_id);
      await deleteRunRows(db, run.run_id);
      audit({
        action: 'run.purge',
        entityKind: 'run',
        entityId: run.run_id,
        state: purgedState(now.deleted_time, this.deps.now(), options.retentionMs),
      });
      return undefined;
    });
    if (reason !== undefined) return { ...item, reason, artifacts: undefined };
    return { ...item, outcome: 'purged', ...(await this.removeArtifacts(root)) };
  }

  private async experiment(
    experiment: DeletedExperimentRow,
    cutoff: number,
    options: CollectionOptions,
    runsGoing = 0,
  ): Promise<CollectedItem> {
    const root = rootOfArtifactUri(experiment.artifact_location) || undefined;
    const item: CollectedItem = {
      type: 'experiment',
      id: experiment.experiment_id,
      label: experiment.name,
      deletedTime: experiment.deleted_time,
      outcome: 'kept',
    };
    const db = this.deps.store.db;
    // In a dry run the runs that would go are still there: they do not keep their experiment.
    const planned = await experimentKeepReason(db, experiment, cutoff, options.dryRun ? runsGoing : 0);
    if (planned !== undefined) return { ...item, reason: planned };
    if (root !== undefined) item.artifacts = root;
    if (options.dryRun) return { ...item, outcome: 'would_purge' };
    const reason = await this.deps.unitOfWork.write(async ({ db, audit }) => {
      const locked = await lockExperiment(db, experiment.experiment_id);
      if (!locked || locked.lifecycle_stage !== 'deleted') return 'restored while collecting';
      const now = { ...experiment, deleted_time: Number(locked.last_update_time) };
      const why = await experimentKeepReason(db, now, cutoff, 0);
      if (why !== undefined) return why;
      await deleteExperimentRows(db, experiment.experiment_id);
      await purgeOwners(db, audit, ownerKey('experiment', experiment.experiment_id));
      await purgeReports(db, audit, experiment.experiment_id);
      await removeMilestonesOf(db, audit, { kind: 'experiment', id: experiment.experiment_id });
      audit({
        action: 'experiment.purge',
        entityKind: 'experiment',
        entityId: experiment.experiment_id,
        state: purgedState(now.deleted_time, this.deps.now(), options.retentionMs),
      });
      return undefined;
    });
    if (reason !== undefined) return { ...item, reason, artifacts: undefined };
    return { ...item, outcome: 'purged', ...(await this.removeArtifacts(root)) };
  }

  private async version(version: DeletedVersionRow, cutoff: number, options: CollectionOptions) {
    const entityId = `${version.model_id}/${version.version}`;
    const item: CollectedItem = {
      type: 'model_version',
      id: entityId,
      label: `'${version.name}' v${version.version}`,
      deletedTime: version.deleted_time,
      outcome: 'kept',
    };
    const planned = await versionKeepReason(this.deps.store.db, version, cutoff);
    if (planned !== undefined) return { ...item, reason: planned };
    if (options.dryRun) return { ...item, outcome: 'would_purge' as const };
    const reason = await this.deps.unitOfWork.write(async ({ db, audit }) => {
      const locked = await lockVersion(db, version.model_id, version.version);
      if (!locked || locked.deleted_time === null) return 'restored while collecting';
      const why = await versionKeepReason(db, version, cutoff);
      if (why !== undefined) return why;
      await removeCommentsAbout(db, audit, 'model_version', entityId);
      // Its declared dependencies and revalidation flags go with it, named by the purge that vouches for them.
      const removed = await deleteVersionRows(db, version.model_id, version.version);
      audit({
        action: 'model_version.purge',
        entityKind: 'model_version',
        entityId,
        state: { ...purgedState(version.deleted_time, this.deps.now(), options.retentionMs), ...removed },
      });
      return undefined;
    });
    // A version's files are its source's (a run's or a logged model's artifacts): they go with their owner.
    return reason === undefined ? { ...item, outcome: 'purged' as const } : { ...item, reason };
  }

  private async removeArtifacts(root: string | undefined): Promise<Partial<CollectedItem>> {
    if (root === undefined) return {};
    try {
      await this.deps.artifacts.delete(root);
      return {};
    } catch (error) {
      return { artifactError: (error as Error).message };
    }
  }
}

async function runKeepReason(db: Executor, run: DeletedRunRow, cutoff: number): Promise<KeepReason> {
  if (run.deleted_time > cutoff) return WITHIN_RETENTION;
  if ((await heldEntities(db, 'run', [run.run_id])).size > 0) return HELD;
  if ((await heldEntities(db, 'experiment', [run.experiment_id])).size > 0) {
    return `its experiment ${run.experiment_id} is ${HELD}`;
  }
  const versions = await liveVersionsFromRun(db, run.run_id);
  if (versions.length > 0) return `source of registered model version ${versions.join(', ')}`;
  return undefined;
}

async function experimentKeepReason(
  db: Executor,
  experiment: DeletedExperimentRow,
  cutoff: number,
  runsGoing: number,
): Promise<KeepReason> {
  if (experiment.deleted_time > cutoff) return WITHIN_RETENTION;
  if ((await heldEntities(db, 'experiment', [experiment.experiment_id])).size > 0) return HELD;
  const runs = (await runCount(db, experiment.experiment_id)) - runsGoing;
  if (runs > 0) return `holds ${runs} run${runs === 1 ? '' : 's'} that ${runs === 1 ? 'is' : 'are'} kept`;
  const models = await loggedModelCount(db, experiment.experiment_id);
  if (models > 0) return `holds ${models} logged model${models === 1 ? '' : 's'}`;
  return undefined;
}

async function versionKeepReason(db: Executor, version: DeletedVersionRow, cutoff: number): Promise<KeepReason> {
  if (version.deleted_time > cutoff) return WITHIN_RETENTION;
  if ((await heldEntities(db, 'registered_model', [version.model_id])).size > 0) {
    return `its registered model '${version.name}' is ${HELD}`;
  }
  return undefined;
}

const purgedState = (deletedTime: number, purgedTime: number, retentionMs: number) =>
  ({ purged: true, deletedTime, purgedTime, retentionMs }) as const;

/**
 * The run's folder below the artifact root: `<experiment>/<run id>` when its artifacts sit in the usual
 * `<experiment>/<run id>/artifacts`, else its artifact folder itself; undefined when they are outside the store.
 */
function runArtifactRoot(runId: string, artifactUri: string): string | undefined {
  const root = rootOfArtifactUri(artifactUri);
  if (root === undefined || root === '') return undefined;
  const suffix = `/${runId}/artifacts`;
  return root.endsWith(suffix) ? root.slice(0, -'/artifacts'.length) : root;
}

/** Owners go with the experiment they own, recorded as if they had been cleared. */
async function purgeOwners(db: Executor, audit: WriteScope['audit'], key: string) {
  if (!(await findOwners(db, key))) return;
  await deleteOwners(db, key);
  audit({ action: 'owner.clear', entityKind: 'owner', entityId: key, state: { deleted: true } });
}

/** Reports go with the experiment they are pinned on, each recorded as deleted. */
async function purgeReports(db: Executor, audit: WriteScope['audit'], experimentId: string) {
  for (const report of await reportsOf(db, experimentId)) {
    await deleteReport(db, report.report_id);
    audit({ action: 'report.delete', entityKind: 'report', entityId: report.report_id, state: { deleted: true } });
  }
}
