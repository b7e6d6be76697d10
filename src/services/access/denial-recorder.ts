import type { DeniedAttemptState } from '../../domain/provenance/audit-events/access-states.js';
import type { UnitOfWork } from '../unit-of-work.js';

/** One refused request, as the audit log keeps it. No credential is recorded, only whose it was. */
export type DeniedAttempt = DeniedAttemptState;

/**
 * Puts every refused attempt into the tamper-evident audit log, so `mnemo audit verify` covers who was turned away
 * as well as what changed. Written before the refusal is answered: a client told "no" can find the record.
 */
export class DenialRecorder {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  async record(requestId: string, attempt: DeniedAttempt): Promise<void> {
    await this.unitOfWork.write(async (scope) => {
      scope.audit({ action: 'access.deny', entityKind: 'access_attempt', entityId: requestId, state: attempt });
    });
  }
}
