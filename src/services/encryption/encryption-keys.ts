import { readFile } from 'node:fs/promises';
import { openValue, sealedValueKeyId, sealValue } from '../../domain/encryption/sealed-value.js';
import { invalidState } from '../../domain/errors.js';
import { parseSecretKey, type SecretKey, SecretUnreadable } from '../../domain/webhooks/secret-box.js';

/**
 * The data keys sensitive values are sealed with. The first key seals every new value; the others (keys being
 * rotated away) still open the values sealed under them, so reads keep working while a rotation re-seals them.
 */
export class EncryptionKeys {
  private readonly byId: ReadonlyMap<string, SecretKey>;

  constructor(readonly keys: readonly [SecretKey, ...SecretKey[]]) {
    this.byId = new Map(keys.map((key) => [key.keyId, key]));
  }

  get current(): SecretKey {
    return this.keys[0];
  }

  /** The ids of the configured keys other than the current one. */
  get retiring(): string[] {
    return this.keys.slice(1).map((key) => key.keyId);
  }

  seal(plaintext: string, context: string): string {
    return sealValue(this.current, plaintext, context);
  }

  /** Opens a sealed value; `what` names it in the error when its key is not configured or it was altered. */
  open(stored: string, context: string, what: string): string {
    const keyId = sealedValueKeyId(stored)!;
    const key = this.byId.get(keyId);
    if (!key) {
      throw invalidState(
        `The ${what} is encrypted with key ${keyId}, which this server is not configured with; ` +
          'add that key to MNEMO_ENCRYPTION_KEY or the --encryption-key-file (after the current key)',
      );
    }
    try {
      return openValue(key, stored, context);
    } catch (error) {
      if (error instanceof SecretUnreadable) throw invalidState(`The ${what} cannot be decrypted: ${error.message}`);
      throw error;
    }
  }
}

/**
 * Reads the data keys: MNEMO_ENCRYPTION_KEY (the keys themselves) wins over --encryption-key-file. Either holds one
 * key or several separated by commas, spaces or lines, each 32 bytes as hex or base64; the first is current. Neither
 * given: undefined, and no value can be sealed.
 */
export async function loadEncryptionKeys(options: {
  keyText?: string | undefined;
  keyFile?: string | undefined;
}): Promise<EncryptionKeys | undefined> {
  if (options.keyText !== undefined && options.keyText.trim() !== '') {
    return parseEncryptionKeys(options.keyText, 'MNEMO_ENCRYPTION_KEY');
  }
  if (options.keyFile === undefined || options.keyFile === '') return undefined;
  let text: string;
  try {
    text = await readFile(options.keyFile, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the encryption key file ${options.keyFile}: ${(error as Error).message}`);
  }
  return parseEncryptionKeys(text, options.keyFile);
}

export function parseEncryptionKeys(text: string, where: string): EncryptionKeys {
  const parts = text.split(/[\s,]+/).filter((part) => part !== '');
  if (parts.length === 0) throw new Error(`cannot read the encryption key from ${where}: it holds no key`);
  const keys = parts.map((part, i) => {
    try {
      return parseSecretKey(part);
    } catch (error) {
      throw new Error(`cannot read encryption key ${i + 1} from ${where}: ${(error as Error).message}`);
    }
  });
  return new EncryptionKeys(keys as [SecretKey, ...SecretKey[]]);
}
