import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue } from './dump-values.js';

describe('dump values', () => {
  it('keeps integers beyond 2^53 exact, as strings, and reads them back for either database', () => {
    const big = 2n ** 62n + 1n;
    expect(encodeValue('integer', big)).toBe('4611686018427387905');
    expect(encodeValue('integer', '4611686018427387905')).toBe('4611686018427387905');
    expect(encodeValue('integer', 42n)).toBe(42);
    expect(decodeValue('integer', '4611686018427387905', 'sqlite')).toBe(big);
    expect(decodeValue('integer', '4611686018427387905', 'postgres')).toBe('4611686018427387905');
  });

  it('writes the numbers JSON lacks as strings and reads them back as numbers', () => {
    const values = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0.5];
    const encoded = values.map((v) => encodeValue('real', v));
    expect(encoded).toEqual(['NaN', 'Infinity', '-Infinity', -0.5]);
    expect(JSON.parse(JSON.stringify(encoded)).map((v: string | number) => decodeValue('real', v, 'postgres'))).toEqual(
      values,
    );
  });

  it('carries bytes as base64 and booleans as 0 or 1', () => {
    const bytes = Buffer.from([0, 255, 10]);
    expect(decodeValue('blob', encodeValue('blob', bytes), 'sqlite')).toEqual(bytes);
    expect([true, false, 1n].map((v) => encodeValue('boolean', v))).toEqual([1, 0, 1]);
    expect(decodeValue('boolean', 1, 'postgres')).toBe(true);
    expect(decodeValue('boolean', 0, 'sqlite')).toBe(0);
    expect(encodeValue('text', null)).toBeNull();
  });
});
