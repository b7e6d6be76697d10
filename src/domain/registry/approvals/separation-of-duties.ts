/** Everything that decides whether one person may approve one transition request. */
export interface ApprovalAttempt {
  approver: string;
  /** Names of the teams the approver belongs to. */
  approverTeams: readonly string[];
  /** Whether the approver holds the manager role on the model (what approving needs when no team is required). */
  approverManagesModel: boolean;
  requester: string;
  /** Who registered the model version. */
  versionAuthor: string;
  /** Who ran the version's source run, when it has one. */
  runUser: string | null;
  /** Who already approved the request. */
  approvedBy: readonly string[];
  requiredTeams: readonly string[];
  modelName: string;
  version: number;
}

/** Which rule refuses an approval, named first in the message; undefined when the approval may be given. */
export function approvalRefusal(attempt: ApprovalAttempt): string | undefined {
  const who = `'${attempt.approver}'`;
  if (attempt.approver === attempt.requester) {
    return `separation of duties: ${who} requested this transition and cannot approve it`;
  }
  if (attempt.approver === attempt.versionAuthor) {
    return `separation of duties: ${who} registered version ${attempt.version} of '${attempt.modelName}' and cannot approve its transition`;
  }
  if (attempt.runUser !== null && attempt.approver === attempt.runUser) {
    return `separation of duties: ${who} ran the source run of version ${attempt.version} of '${attempt.modelName}' and cannot approve its transition`;
  }
  if (attempt.approvedBy.includes(attempt.approver)) {
    return `separation of duties: ${who} already approved this request; one person cannot fill two approval slots`;
  }
  return eligibilityRefusal(attempt);
}

/** The team or role rule alone: who may approve or reject at all, whatever their part in the version. */
export function eligibilityRefusal(
  attempt: Pick<ApprovalAttempt, 'approver' | 'approverTeams' | 'approverManagesModel' | 'requiredTeams' | 'modelName'>,
): string | undefined {
  if (attempt.requiredTeams.length > 0) {
    if (attempt.requiredTeams.some((team) => attempt.approverTeams.includes(team))) return undefined;
    return `team: '${attempt.approver}' is in none of the teams that approve this transition (${attempt.requiredTeams.join(', ')})`;
  }
  if (attempt.approverManagesModel) return undefined;
  return `role: approving transitions of '${attempt.modelName}' needs the manager role on it, which '${attempt.approver}' does not hold`;
}
