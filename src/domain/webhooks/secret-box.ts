import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Secrets (a webhook's signing secret) are stored sealed with AES-256-GCM: a fresh 96-bit IV per value, and the
 * 128-bit tag checked on opening, so a value edited in the database does not open. The value is bound to what it
 * belongs to (the `context`, e.g. the webhook's id) as additional data: a sealed secret copied onto another row does
 * not open either. The key id in front says which key sealed it, so values sealed under an older key still open
 * after an operator key is configured.
 */
export interface SecretKey {
  keyId: string;
  key: Buffer;
}

const FORMAT = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretUnreadable extends Error {
  constructor(reason: string) {
    super(`a stored secret cannot be opened: ${reason}`);
    this.name = 'SecretUnreadable';
  }
}

/** First 8 bytes (hex) of the key's SHA-256: names the key without revealing anything usable about it. */
export const secretKeyIdOf = (key: Buffer): string =>
  createHash('sha256').update(key).digest().subarray(0, 8).toString('hex');

export function secretKey(key: Buffer): SecretKey {
  if (key.length !== KEY_BYTES) throw new RangeError(`a secret key is ${KEY_BYTES} bytes; got ${key.length}`);
  return { keyId: secretKeyIdOf(key), key };
}

export const generateSecretKey = (): SecretKey => secretKey(randomBytes(KEY_BYTES));

/**
 * Reads an operator's key: 32 bytes as 64 hex digits or as base64 (standard or url-safe). Anything else is refused
 * with what to give instead, never truncated or stretched into a key.
 */
export function parseSecretKey(text: string): SecretKey {
  const trimmed = text.trim();
  let bytes: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) bytes = Buffer.from(trimmed, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) bytes = Buffer.from(trimmed, 'base64');
  if (bytes?.length !== KEY_BYTES) {
    throw new Error(
      'a secret key must be 32 random bytes written as 64 hex digits or as base64 ' +
        '(for example the output of `openssl rand -base64 32`)',
    );
  }
  return secretKey(bytes);
}

export function sealSecret(key: SecretKey, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const parts = [iv, ciphertext, cipher.getAuthTag()].map((b) => b.toString('base64url'));
  return [FORMAT, key.keyId, ...parts].join('.');
}

/** The key id a sealed value names, to find its key before opening it. */
export function sealedKeyId(sealed: string): string {
  const parts = sealed.split('.');
  if (parts.length !== 5 || parts[0] !== FORMAT) throw new SecretUnreadable('it is not in a format this server wrote');
  return parts[1]!;
}

export function openSecret(key: SecretKey, sealed: string, context: string): string {
  if (sealedKeyId(sealed) !== key.keyId) throw new SecretUnreadable(`it was sealed with key ${sealedKeyId(sealed)}`);
  const [, , iv, ciphertext, tag] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
  if (iv!.length !== IV_BYTES || tag!.length !== TAG_BYTES) throw new SecretUnreadable('its IV or tag is malformed');
  const decipher = createDecipheriv('aes-256-gcm', key.key, iv!, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(tag!);
  try {
    return Buffer.concat([decipher.update(ciphertext!), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretUnreadable('its authentication tag does not match (edited, moved, or sealed with another key)');
  }
}

/** What the audit log records of a sealed value: its digest, which reveals nothing of the secret (the IV is random). */
export const sealedDigest = (sealed: string | null): string | null =>
  sealed === null ? null : createHash('sha256').update(sealed, 'utf8').digest('hex');
