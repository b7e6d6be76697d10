import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

/**
 * Ed25519 keys as Mnemo names and exchanges them. A key id is the first 8 bytes (16 hex characters) of the SHA-256 of
 * the raw 32-byte public key, so anyone holding the public key can recompute it.
 */
export interface PublicKeyInfo {
  keyId: string;
  /** Raw 32-byte public key, standard base64. */
  publicKey: string;
  publicKeyPem: string;
}

export function rawPublicKey(key: KeyObject): Buffer {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new TypeError('not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

export const keyIdOf = (key: KeyObject): string =>
  createHash('sha256').update(rawPublicKey(key)).digest().subarray(0, 8).toString('hex');

export function describePublicKey(key: KeyObject): PublicKeyInfo {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return {
    keyId: keyIdOf(publicKey),
    publicKey: rawPublicKey(publicKey).toString('base64'),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

export function publicKeyFromRaw(raw: Buffer): KeyObject {
  if (raw.length !== 32) throw new TypeError(`an Ed25519 public key is 32 bytes; got ${raw.length}`);
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

/** A private key given as PEM (PKCS#8) or as base64 of its PKCS#8 DER bytes. */
export function parsePrivateKey(text: string): KeyObject {
  const trimmed = text.trim();
  const key = trimmed.startsWith('-----BEGIN')
    ? createPrivateKey(trimmed)
    : createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(`the signing key must be an Ed25519 key; got ${key.asymmetricKeyType ?? 'unknown'}`);
  }
  return key;
}

export const signBytes = (privateKey: KeyObject, data: Uint8Array): Buffer => sign(null, data, privateKey);

export function verifyBytes(publicKey: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(null, data, publicKey, signature);
  } catch {
    return false;
  }
}

/** Decodes standard or URL-safe base64, refusing anything that is not exactly that (stray characters, bad padding). */
export function strictBase64(text: unknown): Buffer | undefined {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text.replaceAll('-', '+').replaceAll('_', '/'), 'base64');
  const canonical = bytes.toString('base64');
  const unpadded = (s: string) => s.replace(/=+$/, '');
  return unpadded(canonical) === unpadded(text.replaceAll('-', '+').replaceAll('_', '/')) ? bytes : undefined;
}
