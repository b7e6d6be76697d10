import type { EventScope } from '../../domain/webhooks/payloads.js';
import type { WebhooksTable } from '../../store/schema-webhooks.js';
import type { AccessPolicy } from '../access/access-policy.js';
import type { Authenticator } from '../access/authenticator.js';

/** What deciding who may hear of an event needs: the access policy and a way to load a principal by id. */
export interface AudienceDeps {
  policy: AccessPolicy;
  authenticator: Authenticator;
}

/**
 * Decides, for one batch of events, which webhooks may hear of each: the webhook's scope (one model, one experiment)
 * must match, and its owner must be able to read what the event is about, decided exactly as a request of theirs
 * would be (roles, teams, restrictions, the default role). An owner deactivated since receives nothing. Webhooks made
 * before owners existed (by administrators, the only ones who could) have none and are not filtered. Decisions are
 * remembered for the batch only: a grant or a revocation counts from the next batch on.
 */
export class EventAudience {
  private readonly decisions = new Map<string, Promise<boolean>>();

  constructor(private readonly deps: AudienceDeps | undefined) {}

  async hears(webhook: WebhooksTable, scope: EventScope | undefined): Promise<boolean> {
    if (webhook.model_name !== null && !(scope && 'model' in scope && scope.model === webhook.model_name)) return false;
    if (
      webhook.experiment_id !== null &&
      !(scope && 'experimentId' in scope && scope.experimentId === webhook.experiment_id)
    ) {
      return false;
    }
    // Found with one principal's permissions: for the webhooks they own and nobody else's, administrators' included.
    if (scope && 'principalId' in scope && webhook.owner_id !== scope.principalId) return false;
    if (webhook.owner_id === null || !this.deps) return true;
    const key = `${webhook.owner_id}\0${JSON.stringify(scope ?? null)}`;
    let decision = this.decisions.get(key);
    if (!decision) {
      decision = this.mayRead(webhook.owner_id, scope);
      this.decisions.set(key, decision);
    }
    return decision;
  }

  private async mayRead(ownerId: string, scope: EventScope | undefined): Promise<boolean> {
    const { policy, authenticator } = this.deps!;
    const owner = await authenticator.activePrincipal(ownerId);
    if (!owner.ok) return false;
    const principal = owner.principal;
    if (principal.isAdmin) return true;
    // An event about nothing in particular (staged before scopes existed) is for those who may read everything.
    if (!scope) return false;
    // Its owner is the principal (checked above), and they are still active.
    if ('principalId' in scope) return true;
    if ('experimentId' in scope) {
      return (await policy.decide(principal, 'read', { kind: 'experiment', id: scope.experimentId })).allowed;
    }
    const modelId = await policy.modelIdOf(scope.model);
    // Gone (deleted or renamed) before the event went out: only administrators may still hear of it.
    if (modelId === undefined) return false;
    return (await policy.decide(principal, 'read', { kind: 'model', id: modelId, name: scope.model })).allowed;
  }
}
