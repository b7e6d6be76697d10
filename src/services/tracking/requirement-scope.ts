import { invalid } from '../../domain/errors.js';
import { managingTeams } from '../../store/repositories/run-requirement-repository.js';
import type { Executor } from '../../store/store.js';

/** Where requirements are set: the whole server, a team (the experiments it manages), or one experiment. */
export type RequirementScope =
  | { kind: 'server' }
  | { kind: 'team'; teamId: string }
  | { kind: 'experiment'; experimentId: string };

/** The key a scope's requirements are stored and audited under. */
export function scopeKey(scope: RequirementScope): string {
  switch (scope.kind) {
    case 'server':
      return 'server';
    case 'team':
      return `team:${scope.teamId}`;
    case 'experiment':
      return `experiment:${scope.experimentId}`;
  }
}

export function parseScopeKey(key: string): RequirementScope {
  if (key === 'server') return { kind: 'server' };
  if (key.startsWith('team:')) return { kind: 'team', teamId: key.slice(5) };
  if (key.startsWith('experiment:')) return { kind: 'experiment', experimentId: key.slice(11) };
  throw invalid(`Unknown requirement scope '${key}'`);
}

/** The scopes whose requirements apply to the runs of an experiment. */
export async function requirementScopesOf(db: Executor, experimentId: string): Promise<string[]> {
  const teams = await managingTeams(db, experimentId);
  return [
    'server',
    ...teams.map((teamId) => scopeKey({ kind: 'team', teamId })),
    scopeKey({ kind: 'experiment', experimentId }),
  ];
}
