import type { EntityKind, NamingRule } from '../../../domain/registry/naming-rule.js';
import type { Vocabulary, VocabularyTerm } from '../../../domain/registry/vocabulary.js';
import type { NamingRulesTable, TagVocabulariesTable } from '../../schema-registry.js';
import type { Executor } from '../../store.js';
import { fromJsonColumn } from './json-column.js';

/** Stored times of a vocabulary or naming rule: created with the first put, updated with every put. */
export interface GovernanceTimes {
  creationTime: number;
  lastUpdatedTime: number;
}

/** Creates or replaces a vocabulary, keeping its creation time; returns its times as stored. */
export async function upsertVocabulary(db: Executor, row: TagVocabulariesTable): Promise<GovernanceTimes> {
  const stored = await db
    .insertInto('tag_vocabularies')
    .values(row)
    .onConflict((oc) =>
      oc.column('tag_key').doUpdateSet({
        description: row.description,
        allowed_values: row.allowed_values,
        last_updated_time: row.last_updated_time,
      }),
    )
    .returning(['creation_time', 'last_updated_time'])
    .executeTakeFirstOrThrow();
  return { creationTime: Number(stored.creation_time), lastUpdatedTime: Number(stored.last_updated_time) };
}

export async function deleteVocabulary(db: Executor, tagKey: string): Promise<boolean> {
  const result = await db.deleteFrom('tag_vocabularies').where('tag_key', '=', tagKey).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function listVocabularies(db: Executor, tagKeys?: readonly string[]): Promise<Vocabulary[]> {
  if (tagKeys !== undefined && tagKeys.length === 0) return [];
  let query = db.selectFrom('tag_vocabularies').selectAll().orderBy('tag_key');
  if (tagKeys !== undefined) query = query.where('tag_key', 'in', [...tagKeys]);
  const rows = await query.execute();
  return rows.map((row) => ({
    tagKey: row.tag_key,
    description: row.description,
    terms: fromJsonColumn<VocabularyTerm[]>(row.allowed_values, []),
  }));
}

/** Creates or replaces a naming rule, keeping its creation time; returns its times as stored. */
export async function upsertNamingRule(db: Executor, row: NamingRulesTable): Promise<GovernanceTimes> {
  const stored = await db
    .insertInto('naming_rules')
    .values(row)
    .onConflict((oc) =>
      oc.column('entity_kind').doUpdateSet({
        pattern: row.pattern,
        description: row.description,
        last_updated_time: row.last_updated_time,
      }),
    )
    .returning(['creation_time', 'last_updated_time'])
    .executeTakeFirstOrThrow();
  return { creationTime: Number(stored.creation_time), lastUpdatedTime: Number(stored.last_updated_time) };
}

export async function deleteNamingRule(db: Executor, kind: EntityKind): Promise<boolean> {
  const result = await db.deleteFrom('naming_rules').where('entity_kind', '=', kind).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function listNamingRules(db: Executor): Promise<NamingRule[]> {
  const rows = await db.selectFrom('naming_rules').selectAll().orderBy('entity_kind').execute();
  return rows.map((row) => ({
    entityKind: row.entity_kind as EntityKind,
    pattern: row.pattern,
    description: row.description,
  }));
}

export async function findNamingRule(db: Executor, kind: EntityKind): Promise<NamingRule | undefined> {
  const row = await db.selectFrom('naming_rules').selectAll().where('entity_kind', '=', kind).executeTakeFirst();
  return row === undefined
    ? undefined
    : { entityKind: row.entity_kind as EntityKind, pattern: row.pattern, description: row.description };
}
