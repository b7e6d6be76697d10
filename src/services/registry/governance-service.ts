import { invalid, notFound } from '../../domain/errors.js';
import { compileNamingPattern, type NamingRule, parseEntityKind } from '../../domain/registry/naming-rule.js';
import { type Vocabulary, type VocabularyTerm, validateVocabulary } from '../../domain/registry/vocabulary.js';
import { validateKey } from '../../domain/tracking/limits.js';
import * as governance from '../../store/repositories/registry/governance-repository.js';
import { toJsonColumn } from '../../store/repositories/registry/json-column.js';
import { type RegistryDeps, registryWrite } from './registry-deps.js';

const TERM_LIMIT = 500;

/**
 * The registry's house rules: controlled vocabularies for tag values and naming rules per entity kind. They apply
 * to every later create and update (see registry-guard.ts); existing records are not rewritten.
 */
export class GovernanceService {
  constructor(private readonly deps: RegistryDeps) {}

  async putVocabulary(tagKey: string, description: string | null, terms: VocabularyTerm[]): Promise<Vocabulary> {
    validateKey(tagKey, 'tag key');
    const vocabulary = validateVocabulary({ tagKey, description, terms });
    if (terms.length > TERM_LIMIT) throw invalid(`A vocabulary may list at most ${TERM_LIMIT} values`);
    const now = this.deps.now();
    return registryWrite(this.deps, async ({ db, audit }) => {
      const times = await governance.upsertVocabulary(db, {
        tag_key: tagKey,
        description,
        allowed_values: toJsonColumn(vocabulary.terms),
        creation_time: now,
        last_updated_time: now,
      });
      // The times too, so `mnemo audit verify` can compare the whole row with the log.
      audit({
        action: 'vocabulary.put',
        entityKind: 'vocabulary',
        entityId: tagKey,
        state: { ...vocabulary, ...times },
      });
      return vocabulary;
    });
  }

  async vocabularies(): Promise<Vocabulary[]> {
    return governance.listVocabularies(this.deps.store.db);
  }

  async vocabulary(tagKey: string): Promise<Vocabulary> {
    const [found] = await governance.listVocabularies(this.deps.store.db, [tagKey]);
    if (!found) throw notFound(`No vocabulary for tag '${tagKey}'`);
    return found;
  }

  async deleteVocabulary(tagKey: string): Promise<void> {
    await registryWrite(this.deps, async ({ db, audit }) => {
      if (!(await governance.deleteVocabulary(db, tagKey))) throw notFound(`No vocabulary for tag '${tagKey}'`);
      audit({ action: 'vocabulary.delete', entityKind: 'vocabulary', entityId: tagKey, state: { deleted: true } });
    });
  }

  async putNamingRule(rawKind: string, pattern: string, description: string | null): Promise<NamingRule> {
    const entityKind = parseEntityKind(rawKind);
    compileNamingPattern(pattern);
    const rule: NamingRule = { entityKind, pattern, description };
    const now = this.deps.now();
    return registryWrite(this.deps, async ({ db, audit }) => {
      const times = await governance.upsertNamingRule(db, {
        entity_kind: entityKind,
        pattern,
        description,
        creation_time: now,
        last_updated_time: now,
      });
      audit({
        action: 'naming_rule.put',
        entityKind: 'naming_rule',
        entityId: entityKind,
        state: { ...rule, ...times },
      });
      return rule;
    });
  }

  async namingRules(): Promise<NamingRule[]> {
    return governance.listNamingRules(this.deps.store.db);
  }

  async deleteNamingRule(rawKind: string): Promise<void> {
    const kind = parseEntityKind(rawKind);
    await registryWrite(this.deps, async ({ db, audit }) => {
      if (!(await governance.deleteNamingRule(db, kind))) throw notFound(`No naming rule for ${kind}`);
      audit({ action: 'naming_rule.delete', entityKind: 'naming_rule', entityId: kind, state: { deleted: true } });
    });
  }
}
