import { createPublicKey, type KeyObject } from 'node:crypto';
import { keyIdOf, publicKeyFromRaw, strictBase64 } from './signing-key.js';

/** Public keys a verifier trusts, by key id. */
export type TrustedKeys = Map<string, KeyObject>;

/**
 * Reads the public keys a user hands to a verifier: a PEM public key, the base64 raw 32-byte key, or the JSON
 * document `GET /api/v1/keys` returns (every key the server ever used, so old signatures keep verifying).
 */
export function parseTrustedKeys(text: string): TrustedKeys {
  const trimmed = text.trim();
  const keys: TrustedKeys = new Map();
  const add = (key: KeyObject) => {
    if (key.asymmetricKeyType !== 'ed25519') throw new TypeError('only Ed25519 public keys are supported');
    keys.set(keyIdOf(key), key);
  };
  if (trimmed.startsWith('-----BEGIN')) {
    add(createPublicKey(trimmed));
  } else if (trimmed.startsWith('{')) {
    const document = JSON.parse(trimmed) as { keys?: unknown };
    if (!Array.isArray(document.keys)) throw new TypeError('a key document must have a "keys" array');
    for (const entry of document.keys as { keyId?: unknown; publicKey?: unknown }[]) {
      const raw = strictBase64(entry.publicKey);
      if (!raw) throw new TypeError('every key in a key document needs a base64 "publicKey"');
      const key = publicKeyFromRaw(raw);
      if (entry.keyId !== undefined && entry.keyId !== keyIdOf(key)) {
        throw new TypeError(`key id ${String(entry.keyId)} does not match its public key (${keyIdOf(key)})`);
      }
      add(key);
    }
  } else {
    const raw = strictBase64(trimmed);
    if (!raw) throw new TypeError('expected a PEM public key, a base64 Ed25519 key or a key document (JSON)');
    add(publicKeyFromRaw(raw));
  }
  if (keys.size === 0) throw new TypeError('no public keys given');
  return keys;
}
