import {
  generateSecretKey,
  openSecret,
  type SecretKey,
  SecretUnreadable,
  sealedKeyId,
  sealSecret,
  secretKey,
} from '../../domain/webhooks/secret-box.js';
import {
  findSecretKeyRow,
  firstSecretKeyRow,
  insertSecretKeyRow,
} from '../../store/repositories/secret-key-repository.js';
import type { SecretKeysTable } from '../../store/schema-webhooks.js';
import type { Executor, Store } from '../../store/store.js';
import type { WriteScope } from '../unit-of-work.js';

/**
 * The keys secrets are sealed with. An operator's key (MNEMO_SECRET_KEY / --secret-key-file) is used when given and
 * never stored. Without one, the server generates a key on first use and keeps it in the database, inside the write
 * that first seals a secret (writes are serialised, so replicas starting together still agree on one key); anyone
 * holding a copy of the database then holds the key too, which the README says. Values sealed under the database's
 * key keep opening after an operator key is configured: each value names its key.
 */
export class SecretKeyRing {
  /** Keys by id: the operator's and those read from the database. A handful at most, and they never change. */
  private readonly known = new Map<string, SecretKey>();

  constructor(
    private readonly deps: { store: Store; now: () => number },
    private readonly operatorKey?: SecretKey,
  ) {
    if (operatorKey) this.known.set(operatorKey.keyId, operatorKey);
  }

  /** The key to seal a new secret with, inside the write that stores it. */
  async sealingKey(scope: WriteScope): Promise<SecretKey> {
    if (this.operatorKey) return this.operatorKey;
    const row = await firstSecretKeyRow(scope.db);
    if (row) return this.fromRow(row);
    const key = generateSecretKey();
    const now = this.deps.now();
    await insertSecretKeyRow(scope.db, {
      key_id: key.keyId,
      key_material: key.key.toString('base64'),
      creation_time: now,
    });
    scope.audit({
      action: 'secret_key.create',
      entityKind: 'secret_key',
      entityId: key.keyId,
      state: { keyId: key.keyId, creationTime: now },
    });
    return key;
  }

  /** Opens a sealed secret; throws SecretUnreadable when its key is unknown or the value was altered. */
  async open(sealed: string, context: string, db: Executor = this.deps.store.db): Promise<string> {
    const keyId = sealedKeyId(sealed);
    let key = this.known.get(keyId);
    if (!key) {
      const row = await findSecretKeyRow(db, keyId);
      if (!row) {
        throw new SecretUnreadable(
          `it was sealed with key ${keyId}, which is neither the configured secret key nor one in the database`,
        );
      }
      key = this.fromRow(row);
    }
    return openSecret(key, sealed, context);
  }

  /** Seals a value with the key another sealed value was sealed with (known once that value was opened). */
  sealLike(sealed: string, plaintext: string, context: string): string {
    const key = this.known.get(sealedKeyId(sealed));
    if (!key) throw new SecretUnreadable(`key ${sealedKeyId(sealed)} is not loaded`);
    return sealSecret(key, plaintext, context);
  }

  private fromRow(row: SecretKeysTable): SecretKey {
    const key = secretKey(Buffer.from(row.key_material, 'base64'));
    // The id is the key's digest: a row whose material was replaced no longer matches its id.
    if (key.keyId !== row.key_id) throw new SecretUnreadable(`the stored key ${row.key_id} was altered`);
    this.known.set(key.keyId, key);
    return key;
  }
}
