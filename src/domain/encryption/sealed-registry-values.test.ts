import { describe, expect, it } from 'vitest';
import { generateSecretKey } from '../webhooks/secret-box.js';
import { auditedRegistryRecord, hasSealedRegistryValues, registryValueContext } from './sealed-registry-values.js';
import { sealValue } from './sealed-value.js';

describe('sealed registry values', () => {
  const key = generateSecretKey();

  it('are bound to their record, kind and key', () => {
    const contexts = [
      registryValueContext({ modelId: 'm1' }, 'tag', 'a'),
      registryValueContext({ modelId: 'm1' }, 'metadata', 'a'),
      registryValueContext({ modelId: 'm1', version: 1 }, 'tag', 'a'),
      registryValueContext({ modelId: 'm2', version: 1 }, 'tag', 'a'),
    ];
    expect(new Set(contexts).size).toBe(contexts.length);
  });

  it('enter the audit log as digests, and leave records without them as they are', () => {
    const sealed = sealValue(key, 'secret', registryValueContext({ modelId: 'm' }, 'tag', 'k'));
    const record = { name: 'm', tags: [{ key: 'k', value: sealed }], metadata: { f: sealed, n: 3, s: 'plain' } };
    expect(hasSealedRegistryValues(record)).toBe(true);
    const audited = auditedRegistryRecord(record);
    expect(audited.tags[0]!.value).toMatch(/^mnemo-sealed:sha256:[0-9a-f]{64}$/);
    expect(audited.metadata).toEqual({ f: audited.tags[0]!.value, n: 3, s: 'plain' });
    const plain = { name: 'p', tags: [{ key: 'k', value: 'v' }], metadata: { f: 'x' } };
    expect(auditedRegistryRecord(plain)).toBe(plain);
  });
});
