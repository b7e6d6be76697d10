import { describe, expect, it } from 'vitest';
import { decodeVarintDeltas, encodeVarintDeltas } from './varint-column.js';

describe('varint delta column', () => {
  it('reads back steps that go up, down and jump, and timestamps far from zero', () => {
    const column = Float64Array.of(0, 1, 2, 2, -5, 1_000_000, 999_999, -(2 ** 40), 2 ** 51 - 2 ** 40, 7);
    const encoded = encodeVarintDeltas(column)!;
    expect([...decodeVarintDeltas(encoded, column.length)!]).toEqual([...column]);
    const timestamps = Float64Array.from({ length: 1000 }, (_, i) => 1_700_000_000_000 + i * 37 + (i % 3));
    const packed = encodeVarintDeltas(timestamps)!;
    // The first timestamp takes six bytes, every later difference (under 64) one.
    expect(packed.length).toBe(6 + 999);
    expect([...decodeVarintDeltas(packed, 1000)!]).toEqual([...timestamps]);
  });

  it('declines differences beyond 2^51, fractions, and columns it would not shrink', () => {
    expect(encodeVarintDeltas(Float64Array.of(0, 2 ** 51 + 2))).toBeUndefined();
    expect(encodeVarintDeltas(Float64Array.of(-(2 ** 52), 2 ** 52))).toBeUndefined();
    expect(encodeVarintDeltas(Float64Array.of(0, 0.5))).toBeUndefined();
    // A lone 2^51 takes eight bytes, no fewer than plain float64; with small differences after it, fewer.
    expect(encodeVarintDeltas(Float64Array.of(2 ** 51))).toBeUndefined();
    const large = Float64Array.of(2 ** 51, 2 ** 51 + 1, 2 ** 51 - 3);
    expect([...decodeVarintDeltas(encodeVarintDeltas(large)!, 3)!]).toEqual([...large]);
  });

  it('refuses bytes that are cut, padded, or hold a number longer than eight bytes', () => {
    const encoded = encodeVarintDeltas(Float64Array.of(1, 300, 70_000))!;
    expect(decodeVarintDeltas(encoded.subarray(0, encoded.length - 1), 3)).toBeUndefined();
    expect(decodeVarintDeltas(Uint8Array.of(...encoded, 0), 3)).toBeUndefined();
    expect(decodeVarintDeltas(encoded, 4)).toBeUndefined();
    expect(decodeVarintDeltas(new Uint8Array(9).fill(0x81), 1)).toBeUndefined();
  });
});
