import { invalid } from '../errors.js';
import type { ModelCard, Signature } from './entities.js';

/**
 * The document a metadata schema describes: a record's first-class fields (the model card, or a version's
 * description, release notes, signature and deprecation plan) merged with its custom `metadata` fields. Empty
 * fields are left out, so a schema's `required` means "filled in" and completeness counts what is really there.
 */
export type MetadataDocument = Record<string, unknown>;

export const MODEL_DOCUMENT_FIELDS = [
  'name',
  'description',
  'ownerTeam',
  'purpose',
  'algorithmFamily',
  'taskType',
  'intendedUse',
  'limitations',
  'latencyBudgetMs',
  'regulatoryFlags',
  'tags',
] as const;

export const VERSION_DOCUMENT_FIELDS = [
  'name',
  'version',
  'description',
  'source',
  'runId',
  'signature',
  'releaseNotes',
  'deprecatedBy',
  'sunsetTime',
  'tags',
] as const;

export interface VersionFields {
  name: string;
  version: number;
  description: string | null;
  source: string;
  runId: string | null;
  signature: Signature | null;
  releaseNotes: string | null;
  deprecatedBy: number | null;
  sunsetTime: number | null;
}

/** Custom metadata may not reuse a first-class field's name: one name, one meaning. */
export function checkMetadataKeys(metadata: Record<string, unknown>, reserved: readonly string[]): void {
  const clashes = Object.keys(metadata).filter((key) => reserved.includes(key));
  if (clashes.length > 0) {
    throw invalid(
      `metadata must not contain ${clashes.map((k) => `'${k}'`).join(', ')}: ` +
        `${clashes.length === 1 ? 'it is a' : 'they are'} first-class field${clashes.length === 1 ? '' : 's'}; set ` +
        `${clashes.length === 1 ? 'it' : 'them'} directly`,
    );
  }
}

export function modelDocument(
  name: string,
  card: ModelCard,
  tags: Record<string, string>,
  metadata: Record<string, unknown>,
): MetadataDocument {
  return withoutEmpty({ ...metadata, name, ...card, tags });
}

export function versionDocument(
  fields: VersionFields,
  tags: Record<string, string>,
  metadata: Record<string, unknown>,
): MetadataDocument {
  return withoutEmpty({ ...metadata, ...fields, tags });
}

/** Leaves out empty fields, so a schema's `required` means "filled in". */
export function withoutEmpty(document: Record<string, unknown>): MetadataDocument {
  const result: MetadataDocument = {};
  for (const [key, value] of Object.entries(document)) {
    if (value === null || value === undefined || value === '') continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (key === 'tags' && typeof value === 'object' && Object.keys(value).length === 0) continue;
    result[key] = value;
  }
  return result;
}
