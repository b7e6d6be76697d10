import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

/** The straightforward recursive serialiser canonicalJson replaced; the iterative one must give the same text. */
function recursiveCanonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON cannot represent ${value}`);
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(recursiveCanonicalJson).join(',')}]`;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${keys.map((k) => `${JSON.stringify(k)}:${recursiveCanonicalJson(record[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonical JSON cannot represent a ${typeof value}`);
  }
}

/** JSON-like values as services build them: also undefined members (omitted), -0 and integer-like keys. */
const serviceValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { maxDepth: 6 },
    fc.constantFrom(null, true, false, 0, -0, 1e21, 1e-7, Number.MAX_SAFE_INTEGER),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ unit: 'binary' }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(fc.string({ unit: 'binary' }), fc.nat().map(String)), tie('member'), { maxKeys: 5 }),
  ),
  member: fc.option(tie('value'), { nil: undefined, freq: 5 }),
}));

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

  it('gives exactly the text the recursive serialiser gave, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(recursiveCanonicalJson(value));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(serviceValue.value, (value) => {
        expect(canonicalJson(value)).toBe(recursiveCanonicalJson(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('serialises values nested 100,000 levels deep, which the recursive serialiser could not', () => {
    const depth = 100_000;
    const arrays: unknown[] = [];
    let array = arrays;
    for (let i = 1; i < depth; i++) {
      const inner: unknown[] = [];
      array.push(i, inner);
      array = inner;
    }
    const objects: Record<string, unknown> = {};
    let object = objects;
    for (let i = 1; i < depth; i++) {
      const inner: Record<string, unknown> = {};
      object.z = i;
      object.a = inner;
      object = inner;
    }
    expect(() => recursiveCanonicalJson(arrays)).toThrow(RangeError);
    let expected = '[]';
    for (let i = depth - 1; i >= 1; i--) expected = `[${i},${expected}]`;
    expect(canonicalJson(arrays)).toBe(expected);
    expected = '{}';
    for (let i = depth - 1; i >= 1; i--) expected = `{"a":${expected},"z":${i}}`;
    expect(canonicalJson(objects)).toBe(expected);
    // What JSON.parse (itself iterative in V8) reads back serialises to the same text again.
    expect(canonicalJson(JSON.parse(expected))).toBe(expected);
  });
});
