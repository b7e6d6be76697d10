import { auditedRegistryRecord, type RegistryRecordRef } from '../../domain/encryption/sealed-registry-values.js';
import { isSealedValue, sealedValueKeyId } from '../../domain/encryption/sealed-value.js';
import { canonicalJson } from '../../domain/provenance/canonical-json.js';
import type { KeyValue } from '../../domain/tracking/entities.js';
import { fromJsonColumn, toJsonColumn } from '../../store/repositories/registry/json-column.js';
import { hydrateModels, updateModelRow } from '../../store/repositories/registry/model-repository.js';
import {
  allVersionRowsOf,
  replaceModelTagValues,
  replaceVersionTagValues,
} from '../../store/repositories/registry/sealed-registry-values.js';
import { hydrateVersions, updateVersionRow } from '../../store/repositories/registry/version-repository.js';
import type { RegisteredModelsTable } from '../../store/schema-registry.js';
import { versionEntityId } from '../registry/model-lookup.js';
import { schemaRefOf } from '../registry/model-service.js';
import type { WriteScope } from '../unit-of-work.js';
import {
  MAX_SENSITIVE_REGISTRY_VALUE_BYTES,
  type RegistryPolicy,
  type SensitiveRegistryValues,
} from './sensitive-registry-values.js';

export interface StepCount {
  changed: number;
  leftPlain: number;
}

/**
 * One rotation step over registered models and all their versions: each sealed tag or metadata field under an older
 * key is re-sealed under the current one, and each plain one the record's policy now names sensitive is sealed; every
 * record changed gets a `registered_model.reseal` or `model_version.reseal` event recording its new state, so
 * `mnemo audit verify` keeps matching the rows.
 */
export async function resealRegistryRecords(
  scope: WriteScope,
  values: SensitiveRegistryValues,
  modelRows: readonly RegisteredModelsTable[],
): Promise<StepCount> {
  const { db, audit } = scope;
  const count: StepCount = { changed: 0, leftPlain: 0 };
  const currentKeyId = values.keys!.current.keyId;
  const renew = (policy: RegistryPolicy, record: RegistryRecordRef) => ({
    tags: (tags: readonly KeyValue[]): KeyValue[] =>
      tags.flatMap((tag) => {
        const next = renewed(policy, record, 'tag', tag.key, tag.value, tag.value);
        return next === undefined ? [] : [{ key: tag.key, value: next }];
      }),
    metadata: (text: string): Record<string, unknown> | undefined => {
      const metadata = fromJsonColumn<Record<string, unknown>>(text, {});
      let changed = false;
      for (const [field, value] of Object.entries(metadata)) {
        const stored = typeof value === 'string' && isSealedValue(value) ? value : undefined;
        const next = renewed(policy, record, 'metadata', field, stored, canonicalJson(value));
        if (next !== undefined) {
          metadata[field] = next;
          changed = true;
        }
      }
      return changed ? metadata : undefined;
    },
  });
  /** The new stored form of one value, or undefined when it stays as it is. */
  const renewed = (
    policy: RegistryPolicy,
    record: RegistryRecordRef,
    kind: 'tag' | 'metadata',
    key: string,
    sealed: string | undefined,
    plaintext: string,
  ): string | undefined => {
    if (sealed !== undefined && isSealedValue(sealed)) {
      return sealedValueKeyId(sealed) === currentKeyId ? undefined : values.reseal(record, kind, key, sealed);
    }
    if (!values.isSensitive(policy, kind, key)) return undefined;
    if (Buffer.byteLength(plaintext, 'utf8') > MAX_SENSITIVE_REGISTRY_VALUE_BYTES) {
      count.leftPlain += 1;
      return undefined;
    }
    return values.reseal(record, kind, key, plaintext);
  };

  const models = await hydrateModels(db, modelRows);
  const versionRows = await allVersionRowsOf(
    db,
    modelRows.map((row) => row.model_id),
  );
  for (const [i, row] of modelRows.entries()) {
    const record = { modelId: row.model_id };
    const step = renew(await values.policy(db, row.model_id, schemaRefOf(row)), record);
    const tags = step.tags(models[i]!.tags);
    const metadata = step.metadata(row.metadata);
    if (tags.length > 0 || metadata !== undefined) {
      await replaceModelTagValues(db, row.model_id, tags);
      if (metadata !== undefined) await updateModelRow(db, row.model_id, { metadata: toJsonColumn(metadata) });
      const [stored] = await hydrateModels(db, [{ ...row, ...(metadata ? { metadata: toJsonColumn(metadata) } : {}) }]);
      audit({
        action: 'registered_model.reseal',
        entityKind: 'registered_model',
        entityId: row.model_id,
        state: auditedRegistryRecord(stored!),
      });
      count.changed += tags.length + countFields(metadata, row.metadata);
    }
    for (const versionRow of versionRows.filter((v) => v.model_id === row.model_id)) {
      const number = Number(versionRow.version);
      const versionRecord = { modelId: row.model_id, version: number };
      const versionStep = renew(await values.policy(db, row.model_id, schemaRefOf(versionRow)), versionRecord);
      const [version] = await hydrateVersions(db, [versionRow], () => row.name);
      const versionTags = versionStep.tags(version!.tags);
      const versionMetadata = versionStep.metadata(versionRow.metadata);
      if (versionTags.length === 0 && versionMetadata === undefined) continue;
      await replaceVersionTagValues(db, row.model_id, number, versionTags);
      const changedRow = versionMetadata ? { ...versionRow, metadata: toJsonColumn(versionMetadata) } : versionRow;
      if (versionMetadata) await updateVersionRow(db, row.model_id, number, { metadata: changedRow.metadata });
      const [stored] = await hydrateVersions(db, [changedRow], () => row.name);
      audit({
        action: 'model_version.reseal',
        entityKind: 'model_version',
        entityId: versionEntityId(row, number),
        state: auditedRegistryRecord(stored!),
      });
      count.changed += versionTags.length + countFields(versionMetadata, versionRow.metadata);
    }
  }
  return count;
}

/** Fields whose stored form changed between the metadata column before and after. */
function countFields(after: Record<string, unknown> | undefined, beforeText: string): number {
  if (after === undefined) return 0;
  const before = fromJsonColumn<Record<string, unknown>>(beforeText, {});
  return Object.keys(after).filter((field) => after[field] !== before[field]).length;
}

/** The key ids of the sealed values in stored registry texts (tag values, or whole metadata columns). */
export function sealedKeyIdsIn(texts: readonly string[]): string[] {
  const ids: string[] = [];
  for (const text of texts) {
    if (isSealedValue(text)) {
      ids.push(sealedValueKeyId(text)!);
      continue;
    }
    for (const value of Object.values(fromJsonColumn<Record<string, unknown>>(text, {}))) {
      if (typeof value === 'string' && isSealedValue(value)) ids.push(sealedValueKeyId(value)!);
    }
  }
  return ids;
}
