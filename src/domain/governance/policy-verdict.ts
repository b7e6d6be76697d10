import { MnemoError } from '../errors.js';
import { describeTarget, type NamedPolicy, type PolicyTarget } from './policy.js';
import { evaluateRule } from './policy-language.js';

/** A rule that did not pass, with what it saw: enough for a person to tell what to fix. */
export interface RuleFailure {
  policy: string;
  policyVersion: number;
  builtin: boolean;
  rule: string;
  expression: string;
  description: string | null;
  /** Why the rule could not be evaluated, when it could not; null when it simply came out false. */
  error: string | null;
  seen: Record<string, unknown>;
}

export interface PolicyVerdict {
  passed: boolean;
  /** Every policy evaluated, with how many of its rules passed. */
  policies: { name: string; version: number; builtin: boolean; passed: boolean; rules: number; failed: number }[];
  failures: RuleFailure[];
}

/** Evaluates every rule of every policy (none stops at the first failure) against one record's context. */
export function judge(policies: readonly NamedPolicy[], context: Record<string, unknown>): PolicyVerdict {
  const failures: RuleFailure[] = [];
  const summary: PolicyVerdict['policies'] = [];
  for (const policy of policies) {
    let failed = 0;
    for (const rule of policy.rules) {
      const outcome = evaluateRule(rule.name, rule.expression, context);
      if (outcome.passed) continue;
      failed += 1;
      failures.push({
        policy: policy.name,
        policyVersion: policy.version,
        builtin: policy.builtin,
        rule: rule.name,
        expression: rule.expression,
        description: rule.description,
        error: outcome.error,
        seen: outcome.seen,
      });
    }
    summary.push({
      name: policy.name,
      version: policy.version,
      builtin: policy.builtin,
      passed: failed === 0,
      rules: policy.rules.length,
      failed,
    });
  }
  return { passed: failures.length === 0, policies: summary, failures };
}

/** One line per failure: `policy/rule: expression (error) — saw path=value, …`. */
export function describeFailures(failures: readonly RuleFailure[]): string {
  return failures
    .map((f) => {
      const seen = Object.entries(f.seen)
        .map(([path, value]) => `${path}=${JSON.stringify(value)}`)
        .join(', ');
      return `${f.policy}/${f.rule}: ${f.expression}${f.error ? ` (${f.error})` : ''}${seen ? ` — saw ${seen}` : ''}`;
    })
    .join('; ');
}

export function failureMessage(name: string, version: number, target: PolicyTarget, failures: readonly RuleFailure[]) {
  return (
    `Model version ${name}/${version} may not move to ${describeTarget(target)}: ` +
    `${failures.length} polic${failures.length === 1 ? 'y rule' : 'y rules'} failed: ${describeFailures(failures)}`
  );
}

/** A transition refused by policy: carries every failed rule so each API surface can list them. */
export class PolicyFailedError extends MnemoError {
  constructor(
    readonly refused: { model: string; modelId: string; version: number },
    readonly target: PolicyTarget,
    readonly failures: readonly RuleFailure[],
  ) {
    super('INVALID_STATE', failureMessage(refused.model, refused.version, target, failures));
  }
}
