import { invalid } from '../../errors.js';
import { ENTITY_KINDS, type EntityKind } from '../naming-rule.js';

/**
 * A schema subject names what a metadata schema describes: an entity kind (`model`, `model_version`, `dataset`,
 * `run`), optionally scoped to one name (`model:fraud-detector` applies to that model and overrides `model`).
 */
export interface Subject {
  kind: EntityKind;
  scope: string | null;
}

const SCOPE_LIMIT = 500;

export function parseSubject(raw: string): Subject {
  const colon = raw.indexOf(':');
  const kindText = colon === -1 ? raw : raw.slice(0, colon);
  const kind = ENTITY_KINDS.find((k) => k === kindText);
  if (kind === undefined) {
    throw invalid(
      `Invalid schema subject '${raw}': it must start with an entity kind (${ENTITY_KINDS.join(', ')}), ` +
        `optionally followed by ':<name>'`,
    );
  }
  if (colon === -1) return { kind, scope: null };
  const scope = raw.slice(colon + 1);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused here.
  if (scope === '' || scope.length > SCOPE_LIMIT || /[\u0000-\u001f]/.test(scope)) {
    throw invalid(`Invalid schema subject '${raw}': the name after ':' must be 1-${SCOPE_LIMIT} printable characters`);
  }
  return { kind, scope };
}

export const formatSubject = (subject: Subject): string =>
  subject.scope === null ? subject.kind : `${subject.kind}:${subject.scope}`;

/** Subjects that may govern a record, most specific first: the record's own scoped subject, then its kind's. */
export function candidateSubjects(kind: EntityKind, name: string): string[] {
  return [`${kind}:${name}`, kind];
}
