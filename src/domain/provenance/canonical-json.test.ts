import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
    // By code unit: é (0xE9) after z, then the emoji's high surrogate (0xD83D), then U+FFFD.
    expect(canonicalJson({ é: 1, z: 2, '\u{1F600}': 3, '\uFFFD': 4 })).toBe('{"z":2,"é":1,"😀":3,"�":4}');
  });

  it('renders numbers in shortest round-trip form', () => {
    expect(canonicalJson([1e21, 1e-7, 0.1, -0, 100, 1.5e300])).toBe('[1e+21,1e-7,0.1,0,100,1.5e+300]');
  });

  it('escapes strings as JSON does and omits undefined members', () => {
    expect(canonicalJson({ s: 'line\n"quoted"\u0001', u: undefined })).toBe('{"s":"line\\n\\"quoted\\"\\u0001"}');
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(/NaN/);
    expect(() => canonicalJson({ x: Number.POSITIVE_INFINITY })).toThrow(/Infinity/);
    expect(() => canonicalJson(() => 1)).toThrow(/function/);
  });
});
