import { type RuleViolation, refuseViolations } from '../../domain/governance/rule-violation.js';
import type { SchemaRef } from '../../domain/registry/entities.js';
import type { MetadataDocument } from '../../domain/registry/metadata-document.js';
import { type EntityKind, namingViolation } from '../../domain/registry/naming-rule.js';
import { validateDocument } from '../../domain/registry/schema/json-schema.js';
import { vocabularyViolations } from '../../domain/registry/vocabulary.js';
import type { KeyValue } from '../../domain/tracking/entities.js';
import { findNamingRule, listVocabularies } from '../../store/repositories/registry/governance-repository.js';
import { findSchema, findSubject } from '../../store/repositories/registry/schema-repository.js';
import type { Executor } from '../../store/store.js';
import { governingSubject } from '../registry/metadata-gate.js';

/**
 * What one tracking write must satisfy of the house rules the registry keeps (naming rules, tag vocabularies,
 * metadata schemas): checked inside the write's transaction, after its changes, so a refusal leaves nothing behind
 * and a rule changed concurrently cannot be skipped.
 */
export interface RuleCheck {
  kind: EntityKind;
  /** How the refusal names the record ("Run 'a1b2…'"). */
  what: string;
  /** A name being given (on create or rename): it must follow the kind's naming rule. */
  name?: string | undefined;
  /** Tags being set: controlled keys must use their vocabulary. Tags already stored are not checked again. */
  tags?: readonly KeyValue[] | undefined;
  /**
   * The record's metadata document as the write leaves it, and the name that scopes its schema subject
   * (`run:<experiment name>`, `dataset:<name>`). `partial`: required fields may still be missing.
   */
  document?: (() => Promise<MetadataDocument>) | undefined;
  scope?: string | undefined;
  partial?: boolean | undefined;
}

/** Refuses the write with every violation of every rule at once (400, `violations`), or returns. */
export async function enforceRules(db: Executor, check: RuleCheck): Promise<void> {
  const violations: RuleViolation[] = [];
  if (check.name !== undefined) {
    const broken = namingViolation(await findNamingRule(db, check.kind), check.name);
    if (broken !== undefined) violations.push({ rule: 'naming_rule', path: '/name', message: broken });
  }
  if (check.tags !== undefined && check.tags.length > 0) {
    const vocabularies = await listVocabularies(db, [...new Set(check.tags.map((t) => t.key))]);
    const byKey = new Map(vocabularies.map((v) => [v.tagKey, v]));
    for (const { key, message } of vocabularyViolations(byKey, check.tags)) {
      violations.push({ rule: 'vocabulary', path: `/tags/${escapePointer(key)}`, message });
    }
  }
  let schema: SchemaRef | null = null;
  if (check.document !== undefined && check.scope !== undefined) {
    const subject = await governingSubject(db, check.kind, check.scope);
    if (subject !== undefined) {
      const version = (await findSubject(db, subject))!.latestVersion;
      const stored = (await findSchema(db, subject, version))!;
      schema = { subject, version };
      const document = await check.document();
      for (const v of validateDocument(stored.schema, document, { partial: check.partial === true })) {
        violations.push({ rule: 'metadata_schema', path: v.path, message: v.message });
      }
    }
  }
  refuseViolations(check.what, violations, schema);
}

/** A key as one JSON Pointer segment (RFC 6901), so `/tags/a~1b` names the tag `a/b`. */
function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}
