import type { Run } from '../../domain/tracking/entities.js';
import { combineRequirements, hasRequirements, missingItems } from '../../domain/tracking/run-requirements.js';
import * as requirements from '../../store/repositories/run-requirement-repository.js';
import type { Executor } from '../../store/store.js';
import { requirementScopesOf } from './requirement-scope.js';

/**
 * Marks a run complete or incomplete, inside the write that changed it, against what its experiment requires (the
 * server's, its managing teams' and its own requirements together). Only FINISHED runs are judged: a failed or
 * killed run is not expected to carry a result, and a run still going may log the rest. A run judged before and no
 * longer finished, or whose requirements are all gone, loses its mark.
 */
export async function judgeCompleteness(db: Executor, run: Run, now: number): Promise<void> {
  const judged = run.completeness !== undefined && run.completeness !== null;
  if (run.info.status !== 'FINISHED') {
    if (judged) await requirements.clearCompleteness(db, run.info.runId);
    return;
  }
  const scopes = await requirementScopesOf(db, run.info.experimentId);
  const stored = await requirements.findRequirements(db, scopes);
  const required = combineRequirements(stored.map((s) => s.requirements));
  if (!hasRequirements(required)) {
    if (judged) await requirements.clearCompleteness(db, run.info.runId);
    return;
  }
  // The lineage graph is read only when it can make a difference: inputs reported by OpenLineage count too.
  const needsLineage = (required.datasetInput && run.inputs.length === 0) || required.dataQualityCheck;
  const lineage = needsLineage ? await requirements.lineageInputsOf(db, run.info.runId) : undefined;
  await requirements.saveCompleteness(db, run.info.runId, missingItems(run, required, lineage), now);
}
