import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runValueContext } from '../../domain/encryption/sealed-value.js';
import { MnemoError } from '../../domain/errors.js';
import { parseSecretKey } from '../../domain/webhooks/secret-box.js';
import { loadEncryptionKeys, parseEncryptionKeys } from './encryption-keys.js';

describe('encryption keys', () => {
  const current = randomBytes(32).toString('hex');
  const older = randomBytes(32).toString('base64');

  it('seal with the first key and open with any of them', () => {
    const context = runValueContext('r', 'param', 'k');
    const old = parseEncryptionKeys(older, 'test');
    const sealedOld = old.seal('plain', context);
    const both = parseEncryptionKeys(`${current}, ${older}`, 'test');
    expect(both.current.keyId).toBe(parseSecretKey(current).keyId);
    expect(both.retiring).toEqual([old.current.keyId]);
    expect(both.open(sealedOld, context, 'value')).toBe('plain');
    expect(both.seal('plain', context)).toContain(both.current.keyId);
  });

  it('name the missing key when a value was sealed under one not configured', () => {
    const context = runValueContext('r', 'tag', 'k');
    const sealed = parseEncryptionKeys(older, 'test').seal('plain', context);
    const other = parseEncryptionKeys(current, 'test');
    expect(() => other.open(sealed, context, "tag 'k'")).toThrow(MnemoError);
    expect(() => other.open(sealed, context, "tag 'k'")).toThrow(/not configured with/);
  });

  it('read the environment before the file, one key a line in the file, and refuse a malformed key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mnemo-keys-'));
    try {
      const file = join(dir, 'keys');
      await writeFile(file, `${current}\n${older}\n`);
      expect((await loadEncryptionKeys({ keyFile: file }))!.keys).toHaveLength(2);
      expect((await loadEncryptionKeys({ keyText: older, keyFile: file }))!.keys).toHaveLength(1);
      expect(await loadEncryptionKeys({})).toBeUndefined();
      await expect(loadEncryptionKeys({ keyText: 'short' })).rejects.toThrow(
        /encryption key 1 from MNEMO_ENCRYPTION_KEY/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
