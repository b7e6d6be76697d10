import { describe, expect, it } from 'vitest';
import { generateSecretKey } from '../webhooks/secret-box.js';
import {
  auditedValue,
  isSealedValue,
  openValue,
  refuseReservedPrefix,
  runValueContext,
  sealedValueKeyId,
  sealValue,
} from './sealed-value.js';

describe('sealed values', () => {
  const key = generateSecretKey();
  const context = runValueContext('r1', 'param', 'db.connection_string');

  it('hold no plaintext, name their key and open with it under the same context only', () => {
    const sealed = sealValue(key, 'postgres://u:hunter2@db', context);
    expect(isSealedValue(sealed)).toBe(true);
    expect(sealed).not.toContain('hunter2');
    expect(sealedValueKeyId(sealed)).toBe(key.keyId);
    expect(openValue(key, sealed, context)).toBe('postgres://u:hunter2@db');
    expect(() => openValue(key, sealed, runValueContext('r2', 'param', 'db.connection_string'))).toThrow();
    expect(() => openValue(generateSecretKey(), sealed, context)).toThrow();
    expect(sealedValueKeyId('plain')).toBeUndefined();
  });

  it('enter the audit log as a digest that changes with any edit and that no row can imitate', () => {
    const sealed = sealValue(key, 'secret', context);
    const audited = auditedValue(sealed);
    expect(audited).toMatch(/^mnemo-sealed:sha256:[0-9a-f]{64}$/);
    expect(audited).not.toContain('secret');
    expect(auditedValue(`${sealed.slice(0, -2)}AA`)).not.toBe(audited);
    expect(auditedValue(audited)).not.toBe(audited);
    expect(auditedValue('plain value')).toBe('plain value');
  });

  it('keep plain values from taking the reserved prefix', () => {
    expect(() => refuseReservedPrefix('mnemo-sealed:x', 'params[0].value')).toThrow(/reserved|marks encrypted/);
    expect(() => refuseReservedPrefix('fine', 'params[0].value')).not.toThrow();
  });
});
