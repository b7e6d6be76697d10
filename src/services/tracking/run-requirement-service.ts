import { notFound } from '../../domain/errors.js';
import type { RunRequirementsState } from '../../domain/provenance/audit-events/recorded-states.js';
import {
  combineRequirements,
  NO_REQUIREMENTS,
  parseRequirements,
  type RunCompleteness,
  type RunRequirements,
} from '../../domain/tracking/run-requirements.js';
import { findTeamByName } from '../../store/repositories/access/team-repository.js';
import { findExperimentRow } from '../../store/repositories/experiment-repository.js';
import * as requirements from '../../store/repositories/run-requirement-repository.js';
import type { Executor } from '../../store/store.js';
import type { ServiceDeps } from '../service-deps.js';
import { type RequirementScope, requirementScopesOf, scopeKey } from './requirement-scope.js';
import { judgeExperimentsAgain } from './run-completeness.js';

/** A scope named as clients name it: a team by name, an experiment by id. */
export type NamedScope =
  | { kind: 'server' }
  | { kind: 'team'; team: string }
  | { kind: 'experiment'; experimentId: string };

/** What the runs of an experiment must carry, with the scope each part comes from. */
export interface EffectiveRequirements {
  requirements: RunRequirements;
  sources: RunRequirementsState[];
}

/**
 * Required metadata for runs, set for the server, a team or an experiment. Runs are judged against them when they
 * finish and whenever written after (see judgeCompleteness); changing an experiment's or a team's requirements
 * judges their finished runs again at once.
 */
export class RunRequirementService {
  constructor(private readonly deps: Pick<ServiceDeps, 'store' | 'unitOfWork' | 'now'>) {}

  async put(named: NamedScope, raw: Partial<RunRequirements>): Promise<RunRequirementsState> {
    const parsed = parseRequirements(raw);
    const now = this.deps.now();
    return this.deps.unitOfWork.write(async ({ db, audit }) => {
      const scope = await resolveScope(db, named);
      const key = scopeKey(scope);
      const times = await requirements.upsertRequirements(db, key, parsed, now);
      const state: RunRequirementsState = { scope: key, requirements: parsed, ...times };
      audit({ action: 'run_requirements.put', entityKind: 'run_requirements', entityId: key, state });
      await judgeExperimentsAgain(db, await coveredExperiments(db, scope), now);
      return state;
    });
  }

  async get(named: NamedScope): Promise<RunRequirementsState> {
    const db = this.deps.store.db;
    const key = scopeKey(await resolveScope(db, named));
    const [found] = await requirements.findRequirements(db, [key]);
    if (!found) throw notFound(`No run requirements are set for ${describe(named)}`);
    return found;
  }

  async delete(named: NamedScope): Promise<void> {
    await this.deps.unitOfWork.write(async ({ db, audit }) => {
      const scope = await resolveScope(db, named);
      const key = scopeKey(scope);
      if (!(await requirements.deleteRequirements(db, key))) {
        throw notFound(`No run requirements are set for ${describe(named)}`);
      }
      await judgeExperimentsAgain(db, await coveredExperiments(db, scope), this.deps.now());
      audit({
        action: 'run_requirements.delete',
        entityKind: 'run_requirements',
        entityId: key,
        state: { deleted: true },
      });
    });
  }

  /** Everything the runs of an experiment must carry: the server's, its managing teams' and its own, together. */
  async effective(experimentId: string): Promise<EffectiveRequirements> {
    const db = this.deps.store.db;
    await resolveScope(db, { kind: 'experiment', experimentId });
    const sources = await requirements.findRequirements(db, await requirementScopesOf(db, experimentId));
    return {
      requirements: sources.length === 0 ? NO_REQUIREMENTS : combineRequirements(sources.map((s) => s.requirements)),
      sources,
    };
  }

  /**
   * Whether a run (a model version's source run, say) finished with what it was required to carry: undefined when
   * it was never judged (not finished, or nothing required of it).
   */
  async completenessOf(runId: string): Promise<RunCompleteness | undefined> {
    return (await requirements.findCompleteness(this.deps.store.db, [runId])).get(runId);
  }
}

/**
 * The experiments whose finished runs are judged again when a scope's requirements change: the experiment, or the
 * experiments a team manages. A change to the server's requirements would judge every run on the server in one
 * transaction, holding up every writer meanwhile, so runs meet it as they are next written.
 */
async function coveredExperiments(db: Executor, scope: RequirementScope): Promise<string[]> {
  switch (scope.kind) {
    case 'server':
      return [];
    case 'team':
      return requirements.experimentsManagedBy(db, scope.teamId);
    case 'experiment':
      return [scope.experimentId];
  }
}

async function resolveScope(db: Executor, named: NamedScope): Promise<RequirementScope> {
  switch (named.kind) {
    case 'server':
      return named;
    case 'team': {
      const team = await findTeamByName(db, named.team);
      if (!team) throw notFound(`No team named '${named.team}'`);
      return { kind: 'team', teamId: team.team_id };
    }
    case 'experiment':
      if (!(await findExperimentRow(db, named.experimentId))) {
        throw notFound(`Could not find experiment with ID ${named.experimentId}`);
      }
      return named;
  }
}

function describe(named: NamedScope): string {
  return named.kind === 'server'
    ? 'the server'
    : named.kind === 'team'
      ? `team '${named.team}'`
      : `experiment ${named.experimentId}`;
}
