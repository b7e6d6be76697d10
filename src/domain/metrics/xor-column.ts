/**
 * A column of float64 values as each value's bits XOR the previous value's, keeping only the bytes between the
 * leading and trailing zero bytes (Gorilla's idea, at byte rather than bit granularity). Neighbouring points of a
 * metric share sign, exponent and top mantissa bits, and values that came from float32 end in zero bytes, so most
 * XORs are short. Plain loops over typed arrays: a chunk costs microseconds both ways, where zlib paid more for
 * setting up each stream than for compressing a chunk of a thousand points.
 *
 * Layout: one header byte per value (leading zero bytes << 4 | trailing zero bytes; 0x80 for a value equal to the
 * previous one), then the kept bytes of every value in order, least significant first. The first value is XORed
 * with zero. Bits are copied as they are, so NaN and -0 come back exactly as they were packed.
 */

/** Encodes `column` (whose byteOffset must be a multiple of 4) as described above. */
export function encodeXor(column: Float64Array): Uint8Array {
  const count = column.length;
  const words = new Uint32Array(column.buffer, column.byteOffset, count * 2);
  const out = new Uint8Array(count * 9);
  let header = 0;
  let at = count;
  let previousLow = 0;
  let previousHigh = 0;
  for (let i = 0; i < count; i++) {
    const low = words[2 * i]!;
    const high = words[2 * i + 1]!;
    const xorLow = (low ^ previousLow) >>> 0;
    const xorHigh = (high ^ previousHigh) >>> 0;
    previousLow = low;
    previousHigh = high;
    if (xorLow === 0 && xorHigh === 0) {
      out[header++] = 0x80;
      continue;
    }
    const leading = xorHigh !== 0 ? Math.clz32(xorHigh) >>> 3 : 4 + (Math.clz32(xorLow) >>> 3);
    const trailing = xorLow !== 0 ? trailingZeros(xorLow) >>> 3 : 4 + (trailingZeros(xorHigh) >>> 3);
    out[header++] = (leading << 4) | trailing;
    for (let b = trailing; b < 8 - leading; b++) {
      out[at++] = b < 4 ? xorLow >>> (8 * b) : xorHigh >>> (8 * (b - 4));
    }
  }
  return out.subarray(0, at);
}

/**
 * Decodes `count` values into `out` (a new array when not given), or undefined when the bytes are not such a column
 * of exactly `count` values.
 */
export function decodeXor(
  bytes: Uint8Array,
  count: number,
  out: Float64Array = new Float64Array(count),
): Float64Array | undefined {
  if (bytes.length < count) return undefined;
  const words = new Uint32Array(out.buffer, out.byteOffset, count * 2);
  let at = count;
  let low = 0;
  let high = 0;
  for (let i = 0; i < count; i++) {
    const header = bytes[i]!;
    const leading = header >>> 4;
    const trailing = header & 0x0f;
    if (leading + trailing > 8) return undefined;
    let xorLow = 0;
    let xorHigh = 0;
    const end = 8 - leading;
    for (let b = trailing; b < end; b++) {
      if (b < 4) xorLow |= bytes[at++]! << (8 * b);
      else xorHigh |= bytes[at++]! << (8 * (b - 4));
    }
    low ^= xorLow;
    high ^= xorHigh;
    words[2 * i] = low;
    words[2 * i + 1] = high;
  }
  // Reading past the end yields undefined, which shifts as 0: only the final position tells a cut column.
  return at === bytes.length ? out : undefined;
}

const trailingZeros = (word: number) => 31 - Math.clz32(word & -word);
