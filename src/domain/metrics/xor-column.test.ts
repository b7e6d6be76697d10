import { describe, expect, it } from 'vitest';
import { decodeXor, encodeXor } from './xor-column.js';

const bitsOf = (values: Float64Array) => [...new Uint8Array(values.buffer, values.byteOffset, values.byteLength)];

describe('XOR column', () => {
  it('reads back every bit of any values: NaN payloads, -0, infinities, subnormals, repeats', () => {
    const values = new Float64Array([0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 5e-324]);
    const withPayload = new Float64Array(1);
    new Uint32Array(withPayload.buffer).set([0xdeadbeef, 0x7ff80001]);
    const all = new Float64Array([...values, withPayload[0]!, 1.5, 1.5, 1.5, -2.25, Number.MAX_VALUE]);
    new Uint32Array(all.buffer).set([0xdeadbeef, 0x7ff80001], 12);
    const decoded = decodeXor(encodeXor(all), all.length);
    expect(bitsOf(decoded!)).toEqual(bitsOf(all));
  });

  it('reads back random bit patterns', () => {
    const words = new Uint32Array(2000);
    let seed = 7;
    for (let i = 0; i < words.length; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      // Every other pair shares its high word with its neighbour, as near values do.
      words[i] = i % 4 === 3 ? words[i - 2]! : seed * 2 + (i & 1);
    }
    const values = new Float64Array(words.buffer);
    expect(bitsOf(decodeXor(encodeXor(values), values.length)!)).toEqual(bitsOf(values));
  });

  it('keeps a byte for a repeated value and drops the zero bytes that float32 values end in', () => {
    const repeated = new Float64Array(100).fill(0.1);
    expect(encodeXor(repeated).length).toBe(100 + 8);
    const fromFloat32 = Float64Array.from({ length: 1000 }, (_, i) => Math.fround(1 / (1 + i / 100)));
    // A header byte and at most four of the eight bytes a value.
    expect(encodeXor(fromFloat32).length).toBeLessThanOrEqual(5 * 1000);
  });

  it('refuses bytes that are cut, padded, or name more zero bytes than a value has', () => {
    const values = Float64Array.from({ length: 10 }, (_, i) => Math.sqrt(i));
    const encoded = encodeXor(values);
    expect(decodeXor(encoded.subarray(0, encoded.length - 1), 10)).toBeUndefined();
    expect(decodeXor(Uint8Array.of(...encoded, 0), 10)).toBeUndefined();
    expect(decodeXor(encoded, 11)).toBeUndefined();
    expect(decodeXor(Uint8Array.of(0x54, 0), 1)).toBeUndefined();
  });
});
