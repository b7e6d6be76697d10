import { type EntityKind, enforceNamingRule } from '../../domain/registry/naming-rule.js';
import { enforceVocabularies } from '../../domain/registry/vocabulary.js';
import type { KeyValue } from '../../domain/tracking/entities.js';
import { validateKey, validateLength } from '../../domain/tracking/limits.js';
import { findNamingRule, listVocabularies } from '../../store/repositories/registry/governance-repository.js';
import type { Executor } from '../../store/store.js';

const TAG_VALUE_LIMIT = 5000;

/**
 * The registry's house rules, checked inside the write's transaction so a rule changed concurrently cannot be
 * skipped: names follow their kind's naming rule and controlled tags use their vocabulary.
 */
export async function checkName(db: Executor, kind: EntityKind, name: string): Promise<void> {
  enforceNamingRule(await findNamingRule(db, kind), name);
}

export async function checkTags(db: Executor, tags: readonly KeyValue[]): Promise<void> {
  for (const tag of tags) {
    validateKey(tag.key, 'tag key');
    validateLength(tag.value, TAG_VALUE_LIMIT, `value of tag '${tag.key}'`);
  }
  const vocabularies = await listVocabularies(
    db,
    tags.map((t) => t.key),
  );
  enforceVocabularies(new Map(vocabularies.map((v) => [v.tagKey, v])), tags);
}
