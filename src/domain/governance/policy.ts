import { invalid } from '../errors.js';
import { validateAlias } from '../registry/aliases.js';
import { parseStage, type Stage } from '../registry/stages.js';

/** Where a policy applies: a version moving to a stage, or an alias being pointed at a version. */
export type PolicyTarget = { stage: Stage } | { alias: string };

/** One named CEL expression over a version's record; it passes when it evaluates to true. */
export interface PolicyRule {
  name: string;
  expression: string;
  description: string | null;
}

/**
 * A named set of rules attached to a target, for every model (`modelId` null) or for one. Each put makes a new
 * version; the audit log keeps every earlier one.
 */
export interface Policy {
  name: string;
  version: number;
  description: string | null;
  /** The model the policy applies to, by id (it survives renames); null for every model. */
  modelId: string | null;
  target: PolicyTarget;
  rules: PolicyRule[];
  creationTime: number;
  lastUpdatedTime: number;
}

/** A policy as clients see it: with the model's current name beside its id. */
export interface NamedPolicy extends Policy {
  model: string | null;
  /** Built-in policies ship with the server: they can be read and tested, not changed. */
  builtin: boolean;
}

const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,99}$/;
export const MAX_RULES = 100;
export const MAX_EXPRESSION_LENGTH = 4000;
/** Names of built-in policies start so; no stored policy may take one. */
export const BUILTIN_PREFIX = 'builtin.';

export function validatePolicyName(name: string): string {
  if (!NAME_PATTERN.test(name)) {
    throw invalid(`Invalid policy name '${name}': use 1-100 lower-case letters, digits, '.', '_' or '-'`);
  }
  if (name.startsWith(BUILTIN_PREFIX)) throw invalid(`Policy names starting '${BUILTIN_PREFIX}' are reserved`);
  return name;
}

export function validateRuleName(name: string): string {
  if (!NAME_PATTERN.test(name)) {
    throw invalid(`Invalid rule name '${name}': use 1-100 lower-case letters, digits, '.', '_' or '-'`);
  }
  return name;
}

/** A target from its wire form: exactly one of a stage (any letter case) or an alias. */
export function parseTarget(raw: { stage?: string | undefined; alias?: string | undefined }): PolicyTarget {
  if ((raw.stage === undefined) === (raw.alias === undefined)) {
    throw invalid('A policy target names exactly one of a stage or an alias');
  }
  return raw.stage !== undefined ? { stage: parseStage(raw.stage) } : { alias: validateAlias(raw.alias!) };
}

export function describeTarget(target: PolicyTarget): string {
  return 'stage' in target ? `stage ${target.stage}` : `alias '${target.alias}'`;
}

export function sameTarget(a: PolicyTarget, b: PolicyTarget): boolean {
  return 'stage' in a ? 'stage' in b && a.stage === b.stage : 'alias' in b && a.alias === b.alias;
}

/** The policies that govern a transition: those on its target, global or for the version's model. */
export function policiesFor<P extends Pick<Policy, 'modelId' | 'target'>>(
  policies: readonly P[],
  modelId: string,
  target: PolicyTarget,
): P[] {
  return policies.filter(
    (policy) => (policy.modelId === null || policy.modelId === modelId) && sameTarget(policy.target, target),
  );
}

/** A failed rule as the audit log keeps it (the values it saw are left to the answer the caller got). */
export interface RecordedFailure {
  policy: string;
  policyVersion: number;
  rule: string;
  expression: string;
  error: string | null;
}

/** What the audit log records when an administrator moves a version past the rules it failed. */
export interface PolicyOverrideState {
  name: string;
  version: number;
  target: PolicyTarget;
  reason: string;
  failures: RecordedFailure[];
}

/** What the audit log records when policies refused a transition: who tried to move what where, and why not. */
export interface PolicyRefusalState {
  name: string;
  version: number;
  target: PolicyTarget;
  failures: RecordedFailure[];
}
