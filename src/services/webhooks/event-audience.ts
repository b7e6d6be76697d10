import type { PathStep } from '../../domain/lineage/impact.js';
import type { RevalidationCause } from '../../domain/registry/revalidation.js';
import { type FlagMentions, redactFlagMentions } from '../../domain/registry/revalidation-redaction.js';
import type { Announcement, EventScope } from '../../domain/webhooks/payloads.js';
import type { WebhooksTable } from '../../store/schema-webhooks.js';
import type { Executor } from '../../store/store.js';
import type { AccessPolicy } from '../access/access-policy.js';
import type { Authenticator } from '../access/authenticator.js';
import { PrincipalNodeVisibility } from '../access/principal-node-visibility.js';

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
  private readonly nodes: PrincipalNodeVisibility | undefined;

  constructor(private readonly deps: AudienceDeps | undefined) {
    this.nodes = deps && new PrincipalNodeVisibility(deps);
  }

  /**
   * The announcement as this webhook's owner may be told it: a revalidation flag's cause and path name datasets,
   * runs and versions the owner may not read, and those are replaced by placeholders (see redactFlagMentions).
   */
  async tailored(db: Executor, webhook: WebhooksTable, announcement: Announcement): Promise<Announcement> {
    if (webhook.owner_id === null || !this.nodes) return announcement;
    const mentions = flagMentionsOf(announcement);
    if (!mentions) return announcement;
    const hidden = await this.nodes.hiddenIn(db, webhook.owner_id, mentions);
    if (hidden.size === 0) return announcement;
    const shown = redactFlagMentions(mentions, (id) => hidden.has(id));
    const data = announcement.data as Record<string, unknown>;
    const reasons = Array.isArray(data.reasons) ? (data.reasons as unknown[]) : [];
    return {
      ...announcement,
      data: {
        ...data,
        reasons: reasons.map((r) => (r === mentions.cause.description ? shown.cause.description : r)),
        cause: {
          kind: shown.cause.kind,
          upstream_node: shown.cause.upstreamNodeId,
          upstream_label: shown.cause.upstreamLabel,
          replaced_node: shown.cause.replacedNodeId,
          description: shown.cause.description,
        },
        path: shown.path.map((s) => ({ from: s.from, to: s.to, type: s.type, run_id: s.runId })),
      },
    };
  }

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

/** A needs-revalidation announcement's cause and path, back in the terms redaction works in; undefined for others. */
function flagMentionsOf(announcement: Announcement): FlagMentions | undefined {
  const { entity, action } = announcement.event;
  if (entity !== 'MODEL_VERSION' || action !== 'NEEDS_REVALIDATION') return undefined;
  const data = announcement.data as {
    cause?: { kind: string; upstream_node: string; upstream_label: string; replaced_node: string; description: string };
    path?: { from: string; to: string; type: string; run_id: string | null }[];
  };
  if (!data.cause) return undefined;
  return {
    cause: {
      kind: data.cause.kind as RevalidationCause['kind'],
      upstreamNodeId: data.cause.upstream_node,
      upstreamLabel: data.cause.upstream_label,
      replacedNodeId: data.cause.replaced_node,
      description: data.cause.description,
    },
    path: (data.path ?? []).map((s) => ({
      from: s.from,
      to: s.to,
      type: s.type as PathStep['type'],
      runId: s.run_id,
    })),
  };
}
