import type { Principal } from '../../domain/access/principal.js';
import type { ReadableSet } from '../../domain/access/readable-set.js';
import {
  type Comparator,
  checkMilestone,
  type Milestone,
  type MilestoneInput,
  type MilestoneProgress,
  milestoneProgress,
} from '../../domain/collaboration/milestone.js';
import { notFound } from '../../domain/errors.js';
import type { MilestoneState } from '../../domain/provenance/audit-events/collaboration-states.js';
import {
  deleteMilestone,
  experimentRunValues,
  findMilestone,
  insertMilestone,
  milestonesOf,
  modelRunValues,
} from '../../store/repositories/collaboration/milestone-repository.js';
import { findExperimentRow } from '../../store/repositories/experiment-repository.js';
import type { MilestonesTable } from '../../store/schema-collaboration.js';
import type { Executor } from '../../store/store.js';
import { newId } from '../ids.js';
import type { ServiceDeps } from '../service-deps.js';

/** An experiment by id, or a registered model by its id (the route found it by name). */
export type MilestoneScope = { kind: 'experiment'; id: string } | { kind: 'model'; id: string };

export type MilestoneWithProgress = Milestone & { progress: MilestoneProgress };

/**
 * Targets on an experiment or a registered model, each shown with its progress from the best run so far. A run counts
 * with its latest value of the metric (what run tables show and sort by); deleted runs do not count. An experiment's
 * milestones look at its runs; a model's at the runs that produced its live versions — the runs the model is made
 * of — and only those in experiments the reader may read, so progress never reveals a value its reader could not see.
 */
export class MilestoneService {
  constructor(private readonly deps: Pick<ServiceDeps, 'store' | 'unitOfWork' | 'now'>) {}

  async list(scope: MilestoneScope, readableExperiments: ReadableSet): Promise<MilestoneWithProgress[]> {
    const db = this.deps.store.db;
    await requireScope(db, scope);
    const rows = await milestonesOf(db, scope);
    const now = this.deps.now();
    return Promise.all(
      rows.map(async (row) => {
        const values =
          scope.kind === 'experiment'
            ? await experimentRunValues(db, scope.id, row.metric_key)
            : await modelRunValues(db, scope.id, row.metric_key, readableExperiments);
        const milestone = toMilestone(row);
        return { ...milestone, progress: milestoneProgress(milestone, values, now) };
      }),
    );
  }

  async create(caller: Principal, scope: MilestoneScope, input: MilestoneInput): Promise<Milestone> {
    checkMilestone(input);
    const row: MilestonesTable = {
      milestone_id: newId(),
      scope_kind: scope.kind,
      scope_id: scope.id,
      name: input.name.trim(),
      metric_key: input.metricKey,
      comparator: input.comparator,
      target: input.target,
      due_time: input.dueTime,
      created_by: caller.name,
      created_time: this.deps.now(),
    };
    await this.deps.unitOfWork.write(async ({ db, audit }) => {
      await requireScope(db, scope);
      await insertMilestone(db, row);
      audit({
        action: 'milestone.create',
        entityKind: 'milestone',
        entityId: row.milestone_id,
        state: milestoneStateOf(row),
      });
    });
    return toMilestone(row);
  }

  /** Deletes a milestone of this scope; one of another scope is a 404, as the caller's access was checked here. */
  async delete(scope: MilestoneScope, milestoneId: string): Promise<void> {
    await this.deps.unitOfWork.write(async ({ db, audit }) => {
      const row = await findMilestone(db, milestoneId);
      if (!row || row.scope_kind !== scope.kind || row.scope_id !== scope.id) {
        throw notFound(`Milestone '${milestoneId}' does not exist`);
      }
      await deleteMilestone(db, milestoneId);
      audit({ action: 'milestone.delete', entityKind: 'milestone', entityId: milestoneId, state: { deleted: true } });
    });
  }
}

/** An experiment's milestones need the experiment (a model's route found its model by name already). */
async function requireScope(db: Executor, scope: MilestoneScope): Promise<void> {
  if (scope.kind === 'experiment' && !(await findExperimentRow(db, scope.id))) {
    throw notFound(`Experiment '${scope.id}' does not exist`);
  }
}

/** What the audit log records of a milestone row; `mnemo audit verify` compares the row against it. */
export function milestoneStateOf(row: MilestonesTable): MilestoneState {
  return {
    scopeKind: row.scope_kind,
    scopeId: row.scope_id,
    name: row.name,
    metricKey: row.metric_key,
    comparator: row.comparator,
    target: Number(row.target),
    dueTime: Number(row.due_time),
    createdBy: row.created_by,
    creationTime: Number(row.created_time),
  };
}

function toMilestone(row: MilestonesTable): Milestone {
  return {
    milestoneId: row.milestone_id,
    scope: { kind: row.scope_kind as MilestoneScope['kind'], id: row.scope_id },
    name: row.name,
    metricKey: row.metric_key,
    comparator: row.comparator as Comparator,
    target: Number(row.target),
    dueTime: Number(row.due_time),
    createdBy: row.created_by,
    creationTime: Number(row.created_time),
  };
}
