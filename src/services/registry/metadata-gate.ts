import { invalid, MnemoError } from '../../domain/errors.js';
import type { SchemaRef } from '../../domain/registry/entities.js';
import type { MetadataDocument } from '../../domain/registry/metadata-document.js';
import type { EntityKind } from '../../domain/registry/naming-rule.js';
import { describeViolations, type Violation, validateDocument } from '../../domain/registry/schema/json-schema.js';
import { candidateSubjects } from '../../domain/registry/schema/subject.js';
import {
  findSchema,
  findSubject,
  findSubjects,
  type SubjectInfo,
} from '../../store/repositories/registry/schema-repository.js';
import type { Executor } from '../../store/store.js';

/** A metadata document that breaks its schema; carries every violation so the API can list them. */
export class MetadataViolationError extends MnemoError {
  constructor(
    readonly schema: SchemaRef,
    readonly violations: Violation[],
  ) {
    super(
      'INVALID_PARAMETER_VALUE',
      `Metadata does not conform to schema ${schema.subject} version ${schema.version} ` +
        `(${violations.length} violation${violations.length === 1 ? '' : 's'}): ${describeViolations(violations)}`,
    );
  }
}

/** The subject governing a record: its scoped subject if one exists, else its kind's, else none. */
export async function governingSubject(db: Executor, kind: EntityKind, name: string): Promise<string | undefined> {
  return (await governingSubjectInfo(db, kind, name))?.subject;
}

/** The governing subject with its row (latest version and all), read with one statement. */
async function governingSubjectInfo(db: Executor, kind: EntityKind, name: string): Promise<SubjectInfo | undefined> {
  const found = await findSubjects(db, candidateSubjects(kind, name));
  for (const subject of candidateSubjects(kind, name)) {
    const info = found.get(subject);
    if (info && info.latestVersion > 0) return info;
  }
  return undefined;
}

/**
 * Validates a record's metadata document on write. A record declares the schema version it was written against
 * (a version number of its governing subject, or the exact schema it was last checked by); when it declares none
 * and its subject has schemas, the latest version applies and is recorded, so the record stays tied to the rules
 * it was checked by even after newer versions appear.
 */
export async function checkMetadata(
  db: Executor,
  kind: EntityKind,
  name: string,
  document: MetadataDocument,
  declared: number | SchemaRef | null | undefined,
): Promise<SchemaRef | null> {
  const ref = await resolveDeclared(db, kind, name, declared);
  if (ref === null) return null;
  const stored = await findSchema(db, ref.subject, ref.version);
  if (!stored) {
    const info = await findSubject(db, ref.subject);
    throw invalid(
      `Unknown metadata schema version ${ref.version} for subject '${ref.subject}'; ` +
        (info && info.latestVersion > 0 ? `versions 1 to ${info.latestVersion} exist` : 'it has no versions'),
    );
  }
  const violations = validateDocument(stored.schema, document);
  if (violations.length > 0) throw new MetadataViolationError(ref, violations);
  return ref;
}

async function resolveDeclared(
  db: Executor,
  kind: EntityKind,
  name: string,
  declared: number | SchemaRef | null | undefined,
): Promise<SchemaRef | null> {
  if (typeof declared === 'object' && declared !== null) return declared;
  const subject = await governingSubject(db, kind, name);
  if (subject === undefined) {
    if (typeof declared === 'number') {
      throw invalid(
        `Metadata declares schema version ${declared}, but no metadata schema is registered for ` +
          `${candidateSubjects(kind, name).join(' or ')}`,
      );
    }
    return null;
  }
  if (typeof declared === 'number') return { subject, version: declared };
  return { subject, version: (await findSubject(db, subject))!.latestVersion };
}
