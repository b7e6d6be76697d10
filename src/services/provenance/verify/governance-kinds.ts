import type { MetadataSchemasTable, NamingRulesTable, TagVocabulariesTable } from '../../../store/schema-registry.js';
import type { Executor } from '../../../store/store.js';
import type { RecordedRowKind } from './recorded-rows.js';

/** Older servers recorded vocabularies and naming rules without their times. */
const TIMES = ['creationTime', 'lastUpdatedTime'];

/** Each put records the whole vocabulary (allowed values and, from newer servers, times); a delete removes it. */
export const vocabularyKind: RecordedRowKind<TagVocabulariesTable> = {
  entityKind: 'vocabulary',
  noun: 'vocabulary of tag',
  page: (db, after, limit) =>
    db
      .selectFrom('tag_vocabularies')
      .selectAll()
      .where('tag_key', '>', after?.tag_key ?? '')
      .orderBy('tag_key')
      .limit(limit)
      .execute(),
  entityId: (row) => row.tag_key,
  label: (row) => `vocabulary of tag '${row.tag_key}'`,
  current: (row) => ({
    tagKey: row.tag_key,
    description: row.description,
    terms: JSON.parse(row.allowed_values) as unknown,
    creationTime: row.creation_time,
    lastUpdatedTime: row.last_updated_time,
  }),
  recordedSince: TIMES,
  deleteAction: 'vocabulary.delete',
  present: async (db, ids) => {
    const rows = await db.selectFrom('tag_vocabularies').select('tag_key').where('tag_key', 'in', ids).execute();
    return new Set(rows.map((r) => r.tag_key));
  },
};

/** Each put records the whole naming rule of an entity kind; a delete removes it. */
export const namingRuleKind: RecordedRowKind<NamingRulesTable> = {
  entityKind: 'naming_rule',
  noun: 'naming rule for',
  page: (db, after, limit) =>
    db
      .selectFrom('naming_rules')
      .selectAll()
      .where('entity_kind', '>', after?.entity_kind ?? '')
      .orderBy('entity_kind')
      .limit(limit)
      .execute(),
  entityId: (row) => row.entity_kind,
  label: (row) => `naming rule for ${row.entity_kind}`,
  current: (row) => ({
    entityKind: row.entity_kind,
    pattern: row.pattern,
    description: row.description,
    creationTime: row.creation_time,
    lastUpdatedTime: row.last_updated_time,
  }),
  recordedSince: TIMES,
  deleteAction: 'naming_rule.delete',
  present: async (db, ids) => {
    const rows = await db.selectFrom('naming_rules').select('entity_kind').where('entity_kind', 'in', ids).execute();
    return new Set(rows.map((r) => r.entity_kind));
  },
};

export const schemaEntityId = (subject: string, version: number): string => `${subject}/${version}`;

/** A metadata schema version is registered once and never changes: its event records the schema and its digest. */
export const metadataSchemaKind: RecordedRowKind<MetadataSchemasTable> = {
  entityKind: 'metadata_schema',
  noun: 'metadata schema',
  page: (db, after, limit) => {
    let query = db.selectFrom('metadata_schemas').selectAll();
    if (after) {
      query = query.where((eb) =>
        eb(eb.refTuple('subject', 'version'), '>', eb.tuple(after.subject, Number(after.version))),
      );
    }
    return query.orderBy('subject').orderBy('version').limit(limit).execute();
  },
  entityId: (row) => schemaEntityId(row.subject, Number(row.version)),
  label: (row) => `metadata schema '${row.subject}' v${row.version}`,
  current: (row) => ({
    subject: row.subject,
    version: Number(row.version),
    schema: JSON.parse(row.schema) as unknown,
    schemaDigest: row.schema_digest,
    creationTime: Number(row.creation_time),
  }),
  present: (db, ids) => presentSchemas(db, ids),
};

async function presentSchemas(db: Executor, ids: string[]): Promise<Set<string>> {
  const wanted = ids
    .map((id) => {
      const slash = id.lastIndexOf('/');
      return { subject: id.slice(0, slash), version: Number(id.slice(slash + 1)) };
    })
    .filter((w) => Number.isSafeInteger(w.version));
  if (wanted.length === 0) return new Set();
  const rows = await db
    .selectFrom('metadata_schemas')
    .select(['subject', 'version'])
    .where((eb) =>
      eb(
        eb.refTuple('subject', 'version'),
        'in',
        wanted.map((w) => eb.tuple(w.subject, w.version)),
      ),
    )
    .execute();
  return new Set(rows.map((row) => schemaEntityId(row.subject, Number(row.version))));
}
