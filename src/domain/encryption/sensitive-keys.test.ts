import { describe, expect, it } from 'vitest';
import { MnemoError } from '../errors.js';
import { parseSensitiveKeys, SensitiveKeys } from './sensitive-keys.js';

describe('sensitive key patterns', () => {
  it('match with * standing for any run of characters, dots included', () => {
    const keys = parseSensitiveKeys('*.connection_string, customer.*');
    expect(keys.matches('warehouse.connection_string')).toBe(true);
    expect(keys.matches('a.b.connection_string')).toBe(true);
    expect(keys.matches('customer.email')).toBe(true);
    expect(keys.matches('customer.address.city')).toBe(true);
    expect(keys.matches('connection_string')).toBe(false);
    expect(keys.matches('customers.email')).toBe(false);
    expect(keys.matches('lr')).toBe(false);
  });

  it('treat every other character literally', () => {
    const keys = parseSensitiveKeys(['db.url']);
    expect(keys.matches('db.url')).toBe(true);
    expect(keys.matches('dbxurl')).toBe(false);
  });

  it('read commas and newlines, dropping blanks and repeats', () => {
    expect(parseSensitiveKeys('a.*,\n b , ,a.*').patterns).toEqual(['a.*', 'b']);
    expect(parseSensitiveKeys('').isEmpty).toBe(true);
  });

  it('refuse a pattern matching every key or holding other characters', () => {
    expect(() => parseSensitiveKeys('*')).toThrow(MnemoError);
    expect(() => parseSensitiveKeys('a.(b|c)')).toThrow(/key characters/);
  });

  it('combine server and experiment patterns', () => {
    const combined = parseSensitiveKeys('a.*').with(new SensitiveKeys(['b', 'a.*']));
    expect(combined.patterns).toEqual(['a.*', 'b']);
    expect(SensitiveKeys.NONE.with(combined)).toBe(combined);
  });
});
