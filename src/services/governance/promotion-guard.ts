import { builtinPolicies, DEFAULT_PROTECTED_TARGETS } from '../../domain/governance/builtin-policies.js';
import {
  describeTarget,
  type NamedPolicy,
  type PolicyTarget,
  policiesFor,
  type RecordedFailure,
} from '../../domain/governance/policy.js';
import { policyContext } from '../../domain/governance/policy-context.js';
import {
  describeFailures,
  judge,
  PolicyFailedError,
  type PolicyVerdict,
  type RuleFailure,
} from '../../domain/governance/policy-verdict.js';
import { findModelNameById } from '../../store/repositories/registry/model-repository.js';
import { listPolicies } from '../../store/repositories/registry/policy-repository.js';
import type { RegisteredModelsTable } from '../../store/schema-registry.js';
import type { Executor } from '../../store/store.js';
import { currentContext } from '../request-context.js';
import type { ServiceDeps } from '../service-deps.js';
import type { WriteScope } from '../unit-of-work.js';
import { loadVersionRecord, type RecordSources } from './version-record-loader.js';

export interface PromotionRequest {
  model: RegisteredModelsTable;
  version: number;
  target: PolicyTarget;
  /** An administrator's break-glass: failures are recorded with this reason instead of refusing the change. */
  override?: { reason: string } | undefined;
}

/**
 * Called by the stage and alias services in the path that applies a change (a direct transition, or an approved
 * request being applied), inside its transaction: throws PolicyFailedError naming every failed rule, so nothing
 * changes; with an override, records what it let through and returns.
 */
export interface PromotionGuard {
  check(scope: WriteScope, request: PromotionRequest): Promise<PolicyVerdict>;
  /** Records a refusal after its transaction rolled back (the audit event and who is told of it). */
  recordRefusal(refusal: PolicyFailedError): Promise<void>;
}

/** A notification as the notification service takes it (inbox entry, and e-mail where configured). */
export interface PolicyNotification {
  kind: 'policy_failed' | 'break_glass_used';
  /** Principal ids. */
  recipients: readonly string[];
  subject: string;
  body: string;
  link?: string;
  resource?: { kind: 'model'; name: string; version?: number };
}

/** The `policy.failed` registry event's fields (its kind aside), as webhooks deliver it. */
export interface PolicyFailedAnnouncement {
  name: string;
  version: number;
  target: PolicyTarget;
  failures: { rule: string; message: string }[];
  overridden: boolean;
}

export type PolicyGuardDeps = Pick<ServiceDeps, 'store' | 'unitOfWork' | 'now'> &
  RecordSources & {
    /** Targets the built-in rules guard; stage Production when absent. */
    protectedTargets?: readonly PolicyTarget[];
    /** Stores a notification inside the write's transaction. */
    notify?: (scope: WriteScope, input: PolicyNotification) => Promise<void>;
    /**
     * Stages the `policy.failed` registry event (webhooks) in the write's transaction: for a refusal, in the write
     * that records it; for an override, in the transition's own.
     */
    announcePolicyFailed?: (scope: WriteScope, event: PolicyFailedAnnouncement) => Promise<void>;
    /** Principal ids holding manager on a registered model: who hears of its refusals and overrides. */
    managersOfModel?: (db: Executor, modelId: string) => Promise<string[]>;
  };

/** Evaluates the policies on a target, built-in and stored, for one version; writes nothing. */
export async function evaluatePolicies(
  deps: PolicyGuardDeps,
  db: Executor,
  model: RegisteredModelsTable,
  version: number,
  target: PolicyTarget,
  options: { only?: readonly NamedPolicy[]; approvals: boolean },
): Promise<PolicyVerdict> {
  const policies = options.only ?? (await governingPolicies(deps, db, model.model_id, target));
  // Most transitions meet no policy at all: they pay for one small read, not for loading the version's record.
  if (policies.length === 0) return judge([], {});
  const record = await loadVersionRecord(deps, db, model, version, target, { approvals: options.approvals });
  return judge(policies, policyContext(record, target, deps.now()));
}

/** The built-in and stored policies that govern a target for one model. */
export async function governingPolicies(
  deps: Pick<PolicyGuardDeps, 'protectedTargets'>,
  db: Executor,
  modelId: string,
  target: PolicyTarget,
): Promise<NamedPolicy[]> {
  const stored = await listPolicies(db, { modelId });
  const named: NamedPolicy[] = [];
  for (const policy of policiesFor(stored, modelId, target)) {
    const model = policy.modelId === null ? null : ((await findModelNameById(db, policy.modelId)) ?? null);
    named.push({ ...policy, model, builtin: false });
  }
  return [
    ...policiesFor(builtinPolicies(deps.protectedTargets ?? DEFAULT_PROTECTED_TARGETS), modelId, target),
    ...named,
  ];
}

/**
 * Runs a change that may be refused by policy, and records the refusal once the change's transaction has rolled
 * back. Recording is best effort: the caller hears of the refusal whatever becomes of its record.
 */
export async function refusalsRecorded<T>(guard: PromotionGuard | undefined, change: Promise<T>): Promise<T> {
  try {
    return await change;
  } catch (error) {
    if (guard && error instanceof PolicyFailedError) {
      await guard.recordRefusal(error).catch(() => undefined);
    }
    throw error;
  }
}

const recorded = (failures: readonly RuleFailure[]): RecordedFailure[] =>
  failures.map((f) => ({
    policy: f.policy,
    policyVersion: f.policyVersion,
    rule: f.rule,
    expression: f.expression,
    error: f.error,
  }));

function announcement(
  name: string,
  version: number,
  target: PolicyTarget,
  failures: readonly RuleFailure[],
  overridden: boolean,
): PolicyFailedAnnouncement {
  return {
    name,
    version,
    target,
    failures: failures.map((f) => ({ rule: `${f.policy}/${f.rule}`, message: describeFailures([f]) })),
    overridden,
  };
}

const versionLink = (model: string, version: number) => `/models/${encodeURIComponent(model)}/versions/${version}`;

export class PolicyPromotionGuard implements PromotionGuard {
  constructor(private readonly deps: PolicyGuardDeps) {}

  async check(scope: WriteScope, request: PromotionRequest): Promise<PolicyVerdict> {
    const { model, version, target } = request;
    const verdict = await evaluatePolicies(this.deps, scope.db, model, version, target, { approvals: false });
    if (verdict.passed) return verdict;
    if (!request.override) {
      throw new PolicyFailedError({ model: model.name, modelId: model.model_id, version }, target, verdict.failures);
    }
    scope.audit({
      action: 'model_version.policy_override',
      entityKind: 'model_version',
      entityId: `${model.model_id}/${version}`,
      state: {
        name: model.name,
        version,
        target,
        reason: request.override.reason,
        failures: recorded(verdict.failures),
      },
    });
    await this.deps.announcePolicyFailed?.(scope, announcement(model.name, version, target, verdict.failures, true));
    const actor = currentContext().actor;
    await this.tell(scope, model.model_id, {
      kind: 'break_glass_used',
      subject: `Policies overridden: ${model.name} v${version} → ${describeTarget(target)}`,
      body:
        `${actor} moved ${model.name} version ${version} to ${describeTarget(target)} past failed policies.\n` +
        `Reason: ${request.override.reason}\nOverridden: ${describeFailures(verdict.failures)}`,
      link: versionLink(model.name, version),
      resource: { kind: 'model', name: model.name, version },
    });
    return verdict;
  }

  async recordRefusal(refusal: PolicyFailedError): Promise<void> {
    const { model, modelId, version } = refusal.refused;
    const { actor, principalId } = currentContext();
    await this.deps.unitOfWork.write(async (scope) => {
      scope.audit({
        action: 'model_version.policy_refusal',
        entityKind: 'model_version',
        entityId: `${modelId}/${version}`,
        state: { name: model, version, target: refusal.target, failures: recorded(refusal.failures) },
      });
      await this.deps.announcePolicyFailed?.(
        scope,
        announcement(model, version, refusal.target, refusal.failures, false),
      );
      await this.tell(
        scope,
        modelId,
        {
          kind: 'policy_failed',
          subject: `Policy failed: ${model} v${version} → ${describeTarget(refusal.target)}`,
          body:
            `${actor} tried to move ${model} version ${version} to ${describeTarget(refusal.target)}; ` +
            `${refusal.failures.length} rule(s) failed:\n${describeFailures(refusal.failures)}`,
          link: versionLink(model, version),
          resource: { kind: 'model', name: model, version },
        },
        principalId,
      );
    });
  }

  /** Notifies the model's managers (and whoever asked, for a refusal), when notifications are in place. */
  private async tell(
    scope: WriteScope,
    modelId: string,
    message: Omit<PolicyNotification, 'recipients'>,
    also?: string,
  ): Promise<void> {
    if (!this.deps.notify) return;
    const managers = (await this.deps.managersOfModel?.(scope.db, modelId)) ?? [];
    const recipients = also ? [also, ...managers] : managers;
    if (recipients.length > 0) await this.deps.notify(scope, { ...message, recipients });
  }
}
