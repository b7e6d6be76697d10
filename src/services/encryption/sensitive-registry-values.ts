import {
  hasSealedRegistryValues,
  type RegistryRecordRef,
  type RegistryValueKind,
  registryValueContext,
  type WithRegistryValues,
} from '../../domain/encryption/sealed-registry-values.js';
import { isSealedValue, refuseReservedPrefix } from '../../domain/encryption/sealed-value.js';
import type { SensitiveKeys } from '../../domain/encryption/sensitive-keys.js';
import { invalid } from '../../domain/errors.js';
import { canonicalJson } from '../../domain/provenance/canonical-json.js';
import type { SchemaRef } from '../../domain/registry/entities.js';
import {
  NO_SENSITIVE_FIELDS,
  type SensitiveFields,
  sensitiveFieldsOf,
} from '../../domain/registry/schema/sensitive-annotation.js';
import { parseSubject } from '../../domain/registry/schema/subject.js';
import type { Filter, OrderByClause } from '../../domain/search/filter-ast.js';
import type { KeyValue } from '../../domain/tracking/entities.js';
import { findSchema, listSubjects } from '../../store/repositories/registry/schema-repository.js';
import { allModelTagValues, modelTagValues } from '../../store/repositories/registry/sealed-registry-values.js';
import type { Executor } from '../../store/store.js';
import { parseStoredPatterns, SENSITIVE_KEYS_TAG, type SensitiveValues } from './sensitive-values.js';

/** What makes a registry value sensitive for one record: key patterns, and the fields its schema marks. */
export interface RegistryPolicy {
  patterns: SensitiveKeys;
  marked: SensitiveFields;
}

/** The longest plaintext of a sensitive registry value (a tag's limit; a metadata field's JSON). */
export const MAX_SENSITIVE_REGISTRY_VALUE_BYTES = 5000;

/**
 * Seals the sensitive tags and metadata fields of registered models and their versions before they are stored, and
 * opens them for readers, as SensitiveValues does for run params and tags. A value is sensitive when a pattern names
 * its key (the server's `--sensitive-keys`, and the model's own, kept in its `mnemo.sensitive_keys` tag) or when the
 * metadata schema the record is checked against marks it `x-sensitive`. As for runs, whether a stored value is
 * sealed is told by its form: a value sealed once opens whatever the patterns say later.
 */
export class SensitiveRegistryValues {
  constructor(private readonly sensitive: SensitiveValues) {}

  /** The policy for a record of the model `modelId` (undefined for a model being created) checked by `schema`. */
  async policy(db: Executor, modelId: string | undefined, schema: SchemaRef | null): Promise<RegistryPolicy> {
    let patterns = this.sensitive.serverKeys;
    if (modelId !== undefined) {
      const own = (await modelTagValues(db, [modelId], SENSITIVE_KEYS_TAG)).get(modelId);
      if (own !== undefined) patterns = patterns.with(parseStoredPatterns(own));
    }
    const stored = schema === null ? undefined : await findSchema(db, schema.subject, schema.version);
    return { patterns, marked: stored ? sensitiveFieldsOf(stored.schema) : NO_SENSITIVE_FIELDS };
  }

  isSensitive(policy: RegistryPolicy, kind: RegistryValueKind, key: string): boolean {
    if (kind === 'tag' && key === SENSITIVE_KEYS_TAG) return false;
    return policy.patterns.matches(key) || (kind === 'tag' ? policy.marked.tags : policy.marked.metadata).includes(key);
  }

  sealTags(policy: RegistryPolicy, record: RegistryRecordRef, tags: readonly KeyValue[]): KeyValue[] {
    return tags.map((tag, i) => {
      refuseReservedPrefix(tag.value, `tags[${i}].value`);
      if (!this.isSensitive(policy, 'tag', tag.key)) return tag;
      return { key: tag.key, value: this.sealOne(record, 'tag', tag.key, tag.value) };
    });
  }

  /** The metadata as stored: each sensitive field's JSON sealed into one string. */
  sealMetadata(
    policy: RegistryPolicy,
    record: RegistryRecordRef,
    metadata: Record<string, unknown>,
  ): Record<string, unknown> {
    const sealed: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(metadata)) {
      if (typeof value === 'string') refuseReservedPrefix(value, `metadata.${field}`);
      sealed[field] = this.isSensitive(policy, 'metadata', field)
        ? this.sealOne(record, 'metadata', field, canonicalJson(value))
        : value;
    }
    return sealed;
  }

  /** A record as its readers see it: every sealed tag and metadata field opened. */
  open<T extends WithRegistryValues>(record: RegistryRecordRef, entity: T): T {
    if (!hasSealedRegistryValues(entity)) return entity;
    return {
      ...entity,
      tags: entity.tags.map((tag) =>
        isSealedValue(tag.value) ? { key: tag.key, value: this.openOne(record, 'tag', tag.key, tag.value) } : tag,
      ),
      metadata: Object.fromEntries(
        Object.entries(entity.metadata).map(([field, value]) => [
          field,
          typeof value === 'string' && isSealedValue(value)
            ? JSON.parse(this.openOne(record, 'metadata', field, value))
            : value,
        ]),
      ),
    };
  }

  /** One stored value under the current key: a sealed one re-sealed, a plain one sealed (a rotation's step). */
  reseal(record: RegistryRecordRef, kind: RegistryValueKind, key: string, stored: string): string {
    const plaintext = isSealedValue(stored) ? this.openOne(record, kind, key, stored) : stored;
    return this.sensitive.keys!.seal(plaintext, registryValueContext(record, kind, key));
  }

  get keys() {
    return this.sensitive.keys;
  }

  /** `--sensitive-keys`: patterns in force on every model. */
  get serverPatterns(): readonly string[] {
    return this.sensitive.serverKeys.patterns;
  }

  /**
   * A registry search spans every model: a filter comparing, or an order on, a tag that any model's patterns, the
   * server's, or a model or version schema marks sensitive is refused, naming the key, as run searches are. Whether
   * the tag is set (IS NULL / IS NOT NULL) is still answered.
   */
  async refuseSearch(db: Executor, filter: Filter, orderBy: readonly OrderByClause[]): Promise<void> {
    const tagKeys = [
      ...filter.comparisons
        .filter((c) => c.entity === 'tag' && c.op !== 'IS NULL' && c.op !== 'IS NOT NULL')
        .map((c) => ({ key: c.key, how: 'filter on' })),
      ...orderBy.filter((c) => c.entity === 'tag').map((c) => ({ key: c.key, how: 'order by' })),
    ];
    if (tagKeys.length === 0) return;
    let patterns = this.sensitive.serverKeys;
    for (const value of await allModelTagValues(db, SENSITIVE_KEYS_TAG))
      patterns = patterns.with(parseStoredPatterns(value));
    const marked = new Set<string>();
    for (const subject of await listSubjects(db)) {
      const kind = parseSubject(subject.subject).kind;
      if ((kind !== 'model' && kind !== 'model_version') || subject.latestVersion === 0) continue;
      const stored = await findSchema(db, subject.subject, subject.latestVersion);
      for (const key of stored ? sensitiveFieldsOf(stored.schema).tags : []) marked.add(key);
    }
    for (const { key, how } of tagKeys) {
      if (key !== SENSITIVE_KEYS_TAG && (patterns.matches(key) || marked.has(key))) {
        throw invalid(
          `Cannot ${how} tag '${key}': it is sensitive and stored encrypted, so its value cannot be compared; ` +
            'filter on whether it is set (IS NULL / IS NOT NULL) or on other keys',
        );
      }
    }
  }

  private sealOne(record: RegistryRecordRef, kind: RegistryValueKind, key: string, plaintext: string): string {
    const what = kind === 'tag' ? `tag '${key}'` : `metadata field '${key}'`;
    if (!this.sensitive.keys) {
      throw invalid(
        `The ${what} is sensitive, and this server has no encryption key to store it with; start the server with ` +
          'MNEMO_ENCRYPTION_KEY or --encryption-key-file',
      );
    }
    const bytes = Buffer.byteLength(plaintext, 'utf8');
    if (bytes > MAX_SENSITIVE_REGISTRY_VALUE_BYTES) {
      throw invalid(
        `The sensitive ${what} is ${bytes} bytes; encrypted values are limited to ` +
          `${MAX_SENSITIVE_REGISTRY_VALUE_BYTES} bytes`,
      );
    }
    return this.sensitive.keys.seal(plaintext, registryValueContext(record, kind, key));
  }

  private openOne(record: RegistryRecordRef, kind: RegistryValueKind, key: string, stored: string): string {
    const what =
      `${kind === 'tag' ? 'tag' : 'metadata field'} '${key}' of ` +
      (record.version === undefined ? 'a registered model' : `model version ${record.version}`);
    if (!this.sensitive.keys) {
      throw invalid(
        `The ${what} is encrypted, and this server has no encryption key; start it with MNEMO_ENCRYPTION_KEY or ` +
          '--encryption-key-file',
      );
    }
    return this.sensitive.keys.open(stored, registryValueContext(record, kind, key), what);
  }
}
