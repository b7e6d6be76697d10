import type { Run } from '../../domain/tracking/entities.js';
import {
  combineRequirements,
  hasRequirements,
  missingItems,
  type RunRequirements,
} from '../../domain/tracking/run-requirements.js';
import { hydrateRuns } from '../../store/repositories/run-repository.js';
import * as requirements from '../../store/repositories/run-requirement-repository.js';
import type { RunsTable } from '../../store/schema.js';
import type { Executor } from '../../store/store.js';
import { requirementScopesOf } from './requirement-scope.js';

/**
 * Marks a run complete or incomplete, inside the write that changed it, against what its experiment requires (the
 * server's, its managing teams' and its own requirements together). Only FINISHED runs are judged: a failed or
 * killed run is not expected to carry a result, and a run still going may log the rest. A run judged before and no
 * longer finished, or whose requirements are all gone, loses its mark.
 */
export async function judgeCompleteness(db: Executor, run: Run, now: number): Promise<void> {
  if (run.info.status !== 'FINISHED') {
    if (run.completeness) await requirements.clearCompleteness(db, run.info.runId);
    return;
  }
  await judgeAgainst(db, run, await requirementsOf(db, run.info.experimentId), now);
}

/**
 * The same for a run known by its row, read whole only when something is required of it: a run in an experiment
 * that requires nothing (the usual case) costs one lookup of the requirements, not the reading of all it logged.
 */
export async function judgeRunRow(db: Executor, row: RunsTable, now: number): Promise<void> {
  const required = row.status === 'FINISHED' ? await requirementsOf(db, row.experiment_id) : undefined;
  if (!required || !hasRequirements(required)) {
    await requirements.clearCompleteness(db, row.run_id);
    return;
  }
  const [run] = await hydrateRuns(db, [row]);
  await judgeAgainst(db, run!, required, now);
}

/** Everything the runs of an experiment must carry, from every scope that applies. */
export async function requirementsOf(db: Executor, experimentId: string): Promise<RunRequirements> {
  const stored = await requirements.findRequirements(db, await requirementScopesOf(db, experimentId));
  return combineRequirements(stored.map((s) => s.requirements));
}

const PAGE = 500;

/**
 * Judges every finished run of these experiments again, a page at a time, after their requirements changed: so
 * `attributes.complete = false` answers for the requirements as they are now.
 */
export async function judgeExperimentsAgain(db: Executor, experimentIds: readonly string[], now: number) {
  for (const experimentId of experimentIds) {
    const required = await requirementsOf(db, experimentId);
    let after = '';
    for (;;) {
      const rows = await requirements.finishedRunsAfter(db, experimentId, after, PAGE);
      for (const run of await hydrateRuns(db, rows)) await judgeAgainst(db, run, required, now);
      if (rows.length < PAGE) break;
      after = rows.at(-1)!.run_id;
    }
  }
}

async function judgeAgainst(db: Executor, run: Run, required: RunRequirements, now: number): Promise<void> {
  if (!hasRequirements(required)) {
    if (run.completeness) await requirements.clearCompleteness(db, run.info.runId);
    return;
  }
  // The lineage graph is read only when it can make a difference: inputs reported by OpenLineage count too.
  const needsLineage = (required.datasetInput && run.inputs.length === 0) || required.dataQualityCheck;
  const lineage = needsLineage ? await requirements.lineageInputsOf(db, run.info.runId) : undefined;
  await requirements.saveCompleteness(db, run.info.runId, missingItems(run, required, lineage), now);
}
