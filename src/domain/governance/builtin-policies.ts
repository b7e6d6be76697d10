import type { NamedPolicy, PolicyTarget } from './policy.js';

/** Targets guarded out of the box: a version may reach them only with its recorded checks passed. */
export const DEFAULT_PROTECTED_TARGETS: readonly PolicyTarget[] = [{ stage: 'Production' }];

/**
 * The built-in rules: a version whose newest fairness or drift check failed, or that must be revalidated, stays out
 * of protected targets unless an administrator overrides them (the override is recorded). Evaluated by the same
 * guard as stored policies, so `mnemo gate` reports them too.
 */
export function builtinPolicies(protectedTargets: readonly PolicyTarget[] = DEFAULT_PROTECTED_TARGETS): NamedPolicy[] {
  return protectedTargets.map((target) => ({
    name: `builtin.recorded-checks-passed${'alias' in target ? `.${target.alias}` : ''}`,
    version: 1,
    description: 'A version with a failed fairness or drift check, or one that needs revalidation, is not promoted',
    modelId: null,
    model: null,
    builtin: true,
    target,
    rules: [
      {
        name: 'fairness-checks-passed',
        expression: 'version.checks.all(c, c.kind != "fairness" || c.passed)',
        description: 'Every fairness check recorded on the version passed (its newest result counts)',
      },
      {
        name: 'drift-checks-passed',
        expression: 'version.checks.all(c, c.kind != "drift" || c.passed)',
        description: 'Every drift check recorded on the version passed (its newest result counts)',
      },
      {
        name: 'not-awaiting-revalidation',
        expression: '!version.needs_revalidation',
        description: 'The version is not flagged for revalidation',
      },
    ],
    creationTime: 0,
    lastUpdatedTime: 0,
  }));
}
