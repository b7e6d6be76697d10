import { MnemoError } from '../errors.js';
import type { SchemaRef } from '../registry/entities.js';

/** Which house rule a record breaks: its kind's naming rule, a tag vocabulary, or its metadata schema. */
export type RuleKind = 'naming_rule' | 'vocabulary' | 'metadata_schema';

/** One way a record breaks the house rules: where (a JSON Pointer into its metadata document) and what. */
export interface RuleViolation {
  rule: RuleKind;
  path: string;
  message: string;
}

/**
 * A record refused for breaking the house rules. It carries every violation (of every rule, not just the first
 * found) so the caller can fix them all at once; the API lists them as `violations`, with the schema that applied.
 */
export class RulesViolationError extends MnemoError {
  constructor(
    readonly what: string,
    readonly violations: readonly RuleViolation[],
    readonly schema: SchemaRef | null,
  ) {
    const count = `${violations.length} violation${violations.length === 1 ? '' : 's'}`;
    super(
      'INVALID_PARAMETER_VALUE',
      `${what} breaks the server's rules (${count}): ${violations.map((v) => `${v.path}: ${v.message}`).join('; ')}`,
    );
    this.details = { schema, violations };
  }
}

/** Throws when there is anything to refuse; returns otherwise. */
export function refuseViolations(what: string, violations: readonly RuleViolation[], schema: SchemaRef | null): void {
  if (violations.length > 0) throw new RulesViolationError(what, violations, schema);
}
