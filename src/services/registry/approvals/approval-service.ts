import { invalidState, MnemoError, notFound } from '../../../domain/errors.js';
import { validateAlias } from '../../../domain/registry/aliases.js';
import {
  approvalsNeeded,
  describeTarget,
  type ProtectionRule,
  protects,
  type TransitionTarget,
} from '../../../domain/registry/approvals/protection.js';
import { quorum } from '../../../domain/registry/approvals/quorum.js';
import { approvalRefusal, eligibilityRefusal } from '../../../domain/registry/approvals/separation-of-duties.js';
import type {
  ActivityKind,
  ApprovalState,
  RequestStatus,
  TransitionRequest,
} from '../../../domain/registry/approvals/transition-request.js';
import type { ModelVersion } from '../../../domain/registry/entities.js';
import { checkText } from '../../../domain/registry/model-card.js';
import { parseStage } from '../../../domain/registry/stages.js';
import type { RegistryEvent } from '../../../domain/webhooks/registry-event.js';
import * as approvals from '../../../store/repositories/registry/approval-repository.js';
import { findModelNameById, findModelRow } from '../../../store/repositories/registry/model-repository.js';
import { findVersionRow } from '../../../store/repositories/registry/version-repository.js';
import type { TransitionRequestsTable } from '../../../store/schema-approvals.js';
import type { RegisteredModelsTable } from '../../../store/schema-registry.js';
import type { Executor } from '../../../store/store.js';
import { newId } from '../../ids.js';
import { currentContext } from '../../request-context.js';
import type { WriteScope } from '../../unit-of-work.js';
import { parseVersionNumber, requireModel } from '../model-lookup.js';
import { type RegistryDeps, registryWrite } from '../registry-deps.js';
import { ProtectionService } from './protection-service.js';
import { presentRequest } from './request-presenter.js';

/** Who acts on a request, as the access layer authenticated them. */
export interface Approver {
  name: string;
  teamIds: readonly string[];
  isAdmin: boolean;
  /** Whether they hold the manager role on a registered model: what approving needs when no team is named. */
  manages(model: { id: string; name: string }): Promise<boolean>;
}

/** Marks a transition as the application of a decided request: it is applied, never turned into another request. */
export interface ApplyingRequest {
  requestId: string;
  requester: string;
  approvedBy: string[];
  /** Set when an administrator broke the glass: the reason, for the promotion guard to record what it overrode. */
  override?: { reason: string };
}

/** How a decided request moves its version: the stage and alias services' own write paths. */
export interface TransitionAppliers {
  stage(
    scope: WriteScope,
    input: { name: string; version: number; stage: string; archiveExistingVersions: boolean; reason: string | null },
    applying: ApplyingRequest,
  ): Promise<ModelVersion>;
  alias(
    scope: WriteScope,
    name: string,
    alias: string,
    version: number,
    applying: ApplyingRequest,
  ): Promise<ModelVersion>;
}

/** A notice for the inbox (the notification service's input, as far as requests need it). */
export interface ApprovalNotice {
  kind: 'approval_requested' | 'request_decided' | 'break_glass_used';
  recipients: readonly string[];
  subject: string;
  body: string;
  link?: string;
  resource?: { kind: 'model'; name: string; version?: number };
}

export type ApprovalDeps = RegistryDeps & {
  notify?: (scope: WriteScope, input: ApprovalNotice) => Promise<void>;
  notificationRecipients?: { managersOfModel(db: Executor, modelId: string): Promise<string[]> };
};

export interface ApprovalSettings {
  /** What protects models without a rule of their own. */
  serverDefault: ProtectionRule;
  /** How long a request stays open before it expires. */
  requestTtlMs: number;
}

export const DEFAULT_REQUEST_TTL_MS = 7 * 24 * 3600 * 1000;

export interface RequestInput {
  name: string;
  version: string | number;
  stage?: string | undefined;
  alias?: string | undefined;
  archiveExistingVersions?: boolean | undefined;
  reason?: string | undefined;
}

export interface RequestQuery {
  name?: string | undefined;
  version?: string | number | undefined;
  status?: RequestStatus | undefined;
  stage?: string | undefined;
  alias?: string | undefined;
  requester?: string | undefined;
  limit?: number | undefined;
}

interface Decision {
  request: TransitionRequest;
  applied?: ModelVersion;
}

const ACTION_OF = {
  request: 'transition_request.create',
  approve: 'transition_request.approve',
  reject: 'transition_request.reject',
  comment: 'transition_request.comment',
  withdraw: 'transition_request.withdraw',
  expire: 'transition_request.expire',
  break_glass: 'transition_request.break_glass',
} as const satisfies Record<ActivityKind, string>;

const COMMENT_LIMIT = 5000;

/**
 * Protected transitions. A move to a protected stage or alias, by any route, becomes a transition request; the
 * request completes when its quorum of approvers is reached, and the move is then applied through the stage or alias
 * service in the same transaction as the last approval and its audit record. Rejections, comments, withdrawals,
 * expiries and break-glass overrides are each recorded as activity and in the audit log.
 */
export class ApprovalService {
  readonly protection: ProtectionService;
  private appliers: TransitionAppliers | undefined;

  constructor(
    private readonly deps: ApprovalDeps,
    private readonly settings: ApprovalSettings,
  ) {
    this.protection = new ProtectionService(deps, settings.serverDefault);
  }

  /** Wired once the stage and alias services exist (they in turn ask this service to intercept). */
  bind(appliers: TransitionAppliers): void {
    this.appliers = appliers;
  }

  /**
   * Called inside a transition's own write, before it changes anything: the pending request for the move when the
   * target is protected (made now, or the one already open), undefined when the move may go ahead.
   */
  async intercept(
    scope: WriteScope,
    change: {
      model: RegisteredModelsTable;
      version: number;
      target: TransitionTarget;
      archiveExistingVersions: boolean;
      reason: string | null;
    },
  ): Promise<TransitionRequest | undefined> {
    const rule = await this.protection.effective(scope.db, change.model);
    if (!protects(rule, change.target)) return undefined;
    return this.openRequest(scope, change, rule);
  }

  /** A request asked for directly (`mnemo requests create`, Databricks' `transition-requests/create`). */
  async create(input: RequestInput): Promise<TransitionRequest> {
    const number = parseVersionNumber(input.version);
    const target = parseTarget(input.stage, input.alias);
    const reason = input.reason ?? null;
    if (reason !== null) checkText(reason, 'reason', COMMENT_LIMIT);
    return registryWrite(this.deps, async (scope) => {
      const model = await requireModel(scope.db, input.name);
      await this.requireLiveVersion(scope.db, model, number);
      const rule = await this.protection.effective(scope.db, model);
      return this.openRequest(
        scope,
        { model, version: number, target, archiveExistingVersions: input.archiveExistingVersions ?? false, reason },
        rule,
      );
    });
  }

  async get(requestId: string): Promise<TransitionRequest> {
    await this.expireOverdue();
    const db = this.deps.store.db;
    const row = await approvals.findRequestRow(db, requestId);
    if (!row) throw notFound(`No transition request '${requestId}'`);
    return (await this.present(db, [row]))[0]!;
  }

  async list(query: RequestQuery = {}): Promise<TransitionRequest[]> {
    await this.expireOverdue();
    const db = this.deps.store.db;
    let modelId: string | undefined;
    if (query.name !== undefined) modelId = (await requireModel(db, query.name)).model_id;
    const target =
      query.stage !== undefined
        ? { kind: 'stage' as const, name: parseStage(query.stage) }
        : query.alias !== undefined
          ? { kind: 'alias' as const, name: query.alias }
          : undefined;
    const rows = await approvals.listRequestRows(
      db,
      {
        modelId,
        version: query.version === undefined ? undefined : parseVersionNumber(query.version),
        status: query.status,
        requester: query.requester,
        target,
      },
      Math.min(Math.max(query.limit ?? 100, 1), 1000),
    );
    return this.present(db, rows);
  }

  /** The open request for a version's move to a target, if any (Databricks' routes name requests that way). */
  async pendingFor(name: string, version: string | number, target: TransitionTarget): Promise<TransitionRequest> {
    const [found] = await this.list({
      name,
      version,
      status: 'pending',
      ...('stage' in target ? { stage: target.stage } : { alias: target.alias }),
      limit: 1,
    });
    if (!found) {
      throw notFound(`No pending transition request for version ${version} of '${name}' to ${describeTarget(target)}`);
    }
    return found;
  }

  async approve(requestId: string, approver: Approver, comment?: string): Promise<Decision> {
    const note = optionalComment(comment);
    await this.expireOverdue();
    const manages = await this.managesModelOf(requestId, approver);
    const decision = await registryWrite(
      this.deps,
      async (scope) => {
        const { row, model } = await this.pendingRequest(scope.db, requestId);
        const authorship = await approvals.versionAuthorship(scope.db, row.model_id, Number(row.version));
        const requiredTeams = JSON.parse(row.required_teams) as string[];
        const approverTeams = await approvals.teamNames(scope.db, approver.teamIds);
        const activity = await approvals.activityRows(scope.db, [requestId]);
        const approvedBy = activity.filter((a) => a.kind === 'approve').map((a) => a.actor);
        const refusal = approvalRefusal({
          approver: approver.name,
          approverTeams,
          approverManagesModel: manages,
          requester: row.requester,
          versionAuthor: authorship?.author ?? '',
          runUser: authorship?.runUser ?? null,
          approvedBy,
          requiredTeams,
          modelName: model.name,
          version: Number(row.version),
        });
        if (refusal) throw new MnemoError('PERMISSION_DENIED', `Approval refused by rule ${refusal}`);
        const counted = approverTeams.filter((team) => requiredTeams.includes(team));
        const now = this.deps.now();
        const approval = await this.addActivity(scope.db, requestId, 'approve', approver.name, note, counted, now);
        const state = quorum({ approvals: Number(row.required_approvals), teams: requiredTeams }, [
          ...activity
            .filter((a) => a.kind === 'approve')
            .map((a) => ({ approver: a.actor, teams: JSON.parse(a.teams) })),
          { approver: approver.name, teams: counted },
        ]);
        let applied: ModelVersion | undefined;
        if (state.reached) {
          await approvals.updateRequestRow(scope.db, requestId, {
            status: 'approved',
            decision_time: now,
            decided_by: approver.name,
            decision_comment: note,
            last_updated_time: now,
          });
          applied = await this.apply(scope, row, model.name, {
            requestId,
            requester: row.requester,
            approvedBy: [...new Set([...approvedBy, approver.name])],
          });
        } else {
          await approvals.updateRequestRow(scope.db, requestId, { last_updated_time: now });
        }
        const request = await this.recordActivity(scope, requestId, approval);
        if (state.reached) {
          await this.tellRequester(scope, request, model.model_id, 'approved');
          await this.announceDecision(scope, request);
        }
        return { request, applied };
      },
      (result) => aliasEvents(result),
    );
    return decision;
  }

  async reject(requestId: string, approver: Approver, comment?: string): Promise<TransitionRequest> {
    const note = optionalComment(comment);
    await this.expireOverdue();
    const manages = await this.managesModelOf(requestId, approver);
    return registryWrite(this.deps, async (scope) => {
      const { row, model } = await this.pendingRequest(scope.db, requestId);
      const approverTeams = await approvals.teamNames(scope.db, approver.teamIds);
      const refusal = eligibilityRefusal({
        approver: approver.name,
        approverTeams,
        approverManagesModel: manages,
        requiredTeams: JSON.parse(row.required_teams) as string[],
        modelName: model.name,
      });
      if (refusal) throw new MnemoError('PERMISSION_DENIED', `Rejection refused by rule ${refusal}`);
      const now = this.deps.now();
      await approvals.updateRequestRow(scope.db, requestId, {
        status: 'rejected',
        decision_time: now,
        decided_by: approver.name,
        decision_comment: note,
        last_updated_time: now,
      });
      const activity = await this.addActivity(scope.db, requestId, 'reject', approver.name, note, [], now);
      const request = await this.recordActivity(scope, requestId, activity);
      await this.tellRequester(scope, request, model.model_id, 'rejected');
      await this.announceDecision(scope, request);
      return request;
    });
  }

  /** Anyone who may read the model may comment, on an open request or a decided one. */
  async comment(requestId: string, comment: string): Promise<TransitionRequest> {
    const note = optionalComment(comment);
    if (note === null) throw new MnemoError('INVALID_PARAMETER_VALUE', 'A comment needs some text');
    await this.expireOverdue();
    return registryWrite(this.deps, async (scope) => {
      const row = await approvals.findRequestRow(scope.db, requestId);
      if (!row) throw notFound(`No transition request '${requestId}'`);
      const now = this.deps.now();
      await approvals.updateRequestRow(scope.db, requestId, { last_updated_time: now });
      const activity = await this.addActivity(scope.db, requestId, 'comment', currentContext().actor, note, [], now);
      return this.recordActivity(scope, requestId, activity);
    });
  }

  /** The requester takes their request back (an administrator may too). */
  async withdraw(requestId: string, actor: { name: string; isAdmin: boolean }, comment?: string) {
    const note = optionalComment(comment);
    await this.expireOverdue();
    return registryWrite(this.deps, async (scope) => {
      const { row } = await this.pendingRequest(scope.db, requestId);
      if (row.requester !== actor.name && !actor.isAdmin) {
        throw new MnemoError(
          'PERMISSION_DENIED',
          `Withdrawal refused by rule requester: only '${row.requester}', who made the request, or an administrator may withdraw it`,
        );
      }
      const now = this.deps.now();
      await approvals.updateRequestRow(scope.db, requestId, {
        status: 'withdrawn',
        decision_time: now,
        decided_by: actor.name,
        decision_comment: note,
        last_updated_time: now,
      });
      const activity = await this.addActivity(scope.db, requestId, 'withdraw', actor.name, note, [], now);
      return this.recordActivity(scope, requestId, activity);
    });
  }

  /**
   * An administrator applies a pending request without its approvals. Only with a reason: it is recorded in the
   * audit log as a break-glass action and the model's managers are told.
   */
  async breakGlass(requestId: string, actor: { name: string; isAdmin: boolean }, reason: string): Promise<Decision> {
    if (!actor.isAdmin) {
      throw new MnemoError(
        'PERMISSION_DENIED',
        `Break-glass refused by rule role: '${actor.name}' is not an administrator`,
      );
    }
    const why = reason.trim();
    if (why === '') throw new MnemoError('INVALID_PARAMETER_VALUE', 'Break-glass needs a reason');
    checkText(why, 'reason', COMMENT_LIMIT);
    await this.expireOverdue();
    return registryWrite(
      this.deps,
      async (scope) => {
        const { row, model } = await this.pendingRequest(scope.db, requestId);
        const now = this.deps.now();
        await approvals.updateRequestRow(scope.db, requestId, {
          status: 'overridden',
          decision_time: now,
          decided_by: actor.name,
          decision_comment: why,
          last_updated_time: now,
        });
        const activity = await this.addActivity(scope.db, requestId, 'break_glass', actor.name, why, [], now);
        const earlier = (await approvals.activityRows(scope.db, [requestId]))
          .filter((a) => a.kind === 'approve')
          .map((a) => a.actor);
        const applied = await this.apply(scope, row, model.name, {
          requestId,
          requester: row.requester,
          approvedBy: [...new Set(earlier)],
          override: { reason: why },
        });
        const request = await this.recordActivity(scope, requestId, activity);
        const owners = (await this.deps.notificationRecipients?.managersOfModel(scope.db, model.model_id)) ?? [];
        await this.deps.notify?.(scope, {
          kind: 'break_glass_used',
          recipients: owners,
          subject: `Break-glass: ${model.name} v${request.version} → ${targetLabel(request)}`,
          body: `${actor.name} applied transition request ${requestId} without its approvals.\nReason: ${why}`,
          link: `/models/${encodeURIComponent(model.name)}/versions/${request.version}`,
          resource: { kind: 'model', name: model.name, version: request.version },
        });
        return { request, applied };
      },
      (result) => aliasEvents(result),
    );
  }

  /**
   * Whether moving a version to a target needs approval and how far its open request got: what a deployment gate
   * reports without changing anything.
   */
  async stateFor(model: string, version: string | number, target: TransitionTarget): Promise<ApprovalState> {
    const db = this.deps.store.db;
    const row = await requireModel(db, model);
    const number = parseVersionNumber(version);
    const rule = await this.protection.effective(db, row);
    const required = protects(rule, target);
    const [pending] = await approvals.listRequestRows(
      db,
      {
        modelId: row.model_id,
        version: number,
        status: 'pending',
        target: 'stage' in target ? { kind: 'stage', name: target.stage } : { kind: 'alias', name: target.alias },
      },
      1,
    );
    if (!pending || Number(pending.expiry_time) <= this.deps.now()) {
      return { required, approvals: 0, needed: required ? approvalsNeeded(rule) : 0 };
    }
    const request = (await this.present(db, [pending]))[0]!;
    return {
      required,
      approvals: request.approvedBy.length,
      needed: approvalsNeeded({ approvals: request.requiredApprovals, teams: request.requiredTeams }),
      pendingRequestId: request.id,
    };
  }

  /** Marks every pending request whose time ran out as expired, each with its activity and audit record. */
  async expireOverdue(): Promise<number> {
    const now = this.deps.now();
    const overdue = await approvals.overdueRequestRows(this.deps.store.db, now);
    if (overdue.length === 0) return 0;
    return registryWrite(this.deps, async (scope) => {
      let expired = 0;
      // Read again inside the write: another writer may have decided or expired them meanwhile.
      for (const row of await approvals.overdueRequestRows(scope.db, now)) {
        await approvals.updateRequestRow(scope.db, row.request_id, {
          status: 'expired',
          decision_time: now,
          decided_by: 'system',
          last_updated_time: now,
        });
        const activity = await this.addActivity(scope.db, row.request_id, 'expire', 'system', null, [], now);
        const request = await this.recordActivity(scope, row.request_id, activity);
        await this.tellRequester(scope, request, row.model_id, 'expired');
        expired += 1;
      }
      return expired;
    });
  }

  private async openRequest(
    scope: WriteScope,
    change: {
      model: RegisteredModelsTable;
      version: number;
      target: TransitionTarget;
      archiveExistingVersions: boolean;
      reason: string | null;
    },
    rule: ProtectionRule,
  ): Promise<TransitionRequest> {
    const { db } = scope;
    const now = this.deps.now();
    const target =
      'stage' in change.target
        ? { kind: 'stage' as const, name: change.target.stage }
        : { kind: 'alias' as const, name: change.target.alias };
    const [open] = await approvals.listRequestRows(
      db,
      { modelId: change.model.model_id, version: change.version, status: 'pending', target },
      1,
    );
    // Asking again (a retried `transition-stage`, say) names the request already open rather than opening another.
    if (open && Number(open.expiry_time) > now) return (await this.present(db, [open]))[0]!;
    const requestId = `tr-${newId().slice(0, 16)}`;
    const requester = currentContext().actor;
    await approvals.insertRequestRow(db, {
      request_id: requestId,
      model_id: change.model.model_id,
      version: change.version,
      target_kind: target.kind,
      target: target.name,
      archive_existing: change.archiveExistingVersions ? 1 : 0,
      requester,
      reason: change.reason,
      status: 'pending',
      required_approvals: rule.approvals,
      required_teams: JSON.stringify(rule.teams),
      creation_time: now,
      expiry_time: now + this.settings.requestTtlMs,
      decision_time: null,
      decided_by: null,
      decision_comment: null,
      last_updated_time: now,
    });
    const activity = await this.addActivity(db, requestId, 'request', requester, change.reason, [], now);
    const request = await this.recordActivity(scope, requestId, activity);
    const approvers =
      rule.teams.length > 0
        ? await approvals.memberIdsOfTeams(db, rule.teams)
        : ((await this.deps.notificationRecipients?.managersOfModel(db, change.model.model_id)) ?? []);
    await this.deps.notify?.(scope, {
      kind: 'approval_requested',
      recipients: approvers,
      subject: `Approval requested: ${change.model.name} v${change.version} → ${targetLabel(request)}`,
      body:
        `${requester} asks to move ${change.model.name} version ${change.version} to ${describeTarget(change.target)}.` +
        `\nReason: ${change.reason ?? '(none given)'}\nRequest: ${requestId}`,
      link: `/models/${encodeURIComponent(change.model.name)}/versions/${change.version}`,
      resource: { kind: 'model', name: change.model.name, version: change.version },
    });
    await this.deps.stageEvents?.(scope, [
      {
        kind: 'transition_request.created',
        requestId,
        name: change.model.name,
        version: change.version,
        target: change.target,
        requestedBy: requester,
        reason: change.reason,
      },
    ]);
    return request;
  }

  /** The webhook event of a decision, staged in the write that made it. */
  private async announceDecision(scope: WriteScope, request: TransitionRequest): Promise<void> {
    if (request.status !== 'approved' && request.status !== 'rejected') return;
    await this.deps.stageEvents?.(scope, [
      {
        kind: request.status === 'approved' ? 'transition_request.approved' : 'transition_request.rejected',
        requestId: request.id,
        name: request.name,
        version: request.version,
        target: request.alias !== undefined ? { alias: request.alias } : { stage: request.stage ?? '' },
        requestedBy: request.requester,
        decidedBy: request.decidedBy ?? '',
        comment: request.decisionComment,
      },
    ]);
  }

  /** The request, still pending, with its model; a decided request or a version gone since is a conflict. */
  private async pendingRequest(
    db: Executor,
    requestId: string,
  ): Promise<{ row: TransitionRequestsTable; model: RegisteredModelsTable }> {
    const row = await approvals.findRequestRow(db, requestId);
    if (!row) throw notFound(`No transition request '${requestId}'`);
    if (row.status !== 'pending') {
      throw invalidState(
        `Transition request ${requestId} was already decided: ${row.status}${row.decided_by ? ` by ${row.decided_by}` : ''}`,
      );
    }
    const name = await findModelNameById(db, row.model_id);
    const model = name === undefined ? undefined : await findModelRow(db, name);
    if (!model) throw invalidState(`The registered model of transition request ${requestId} no longer exists`);
    await this.requireLiveVersion(db, model, Number(row.version));
    return { row, model };
  }

  private async requireLiveVersion(db: Executor, model: RegisteredModelsTable, version: number): Promise<void> {
    const found = await findVersionRow(db, model.model_id, version);
    if (!found) throw notFound(`Model Version (name=${model.name}, version=${version}) not found`);
    if (found.deleted_time !== null) {
      throw invalidState(`Version ${version} of '${model.name}' no longer exists: it was deleted`);
    }
  }

  /** Read before the write: the access check reads the store on its own, outside the write's transaction. */
  private async managesModelOf(requestId: string, approver: Approver): Promise<boolean> {
    const db = this.deps.store.db;
    const row = await approvals.findRequestRow(db, requestId);
    const name = row && (await findModelNameById(db, row.model_id));
    if (!row || name === undefined) return false;
    return approver.manages({ id: row.model_id, name });
  }

  private async apply(
    scope: WriteScope,
    row: TransitionRequestsTable,
    modelName: string,
    applying: ApplyingRequest,
  ): Promise<ModelVersion> {
    if (!this.appliers) throw new Error('ApprovalService.bind() was not called');
    const version = Number(row.version);
    if (row.target_kind === 'alias') return this.appliers.alias(scope, modelName, row.target, version, applying);
    return this.appliers.stage(
      scope,
      {
        name: modelName,
        version,
        stage: row.target,
        archiveExistingVersions: Number(row.archive_existing) === 1,
        reason: row.reason,
      },
      applying,
    );
  }

  private async addActivity(
    db: Executor,
    requestId: string,
    kind: ActivityKind,
    actor: string,
    comment: string | null,
    teams: readonly string[],
    time: number,
  ): Promise<{ kind: ActivityKind; activityId: string }> {
    const activityId = newId();
    await approvals.insertActivityRow(db, {
      activity_id: activityId,
      request_id: requestId,
      kind,
      actor,
      comment,
      teams: JSON.stringify(teams),
      activity_time: time,
    });
    return { kind, activityId };
  }

  /** The request as it now is, with the audit record of the activity just added. */
  private async recordActivity(
    scope: WriteScope,
    requestId: string,
    added: { kind: ActivityKind; activityId: string },
  ): Promise<TransitionRequest> {
    const row = await approvals.findRequestRow(scope.db, requestId);
    const request = (await this.present(scope.db, [row!]))[0]!;
    const { activity, ...rest } = request;
    scope.audit({
      action: ACTION_OF[added.kind],
      entityKind: 'transition_request',
      entityId: requestId,
      state: { ...rest, activity: activity.find((a) => a.id === added.activityId)! },
    });
    return request;
  }

  private async tellRequester(
    scope: WriteScope,
    request: TransitionRequest,
    _modelId: string,
    outcome: 'approved' | 'rejected' | 'expired',
  ): Promise<void> {
    if (!this.deps.notify) return;
    const requester = await approvals.principalIdNamed(scope.db, request.requester);
    if (!requester) return;
    await this.deps.notify(scope, {
      kind: 'request_decided',
      recipients: [requester],
      subject: `Transition request ${outcome}: ${request.name} v${request.version} → ${targetLabel(request)}`,
      body:
        `Your request ${request.id} was ${outcome}${request.decidedBy && outcome !== 'expired' ? ` by ${request.decidedBy}` : ''}.` +
        (request.decisionComment ? `\nComment: ${request.decisionComment}` : ''),
      link: `/models/${encodeURIComponent(request.name)}/versions/${request.version}`,
      resource: { kind: 'model', name: request.name, version: request.version },
    });
  }

  private async present(db: Executor, rows: readonly TransitionRequestsTable[]): Promise<TransitionRequest[]> {
    const names = new Map<string, string>();
    for (const modelId of new Set(rows.map((row) => row.model_id))) {
      names.set(modelId, (await findModelNameById(db, modelId)) ?? modelId);
    }
    const activity = await approvals.activityRows(
      db,
      rows.map((row) => row.request_id),
    );
    return rows.map((row) => presentRequest(row, names.get(row.model_id)!, activity));
  }
}

function parseTarget(stage: string | undefined, alias: string | undefined): TransitionTarget {
  if ((stage === undefined) === (alias === undefined)) {
    throw new MnemoError('INVALID_PARAMETER_VALUE', 'A transition request names either a stage or an alias');
  }
  return stage !== undefined ? { stage: parseStage(stage) } : { alias: validateAlias(alias!) };
}

function optionalComment(comment: string | undefined): string | null {
  const text = comment?.trim() ?? '';
  if (text === '') return null;
  checkText(text, 'comment', COMMENT_LIMIT);
  return text;
}

function targetLabel(request: TransitionRequest): string {
  return request.stage ?? `@${request.alias}`;
}

function aliasEvents(result: Decision): RegistryEvent[] {
  const request = result.request;
  if (!result.applied || request.alias === undefined) return [];
  return [{ kind: 'model_version_alias.created', name: request.name, alias: request.alias, version: request.version }];
}
