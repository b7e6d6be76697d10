import { createHash } from 'node:crypto';
import { invalid } from '../errors.js';
import { openSecret, type SecretKey, sealedKeyId, sealSecret } from '../webhooks/secret-box.js';

/**
 * A sensitive value as stored: the secret box's sealed form (AES-256-GCM, fresh IV, the key id in front) behind a
 * prefix that tells it apart from a plain value in the same column. The context bound into it names the row it
 * belongs to (run, kind, key), so a sealed value copied onto another row does not open.
 */
export const SEALED_PREFIX = 'mnemo-sealed:';

/** What the audit log records for a sealed value: a digest of the sealed text, never the plaintext. */
const AUDITED_PREFIX = 'mnemo-sealed:sha256:';

export const isSealedValue = (stored: string): boolean => stored.startsWith(SEALED_PREFIX);

export const sealValue = (key: SecretKey, plaintext: string, context: string): string =>
  SEALED_PREFIX + sealSecret(key, plaintext, context);

/** The id of the key a stored value is sealed with; undefined for a plain value. */
export const sealedValueKeyId = (stored: string): string | undefined =>
  isSealedValue(stored) ? sealedKeyId(stored.slice(SEALED_PREFIX.length)) : undefined;

export const openValue = (key: SecretKey, stored: string, context: string): string =>
  openSecret(key, stored.slice(SEALED_PREFIX.length), context);

/** The context a run's param or tag is sealed under. */
export const runValueContext = (runId: string, kind: 'param' | 'tag', key: string): string =>
  `run/${runId}/${kind}/${key}`;

/**
 * How a stored value enters the audit log, and the form the verifier compares a stored value in: a sealed value as
 * the digest of its sealed text (its IV is random, so nothing about the plaintext can be learnt or guessed from it,
 * and an edited row no longer matches), a plain value as it is. The audited form starts with the sealed prefix too,
 * so a row edited into it is read as sealed and digested again: it can never pass for its own record.
 */
export function auditedValue(stored: string): string {
  if (isSealedValue(stored)) return AUDITED_PREFIX + createHash('sha256').update(stored, 'utf8').digest('hex');
  return stored;
}

/** Plain values may not look like sealed ones: a read would try to open them. */
export function refuseReservedPrefix(value: string, field: string): void {
  if (value.startsWith(SEALED_PREFIX)) {
    throw invalid(`${field} must not start with '${SEALED_PREFIX}': the prefix marks encrypted values`);
  }
}
