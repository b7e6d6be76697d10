import { approvalsNeeded, type ProtectionRule } from './protection.js';

/** One approval as counted: who gave it, and which of the required teams they belonged to when they gave it. */
export interface CountedApproval {
  approver: string;
  teams: readonly string[];
}

export interface QuorumState {
  /** Distinct approvers so far. */
  approvals: number;
  needed: number;
  reached: boolean;
  /** Required teams no approver can stand for yet (each approver stands for one team only). */
  teamsMissing: string[];
}

/**
 * Whether the approvals given complete a request. Each approver fills one slot: one person in two required teams
 * stands for one of them, never both, so the teams are matched to distinct approvers (a bipartite matching, small
 * enough for augmenting paths) and the count is of distinct approvers.
 */
export function quorum(
  rule: Pick<ProtectionRule, 'approvals' | 'teams'>,
  given: readonly CountedApproval[],
): QuorumState {
  const byApprover = new Map<string, Set<string>>();
  for (const approval of given) {
    const teams = byApprover.get(approval.approver) ?? new Set<string>();
    for (const team of approval.teams) teams.add(team);
    byApprover.set(approval.approver, teams);
  }
  const approvers = [...byApprover.keys()];
  // teamOf[approver] = the team that approver stands for in the matching so far.
  const standsFor = new Map<string, string>();
  const tryTeam = (team: string, seen: Set<string>): boolean => {
    for (const approver of approvers) {
      if (!byApprover.get(approver)?.has(team) || seen.has(approver)) continue;
      seen.add(approver);
      const current = standsFor.get(approver);
      if (current === undefined || tryTeam(current, seen)) {
        standsFor.set(approver, team);
        return true;
      }
    }
    return false;
  };
  const teamsMissing = rule.teams.filter((team) => !tryTeam(team, new Set()));
  const needed = approvalsNeeded(rule);
  return {
    approvals: approvers.length,
    needed,
    reached: teamsMissing.length === 0 && approvers.length >= needed,
    teamsMissing,
  };
}
