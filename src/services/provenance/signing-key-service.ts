import { generateKeyPairSync } from 'node:crypto';
import { invalidState } from '../../domain/errors.js';
import { describePublicKey, keyIdOf, publicKeyFromRaw } from '../../domain/provenance/signing-key.js';
import {
  insertSigningKey,
  listSigningKeys,
  retireSigningKeys,
} from '../../store/repositories/provenance/signing-key-repository.js';
import type { Store } from '../../store/store.js';
import type { UnitOfWork, WriteScope } from '../unit-of-work.js';
import { replaceKeyFile, type SigningKey } from './signing-key-source.js';

export interface PublicKeyView {
  keyId: string;
  algorithm: 'ed25519';
  /** Raw 32-byte public key, base64. */
  publicKey: string;
  publicKeyPem: string;
  createdTime: number;
  retiredTime: number | null;
  current: boolean;
}

/**
 * Holds the server's signing key and the public record of every key it used. A key is registered (and logged)
 * before its first signature, so every signature in the database can be checked against a listed key.
 */
export class SigningKeyHolder {
  private registered = false;

  constructor(
    private readonly store: Store,
    private readonly unitOfWork: UnitOfWork,
    private readonly now: () => number,
    private key: SigningKey,
  ) {}

  get keyId(): string {
    return this.key.keyId;
  }

  /**
   * The key to sign with, registered first. Inside a caller's transaction the registration joins it (a second
   * transaction would wait forever on SQLite's single connection).
   */
  async signer(scope?: WriteScope): Promise<SigningKey> {
    if (!this.registered) {
      if (scope) await this.registerIn(scope);
      else await this.unitOfWork.write((inner) => this.registerIn(inner));
      this.registered = true;
    }
    return this.key;
  }

  async register(): Promise<void> {
    await this.signer();
  }

  private async registerIn({ db, audit }: WriteScope): Promise<void> {
    const key = this.key;
    const info = describePublicKey(key.privateKey);
    const row = { key_id: key.keyId, algorithm: 'ed25519', public_key: info.publicKey, created_time: this.now() };
    if (await insertSigningKey(db, { ...row, retired_time: null })) {
      audit({ action: 'signing_key.register', entityKind: 'signing_key', entityId: key.keyId, state: row });
    }
  }

  async list(): Promise<PublicKeyView[]> {
    const rows = await listSigningKeys(this.store.db);
    return rows.map((row) => {
      return {
        keyId: row.key_id,
        algorithm: 'ed25519' as const,
        publicKey: row.public_key,
        publicKeyPem: describePublicKey(publicKeyFromRaw(Buffer.from(row.public_key, 'base64'))).publicKeyPem,
        createdTime: row.created_time,
        retiredTime: row.retired_time,
        current: row.key_id === this.key.keyId,
      };
    });
  }

  /**
   * Switches to a fresh key. The old public key stays listed (marked retired) so what it signed still verifies; the
   * new private key replaces the key file, so the next start uses it too. Keys given through the environment cannot
   * be replaced from here: whoever set the variable must set a new one.
   */
  async rotate(): Promise<PublicKeyView> {
    const origin = this.key.origin;
    if (origin.kind === 'environment') {
      throw invalidState('The signing key comes from MNEMO_SIGNING_KEY; rotate it by setting a new key there.');
    }
    await this.signer();
    const { privateKey } = generateKeyPairSync('ed25519');
    const next: SigningKey = { keyId: keyIdOf(privateKey), privateKey, origin };
    const info = describePublicKey(privateKey);
    const time = this.now();
    await this.unitOfWork.write(async ({ db, audit }) => {
      const row = { key_id: next.keyId, algorithm: 'ed25519', public_key: info.publicKey, created_time: time };
      await insertSigningKey(db, { ...row, retired_time: null });
      await retireSigningKeys(db, next.keyId, time);
      audit({
        action: 'signing_key.rotate',
        entityKind: 'signing_key',
        entityId: next.keyId,
        state: { ...row, previousKeyId: this.key.keyId },
      });
      // Inside the transaction: if the file cannot be written, the new key is not recorded either.
      if (origin.kind === 'file') await replaceKeyFile(origin.path, privateKey);
    });
    this.key = next;
    // The answer is built from what was just committed rather than read back: a failing read after the COMMIT
    // would report a rotation that happened as failed.
    return {
      keyId: next.keyId,
      algorithm: 'ed25519',
      publicKey: info.publicKey,
      publicKeyPem: info.publicKeyPem,
      createdTime: time,
      retiredTime: null,
      current: true,
    };
  }
}
