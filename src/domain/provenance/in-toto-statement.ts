/** in-toto Attestation Framework, Statement layer v1 (github.com/in-toto/attestation/spec/v1). */
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const RUN_PREDICATE_TYPE = 'https://mnemo.dev/attestation/run-provenance/v1';
export const MODEL_VERSION_PREDICATE_TYPE = 'https://mnemo.dev/attestation/model-version-provenance/v1';

export interface ResourceDescriptor {
  name: string;
  digest: Record<string, string>;
}

export interface Statement {
  _type: typeof STATEMENT_TYPE;
  subject: ResourceDescriptor[];
  predicateType: string;
  predicate: Record<string, unknown>;
}

const HEX_DIGEST = /^[0-9a-f]+$/;

/** Parses a statement and checks the shape the spec requires, or says what is wrong. */
export function parseStatement(payload: Buffer): Statement | string {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    return 'the payload is not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the statement is not an object';
  const s = value as Record<string, unknown>;
  if (s._type !== STATEMENT_TYPE) return `the statement _type is not ${STATEMENT_TYPE}`;
  if (typeof s.predicateType !== 'string' || !/^[a-z][a-z0-9+.-]*:/i.test(s.predicateType)) {
    return 'the statement predicateType is not a URI';
  }
  if (typeof s.predicate !== 'object' || s.predicate === null || Array.isArray(s.predicate)) {
    return 'the statement predicate is not an object';
  }
  if (!Array.isArray(s.subject) || s.subject.length === 0) return 'the statement has no subject';
  for (const [i, subject] of (s.subject as unknown[]).entries()) {
    const d = subject as Partial<ResourceDescriptor> | null;
    if (typeof d !== 'object' || d === null || typeof d.name !== 'string') return `subject ${i} has no name`;
    const digest = d.digest;
    if (typeof digest !== 'object' || digest === null || Object.keys(digest).length === 0) {
      return `subject '${d.name}' has no digest`;
    }
    for (const [algorithm, hex] of Object.entries(digest)) {
      if (typeof hex !== 'string' || !HEX_DIGEST.test(hex)) return `subject '${d.name}' has a malformed ${algorithm}`;
    }
  }
  return value as Statement;
}

export interface SubjectMismatch {
  name: string;
  problem: string;
}

/**
 * Compares subjects with files on hand (name → sha256 hex, or undefined when absent). Names that would escape the
 * directory they are resolved in are refused before anything is read.
 */
export function subjectMismatches(
  statement: Statement,
  local: ReadonlyMap<string, string | undefined>,
): SubjectMismatch[] {
  const mismatches: SubjectMismatch[] = [];
  for (const subject of statement.subject) {
    const expected = subject.digest.sha256;
    if (!expected) {
      mismatches.push({ name: subject.name, problem: 'has no sha256 digest' });
      continue;
    }
    const actual = local.get(subject.name);
    if (actual === undefined) mismatches.push({ name: subject.name, problem: 'is missing' });
    else if (actual !== expected) {
      mismatches.push({ name: subject.name, problem: `has sha256 ${actual}, the attestation says ${expected}` });
    }
  }
  return mismatches;
}

/** A subject name is a relative path with no '..' or absolute parts, so it can be looked up inside a directory. */
export const isSafeSubjectName = (name: string): boolean =>
  name !== '' && !name.startsWith('/') && !name.includes('\\') && !name.split('/').some((p) => p === '..' || p === '');
