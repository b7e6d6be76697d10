import { builtinPolicies, DEFAULT_PROTECTED_TARGETS } from '../../domain/governance/builtin-policies.js';
import { type NamedPolicy, type PolicyTarget, policiesFor } from '../../domain/governance/policy.js';
import { policyContext } from '../../domain/governance/policy-context.js';
import {
  failureMessage,
  judge,
  PolicyFailedError,
  type PolicyVerdict,
} from '../../domain/governance/policy-verdict.js';
import { findModelNameById } from '../../store/repositories/registry/model-repository.js';
import { listPolicies } from '../../store/repositories/registry/policy-repository.js';
import type { RegisteredModelsTable } from '../../store/schema-registry.js';
import type { Executor } from '../../store/store.js';
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
}

export type PolicyGuardDeps = Pick<ServiceDeps, 'store' | 'unitOfWork' | 'now'> &
  RecordSources & {
    /** Targets the built-in rules guard; stage Production when absent. */
    protectedTargets?: readonly PolicyTarget[];
    /** Told of an override inside its transaction (a notification to administrators and the model's owners). */
    overridden?: (
      scope: WriteScope,
      override: { model: string; version: number; verdict: PolicyVerdict },
    ) => Promise<void>;
  };

/** Evaluates the policies on a target, built-in and stored, for one version; writes nothing. */
export async function evaluatePolicies(
  deps: PolicyGuardDeps,
  db: Executor,
  model: RegisteredModelsTable,
  version: number,
  target: PolicyTarget,
  only?: readonly NamedPolicy[],
): Promise<PolicyVerdict> {
  const record = await loadVersionRecord(deps, db, model, version, target);
  const policies = only ?? (await governingPolicies(deps, db, model.model_id, target));
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

export class PolicyPromotionGuard implements PromotionGuard {
  constructor(private readonly deps: PolicyGuardDeps) {}

  async check(scope: WriteScope, request: PromotionRequest): Promise<PolicyVerdict> {
    const { model, version, target } = request;
    const verdict = await evaluatePolicies(this.deps, scope.db, model, version, target);
    if (verdict.passed) return verdict;
    if (!request.override) {
      throw new PolicyFailedError(
        target,
        verdict.failures,
        failureMessage(model.name, version, target, verdict.failures),
      );
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
        failures: verdict.failures.map((f) => ({
          policy: f.policy,
          policyVersion: f.policyVersion,
          rule: f.rule,
          expression: f.expression,
          error: f.error,
        })),
      },
    });
    await this.deps.overridden?.(scope, { model: model.name, version, verdict });
    return verdict;
  }
}
