import { invalid, notFound } from '../../domain/errors.js';
import { builtinPolicies, DEFAULT_PROTECTED_TARGETS } from '../../domain/governance/builtin-policies.js';
import {
  BUILTIN_PREFIX,
  MAX_RULES,
  type NamedPolicy,
  type Policy,
  type PolicyRule,
  type PolicyTarget,
  parseTarget,
  validatePolicyName,
  validateRuleName,
} from '../../domain/governance/policy.js';
import { type ApprovalState, policyContext } from '../../domain/governance/policy-context.js';
import { compileRule } from '../../domain/governance/policy-language.js';
import { judge, type PolicyVerdict } from '../../domain/governance/policy-verdict.js';
import { checkText } from '../../domain/registry/model-card.js';
import { findModelNameById } from '../../store/repositories/registry/model-repository.js';
import * as stored from '../../store/repositories/registry/policy-repository.js';
import type { RegisteredModelsTable } from '../../store/schema-registry.js';
import type { Executor } from '../../store/store.js';
import { parseVersionNumber, requireModel, requireVersion } from '../registry/model-lookup.js';
import { evaluatePolicies, governingPolicies, type PolicyGuardDeps } from './promotion-guard.js';
import { loadVersionRecord } from './version-record-loader.js';

/** Versions whose policy records are read at the same time by `verdicts`. */
const VERDICT_CONCURRENCY = 4;

export interface PolicyInput {
  description?: string | null | undefined;
  /** The model the policy is for; absent or null for every model. */
  model?: string | null | undefined;
  target: { stage?: string | undefined; alias?: string | undefined };
  rules: { name: string; expression: string; description?: string | null | undefined }[];
}

export interface GateResult {
  passed: boolean;
  model: string;
  version: number;
  target: PolicyTarget;
  verdict: PolicyVerdict;
  /** Where approvals stand, when an approval workflow is in place; null when none reports on the target. */
  approval: (ApprovalState & { satisfied: boolean }) | null;
}

/**
 * Promotion policies: named, versioned sets of CEL rules on a stage or alias, for every model or one. Rules are
 * compiled when saved, so a policy that cannot run is refused then, not when a promotion meets it.
 */
export class PolicyService {
  constructor(private readonly deps: PolicyGuardDeps) {}

  async put(name: string, input: PolicyInput): Promise<NamedPolicy> {
    validatePolicyName(name);
    const target = parseTarget(input.target);
    const rules = validateRules(input.rules);
    if (input.description) checkText(input.description, 'description', 5000);
    return this.deps.unitOfWork.write(async ({ db, audit }) => {
      const modelId = input.model ? (await requireModel(db, input.model)).model_id : null;
      const previous = await stored.findPolicy(db, name);
      const now = this.deps.now();
      const policy: Policy = {
        name,
        version: (previous?.version ?? 0) + 1,
        description: input.description ?? null,
        modelId,
        target,
        rules,
        creationTime: previous?.creationTime ?? now,
        lastUpdatedTime: now,
      };
      await stored.savePolicy(db, policy);
      audit({ action: 'policy.put', entityKind: 'policy', entityId: name, state: policy });
      return this.named(db, policy);
    });
  }

  /** Built-in policies first, then stored ones by name; only those that apply to `model` when it is given. */
  async list(filter: { model?: string | undefined } = {}): Promise<NamedPolicy[]> {
    const db = this.deps.store.db;
    const modelId = filter.model ? (await requireModel(db, filter.model)).model_id : undefined;
    const policies = await stored.listPolicies(db, { modelId });
    return [...this.builtins(), ...(await Promise.all(policies.map((p) => this.named(db, p))))];
  }

  async get(name: string): Promise<NamedPolicy> {
    const builtin = this.builtins().find((p) => p.name === name);
    if (builtin) return builtin;
    const db = this.deps.store.db;
    const policy = await stored.findPolicy(db, name);
    if (!policy) throw notFound(`No policy named '${name}'`);
    return this.named(db, policy);
  }

  /** The model a stored policy is for (undefined for a global or unknown one): what writing it needs a role on. */
  async modelOf(name: string): Promise<{ id: string; name: string } | 'global' | undefined> {
    const db = this.deps.store.db;
    const policy = await stored.findPolicy(db, name);
    if (!policy) return name.startsWith(BUILTIN_PREFIX) ? 'global' : undefined;
    if (policy.modelId === null) return 'global';
    const modelName = await findModelNameById(db, policy.modelId);
    return modelName === undefined ? 'global' : { id: policy.modelId, name: modelName };
  }

  async delete(name: string): Promise<void> {
    if (name.startsWith(BUILTIN_PREFIX)) throw invalid(`Built-in policy '${name}' cannot be deleted`);
    await this.deps.unitOfWork.write(async ({ db, audit }) => {
      if (!(await stored.deletePolicy(db, name))) throw notFound(`No policy named '${name}'`);
      audit({ action: 'policy.delete', entityKind: 'policy', entityId: name, state: { deleted: true } });
    });
  }

  /**
   * Evaluates the given rules (or a stored policy) against a version without saving or changing anything: how a
   * policy is tried before it is put in force.
   */
  async test(
    modelName: string,
    rawVersion: string | number,
    input: { policy?: string | undefined; rules?: PolicyInput['rules'] | undefined; target?: PolicyInput['target'] },
  ): Promise<PolicyVerdict> {
    const version = parseVersionNumber(rawVersion);
    if ((input.policy === undefined) === (input.rules === undefined)) {
      throw invalid('Name a stored policy or give rules to test, not both');
    }
    const policy: NamedPolicy = input.policy
      ? await this.get(input.policy)
      : {
          name: 'test',
          version: 0,
          description: null,
          modelId: null,
          model: null,
          builtin: false,
          target: input.target ? parseTarget(input.target) : { stage: 'Production' },
          rules: validateRules(input.rules!),
          creationTime: 0,
          lastUpdatedTime: 0,
        };
    const target = input.target ? parseTarget(input.target) : policy.target;
    const db = this.deps.store.db;
    const model = await requireModel(db, modelName);
    await requireVersion(db, model, version);
    return evaluatePolicies(this.deps, db, model, version, target, { only: [policy], approvals: true });
  }

  /** What `mnemo gate` asks: would this version pass onto this target now, policies and approvals both? */
  async gate(modelName: string, rawVersion: string | number, rawTarget: PolicyInput['target']): Promise<GateResult> {
    const version = parseVersionNumber(rawVersion);
    const target = parseTarget(rawTarget);
    const db = this.deps.store.db;
    const model = await requireModel(db, modelName);
    await requireVersion(db, model, version);
    const verdict = await evaluatePolicies(this.deps, db, model, version, target, { approvals: true });
    const state = await this.deps.approvalState?.({ model: model.name, version, target });
    const approval = state ? { ...state, satisfied: !state.required || state.approvals >= state.needed } : null;
    return {
      passed: verdict.passed && (approval?.satisfied ?? true),
      model: model.name,
      version,
      target,
      verdict,
      approval,
    };
  }

  /**
   * The policy verdicts of many versions of one model on each target, as the gate would give them (approvals
   * included). The policies governing each target are read once for all versions, and each version's record once
   * for all its targets (only where a policy governs one): what differs between targets is the approvals, read per
   * target. A model with no policy on its targets costs no version its record.
   */
  async verdicts(
    model: RegisteredModelsTable,
    versions: readonly number[],
    targets: readonly PolicyTarget[],
  ): Promise<Map<number, { target: PolicyTarget; verdict: PolicyVerdict }[]>> {
    const db = this.deps.store.db;
    const governed: { target: PolicyTarget; policies: NamedPolicy[] }[] = [];
    for (const target of targets) {
      governed.push({ target, policies: await governingPolicies(this.deps, db, model.model_id, target) });
    }
    const byVersion = new Map<number, { target: PolicyTarget; verdict: PolicyVerdict }[]>();
    const anyPolicy = governed.some((g) => g.policies.length > 0);
    const judgeVersion = async (version: number) => {
      const record = anyPolicy
        ? await loadVersionRecord(this.deps, db, model, version, governed[0]!.target, { approvals: false })
        : undefined;
      const results = [];
      for (const { target, policies } of governed) {
        if (policies.length === 0 || record === undefined) {
          results.push({ target, verdict: judge([], {}) });
          continue;
        }
        const approvals = (await this.deps.approvalState?.({ model: model.name, version, target })) ?? null;
        const context = policyContext({ ...record, approvals }, target, this.deps.now());
        results.push({ target, verdict: judge(policies, context) });
      }
      byVersion.set(version, results);
    };
    // A few versions at a time: each record is a chain of small reads, and a pooled database answers several chains
    // at once, while a page of versions never holds more than a few of its connections.
    const queue = [...versions];
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) await judgeVersion(next);
    };
    await Promise.all(Array.from({ length: Math.min(VERDICT_CONCURRENCY, queue.length) }, worker));
    return byVersion;
  }

  private builtins(): NamedPolicy[] {
    return builtinPolicies(this.deps.protectedTargets ?? DEFAULT_PROTECTED_TARGETS);
  }

  private async named(db: Executor, policy: Policy): Promise<NamedPolicy> {
    // A policy outlives a deleted model (it applies to nothing then); it must not read as a global one.
    const model =
      policy.modelId === null
        ? null
        : ((await findModelNameById(db, policy.modelId)) ?? `(deleted model ${policy.modelId})`);
    return { ...policy, model, builtin: false };
  }
}

/** Rules with unique valid names, each compiled (a rule that does not compile refuses the whole policy). */
function validateRules(rules: PolicyInput['rules']): PolicyRule[] {
  if (rules.length === 0 || rules.length > MAX_RULES) throw invalid(`A policy has 1-${MAX_RULES} rules`);
  const names = new Set<string>();
  return rules.map((rule) => {
    validateRuleName(rule.name);
    if (names.has(rule.name)) throw invalid(`Rule name '${rule.name}' is used twice`);
    names.add(rule.name);
    if (rule.description) checkText(rule.description, 'rule description', 2000);
    compileRule(rule.name, rule.expression);
    return { name: rule.name, expression: rule.expression, description: rule.description ?? null };
  });
}
