import { invalid } from '../errors.js';
import type { KeyValue } from '../tracking/entities.js';

/** One allowed value of a controlled tag, with what it means (the glossary entry). */
export interface VocabularyTerm {
  value: string;
  description: string | null;
}

/** A tag key bound to a closed list of values. */
export interface Vocabulary {
  tagKey: string;
  description: string | null;
  terms: VocabularyTerm[];
}

export function validateVocabulary(vocabulary: Vocabulary): Vocabulary {
  if (vocabulary.terms.length === 0)
    throw invalid(`Vocabulary for tag '${vocabulary.tagKey}' needs at least one value`);
  const seen = new Set<string>();
  for (const term of vocabulary.terms) {
    if (seen.has(term.value)) throw invalid(`Vocabulary for tag '${vocabulary.tagKey}' lists '${term.value}' twice`);
    seen.add(term.value);
  }
  return vocabulary;
}

/**
 * Refuses tags whose key is controlled and whose value is not in its list. The message lists every allowed value
 * with its meaning, so the caller learns the vocabulary from the refusal.
 */
export function enforceVocabularies(vocabularies: ReadonlyMap<string, Vocabulary>, tags: readonly KeyValue[]): void {
  const [first] = vocabularyViolations(vocabularies, tags);
  if (first !== undefined) throw invalid(first.message);
}

/** Every tag whose key is controlled and whose value is not in its list, each with the allowed values. */
export function vocabularyViolations(
  vocabularies: ReadonlyMap<string, Vocabulary>,
  tags: readonly KeyValue[],
): { key: string; message: string }[] {
  const violations: { key: string; message: string }[] = [];
  for (const tag of tags) {
    const vocabulary = vocabularies.get(tag.key);
    if (vocabulary === undefined) continue;
    if (vocabulary.terms.some((term) => term.value === tag.value)) continue;
    const allowed = vocabulary.terms
      .map((term) => (term.description ? `'${term.value}' (${term.description})` : `'${term.value}'`))
      .join(', ');
    violations.push({
      key: tag.key,
      message: `Tag '${tag.key}' does not allow value '${tag.value}'; allowed values: ${allowed}`,
    });
  }
  return violations;
}
