/**
 * A column of integers (steps or timestamps) as the differences between neighbours, zigzagged (0, -1, 1, -2, 2 →
 * 0, 1, 2, 3, 4) and written as LEB128 varints: seven bits a byte, the top bit set on all but a number's last byte.
 * Steps and timestamps of a metric mostly advance by small amounts, so most differences take a byte or two. The
 * first entry is the difference from zero.
 */

/** The largest difference encoded: its zigzag (twice as large) must still be an exact double. */
const MAX_DIFFERENCE = 2 ** 51;

/**
 * Encodes `column`, or undefined when a difference is too large (or not an integer) to be encoded exactly, or when
 * the encoding would not be smaller than the plain float64 column.
 */
export function encodeVarintDeltas(column: Float64Array): Uint8Array | undefined {
  const plain = column.length * 8;
  // Room for one more number than plain holds, so writing never runs past the end before the size is checked.
  const out = new Uint8Array(plain + 8);
  let at = 0;
  let previous = 0;
  for (let i = 0; i < column.length; i++) {
    const value = column[i]!;
    const difference = value - previous;
    previous = value;
    if (!Number.isInteger(difference) || Math.abs(difference) > MAX_DIFFERENCE) return undefined;
    let zigzag = difference >= 0 ? 2 * difference : -2 * difference - 1;
    while (zigzag >= 0x80) {
      // Remainder and division rather than bit operators, which would cut the number to 32 bits.
      out[at++] = (zigzag % 0x80) | 0x80;
      zigzag = Math.floor(zigzag / 0x80);
    }
    out[at++] = zigzag;
    if (at >= plain) return undefined;
  }
  return out.subarray(0, at);
}

/**
 * Decodes `count` integers into `out` (a new array when not given), or undefined when the bytes are not such a
 * column of exactly `count` entries.
 */
export function decodeVarintDeltas(
  bytes: Uint8Array,
  count: number,
  out: Float64Array = new Float64Array(count),
): Float64Array | undefined {
  let at = 0;
  let previous = 0;
  for (let i = 0; i < count; i++) {
    let zigzag = 0;
    let scale = 1;
    let byte: number;
    do {
      if (at >= bytes.length || scale > 2 ** 49) return undefined;
      byte = bytes[at++]!;
      zigzag += (byte & 0x7f) * scale;
      scale *= 0x80;
    } while (byte & 0x80);
    previous += zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
    out[i] = previous;
  }
  return at === bytes.length ? out : undefined;
}
