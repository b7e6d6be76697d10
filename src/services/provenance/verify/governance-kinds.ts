import { keyedPages } from '../../../store/readers/keyed-table-pages.js';
import { metadataSchemasAfter, storedSchemaVersions } from '../../../store/readers/registry-reads.js';
import { toPolicy } from '../../../store/repositories/registry/policy-repository.js';
import type { RunRequirementsTable } from '../../../store/schema.js';
import type {
  MetadataSchemasTable,
  NamingRulesTable,
  PoliciesTable,
  TagVocabulariesTable,
} from '../../../store/schema-registry.js';
import type { Executor } from '../../../store/store.js';
import type { RecordedRowKind } from './recorded-rows.js';

/** Older servers recorded vocabularies and naming rules without their times. */
const TIMES = ['creationTime', 'lastUpdatedTime'];

/** Each put records the whole vocabulary (allowed values and, from newer servers, times); a delete removes it. */
export const vocabularyKind: RecordedRowKind<TagVocabulariesTable> = {
  entityKind: 'vocabulary',
  noun: 'vocabulary of tag',
  ...keyedPages('tag_vocabularies'),
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
};

/** Each put records the whole naming rule of an entity kind; a delete removes it. */
export const namingRuleKind: RecordedRowKind<NamingRulesTable> = {
  entityKind: 'naming_rule',
  noun: 'naming rule for',
  ...keyedPages('naming_rules'),
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
};

/** Each put records the whole of a scope's run requirements with its times; a delete removes them. */
export const runRequirementsKind: RecordedRowKind<RunRequirementsTable> = {
  entityKind: 'run_requirements',
  noun: 'run requirements of',
  ...keyedPages('run_requirements'),
  entityId: (row) => row.scope,
  label: (row) => `run requirements of ${row.scope}`,
  current: (row) => ({
    scope: row.scope,
    requirements: JSON.parse(row.requirements) as unknown,
    creationTime: Number(row.creation_time),
    lastUpdatedTime: Number(row.last_updated_time),
  }),
  deleteAction: 'run_requirements.delete',
};

/** Each put records the policy's whole new version (rules, target, model); a delete removes it. */
export const policyKind: RecordedRowKind<PoliciesTable> = {
  entityKind: 'policy',
  noun: 'policy',
  ...keyedPages('policies'),
  entityId: (row) => row.name,
  label: (row) => `policy '${row.name}' v${row.version}`,
  current: (row) => toPolicy(row),
  deleteAction: 'policy.delete',
};

export const schemaEntityId = (subject: string, version: number): string => `${subject}/${version}`;

/** A metadata schema version is registered once and never changes: its event records the schema and its digest. */
export const metadataSchemaKind: RecordedRowKind<MetadataSchemasTable> = {
  entityKind: 'metadata_schema',
  noun: 'metadata schema',
  page: (db, after, limit) =>
    metadataSchemasAfter(db, after && { subject: after.subject, version: Number(after.version) }, limit),
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
  const rows = await storedSchemaVersions(db, wanted);
  return new Set(rows.map((row) => schemaEntityId(row.subject, row.version)));
}
