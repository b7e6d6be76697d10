import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseBackendUri } from '../../domain/config/backend-uri.js';
import { keyIdOf, parsePrivateKey } from '../../domain/provenance/signing-key.js';

/** Where the server's signing key came from; only a file-backed key can be rotated by the server itself. */
export type SigningKeyOrigin = { kind: 'environment' } | { kind: 'file'; path: string } | { kind: 'ephemeral' };

export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
  origin: SigningKeyOrigin;
}

export interface SigningKeyOptions {
  /** MNEMO_SIGNING_KEY: the private key itself, PEM or base64 PKCS#8. Wins over any file. */
  keyText?: string | undefined;
  /** --signing-key-file / MNEMO_SIGNING_KEY_FILE. */
  keyFile?: string | undefined;
  /** Used to place the default key file next to a SQLite database. */
  backendStoreUri: string;
}

/** Next to the SQLite file; for PostgreSQL (no data directory of its own) in ./mnemo-data. */
export function defaultSigningKeyFile(backendStoreUri: string): string {
  const location = parseBackendUri(backendStoreUri);
  if (location.kind === 'sqlite' && location.path !== ':memory:')
    return join(dirname(location.path), 'signing-key.pem');
  return join('mnemo-data', 'signing-key.pem');
}

export function generateSigningKey(origin: SigningKeyOrigin = { kind: 'ephemeral' }): SigningKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  return { keyId: keyIdOf(privateKey), privateKey, origin };
}

/**
 * Loads the server's Ed25519 key, generating one on first start. Replicas starting together on a shared directory
 * must end up with the same key, and none may read another's half-written file: the key is written whole beside its
 * place, then hard-linked there, which fails if another replica's key got there first (then that one is read).
 */
export async function loadSigningKey(options: SigningKeyOptions): Promise<SigningKey> {
  if (options.keyText !== undefined && options.keyText.trim() !== '') {
    const privateKey = parseWithContext(options.keyText, 'MNEMO_SIGNING_KEY');
    return { keyId: keyIdOf(privateKey), privateKey, origin: { kind: 'environment' } };
  }
  const path = resolve(options.keyFile || defaultSigningKeyFile(options.backendStoreUri));
  const existing = await readIfExists(path);
  if (existing !== undefined) {
    const privateKey = parseWithContext(existing, path);
    return { keyId: keyIdOf(privateKey), privateKey, origin: { kind: 'file', path } };
  }
  const generated = generateSigningKey({ kind: 'file', path });
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Date.now()}.new`;
  await writeFile(temporary, pem(generated.privateKey), { flag: 'wx', mode: 0o600 });
  try {
    await placeExclusively(temporary, path, generated.privateKey);
    return generated;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return loadSigningKey(options);
  } finally {
    await unlink(temporary);
  }
}

/** Puts the written key file in place unless one is there (EEXIST); where hard links are refused, creates it O_EXCL. */
async function placeExclusively(temporary: string, path: string, privateKey: KeyObject): Promise<void> {
  try {
    await link(temporary, path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
    await writeFile(path, pem(privateKey), { flag: 'wx', mode: 0o600 });
  }
}

/** Replaces the key file atomically (write beside it, then rename) so a crash never leaves half a key. */
export async function replaceKeyFile(path: string, privateKey: KeyObject): Promise<void> {
  const temporary = `${path}.${process.pid}.new`;
  await writeFile(temporary, pem(privateKey), { mode: 0o600 });
  await rename(temporary, path);
}

const pem = (privateKey: KeyObject): string => privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

function parseWithContext(text: string, where: string): KeyObject {
  try {
    return parsePrivateKey(text);
  } catch (error) {
    throw new Error(
      `cannot read the signing key from ${where}: ${(error as Error).message}. ` +
        'Give an Ed25519 private key as PKCS#8 PEM or base64 DER.',
    );
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
