import { MnemoError } from '../../../domain/errors.js';
import type { TransitionRequest } from '../../../domain/registry/approvals/transition-request.js';

/**
 * A transition to a protected stage or alias was turned into a request, which is stored: the caller learns its id.
 * Native routes answer 202 with the request; MLflow routes, which have no such answer, a 403 naming it.
 */
export class ApprovalRequiredError extends MnemoError {
  constructor(readonly request: TransitionRequest) {
    const target = request.stage !== undefined ? `stage ${request.stage}` : `alias '${request.alias}'`;
    super(
      'PERMISSION_DENIED',
      `Moving version ${request.version} of '${request.name}' to ${target} needs approval: transition request ` +
        `${request.id} is pending (${request.approvedBy.length} of ${request.requiredApprovals} approvals` +
        `${request.requiredTeams.length > 0 ? ` from ${request.requiredTeams.join(', ')}` : ''}). ` +
        `Approvers: mnemo requests approve ${request.id}`,
    );
    this.name = 'ApprovalRequiredError';
  }
}
