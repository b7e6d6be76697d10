import type { KeyValue } from '../tracking/entities.js';
import { auditedValue, isSealedValue } from './sealed-value.js';

/**
 * Registry records hold sensitive values in two places: tags (strings) and the top-level fields of their custom
 * metadata (any JSON). A sealed metadata field is stored as one sealed string of the field's JSON, so the metadata
 * column keeps its shape (an object of fields) and a reader gets back the value it wrote, type and all.
 */
export type RegistryValueKind = 'tag' | 'metadata';

/** The record a value belongs to: a registered model (by id, which a rename keeps) or one of its versions. */
export interface RegistryRecordRef {
  modelId: string;
  version?: number | undefined;
}

/** The context a registry value is sealed under: a sealed value copied onto another record or key does not open. */
export function registryValueContext(record: RegistryRecordRef, kind: RegistryValueKind, key: string): string {
  return record.version === undefined
    ? `registered_model/${record.modelId}/${kind}/${key}`
    : `model_version/${record.modelId}/${record.version}/${kind}/${key}`;
}

/** What registry records with sensitive values share: their tags and custom metadata fields. */
export interface WithRegistryValues {
  tags: KeyValue[];
  metadata: Record<string, unknown>;
}

export function hasSealedRegistryValues(record: WithRegistryValues): boolean {
  return (
    record.tags.some((tag) => isSealedValue(tag.value)) ||
    Object.values(record.metadata).some((value) => typeof value === 'string' && isSealedValue(value))
  );
}

/**
 * A record as stored, in the form its audit events record it and the verifier compares it in: every sealed tag or
 * metadata field as the digest of its sealed text (see auditedValue), everything else as it is. Records written
 * before any value was sealed are unchanged by it, so their events keep verifying.
 */
export function auditedRegistryRecord<T extends WithRegistryValues>(record: T): T {
  if (!hasSealedRegistryValues(record)) return record;
  return {
    ...record,
    tags: record.tags.map((tag) => ({ key: tag.key, value: auditedValue(tag.value) })),
    metadata: Object.fromEntries(
      Object.entries(record.metadata).map(([field, value]) => [
        field,
        typeof value === 'string' ? auditedValue(value) : value,
      ]),
    ),
  };
}
