import { invalid } from '../errors.js';
import { compileLinearPattern, type LinearPattern } from '../text/linear-pattern.js';

/** Entity kinds that can carry a naming rule and a metadata schema subject. */
export const ENTITY_KINDS = ['model', 'model_version', 'dataset', 'run', 'experiment'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

export function parseEntityKind(raw: string): EntityKind {
  const kind = ENTITY_KINDS.find((k) => k === raw);
  if (kind === undefined) throw invalid(`Unknown entity kind '${raw}'; allowed: ${ENTITY_KINDS.join(', ')}`);
  return kind;
}

export interface NamingRule {
  entityKind: EntityKind;
  pattern: string;
  description: string | null;
}

export const MAX_PATTERN_LENGTH = 500;

/**
 * Compiles a rule's pattern in a linear-time engine (the rule runs on every create, on names clients choose),
 * refusing what is not a valid pattern with the engine's reason.
 */
export function compileNamingPattern(pattern: string): LinearPattern {
  if (pattern === '' || pattern.length > MAX_PATTERN_LENGTH) {
    throw invalid(`A naming rule pattern must be 1-${MAX_PATTERN_LENGTH} characters`);
  }
  try {
    return compileLinearPattern(pattern);
  } catch (error) {
    throw invalid(`Naming rule pattern '${pattern}' is not a valid regular expression: ${(error as Error).message}`);
  }
}

/** Refuses a name that does not match its kind's rule, quoting the rule so the caller can fix the name. */
export function enforceNamingRule(rule: NamingRule | undefined, name: string): void {
  const broken = namingViolation(rule, name);
  if (broken !== undefined) throw invalid(broken);
}

/** Why a name breaks its kind's rule (quoting the rule), or undefined when it follows it or there is none. */
export function namingViolation(rule: NamingRule | undefined, name: string): string | undefined {
  if (rule === undefined || compileNamingPattern(rule.pattern).test(name)) return undefined;
  const why = rule.description ? ` (${rule.description})` : '';
  return `Name '${name}' does not follow the naming rule for ${rule.entityKind}: ${rule.pattern}${why}`;
}
