import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  CHUNK_ENCODING_COLUMNS,
  CHUNK_ENCODING_FLOAT64,
  MalformedChunk,
  packPoints,
  unpackChunk,
  unpackChunksSideBySide,
} from './metric-chunks.js';

const point = (key: string, step: number, value = step / 10) => ({ key, step, timestamp: 1000 + step, value });

describe('packPoints', () => {
  it('splits each key into chunks of at most the chunk size, numbered in order, with their step ranges', () => {
    const points = [
      ...Array.from({ length: 5 }, (_, i) => point('a', i)),
      ...Array.from({ length: 2 }, (_, i) => point('b', 10 + i)),
    ];
    const chunks = packPoints(points, 2);
    expect(chunks.map((c) => [c.key, c.part, c.firstStep, c.lastStep, c.count])).toEqual([
      ['a', 0, 0, 1, 2],
      ['a', 1, 2, 3, 2],
      ['a', 2, 4, 4, 1],
      ['b', 0, 10, 11, 2],
    ]);
    const [, second] = chunks;
    const columns = unpackChunk(
      second!.count,
      CHUNK_ENCODING_COLUMNS,
      second!.steps,
      second!.timestamps,
      second!.values,
    );
    expect([...columns.steps]).toEqual([2, 3]);
    expect([...columns.timestamps]).toEqual([1002, 1003]);
    expect([...columns.values]).toEqual([2 / 10, 3 / 10]);
  });

  it('keeps NaN and infinities and stores -0 as +0, as the batch digest encodes them', () => {
    const [chunk] = packPoints([
      { key: 'x', step: 0, timestamp: 1, value: -0 },
      { key: 'x', step: 1, timestamp: 1, value: Number.NaN },
      { key: 'x', step: 2, timestamp: 1, value: Number.NEGATIVE_INFINITY },
      { key: 'x', step: 3, timestamp: 1, value: Number.POSITIVE_INFINITY },
    ]);
    const { values } = unpackChunk(4, CHUNK_ENCODING_COLUMNS, chunk!.steps, chunk!.timestamps, chunk!.values);
    expect(Object.is(values[0], 0)).toBe(true);
    expect(values[1]).toBeNaN();
    expect([values[2], values[3]]).toEqual([Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]);
  });
});

describe('unpackChunk', () => {
  const roundTrip = (points: { key: string; step: number; timestamp: number; value: number }[]) => {
    const [chunk] = packPoints(points);
    const columns = unpackChunk(points.length, CHUNK_ENCODING_COLUMNS, chunk!.steps, chunk!.timestamps, chunk!.values);
    return { chunk: chunk!, columns };
  };

  it('stores a constant stride of steps and timestamps in a few bytes, and reads it back', () => {
    const points = Array.from({ length: 1000 }, (_, i) => ({
      key: 'k',
      step: 5 + 2 * i,
      timestamp: 1e12 + 100 * i,
      value: Math.sin(i / 50),
    }));
    const { chunk, columns } = roundTrip(points);
    expect(chunk.steps.byteLength + chunk.timestamps.byteLength).toBe(34);
    expect(chunk.values.byteLength).toBeLessThan(8 * 1000);
    expect([...columns.steps]).toEqual(points.map((p) => p.step));
    expect([...columns.timestamps]).toEqual(points.map((p) => p.timestamp));
    expect([...columns.values]).toEqual(points.map((p) => p.value));
  });

  it('reads back irregular steps, jittered timestamps and noise exactly', () => {
    let seed = 3;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    let step = -50;
    const points = Array.from({ length: 700 }, (_, i) => {
      step += Math.floor(next() * 4);
      return { key: 'k', step, timestamp: 1_700_000_000_000 + i * 10 + Math.floor(next() * 7), value: next() * 1e-300 };
    });
    points.push({ key: 'k', step: Number.MAX_SAFE_INTEGER, timestamp: 0, value: Number.NaN });
    const { chunk, columns } = roundTrip(points);
    // Timestamps as varint deltas; steps too (but the jump to MAX_SAFE_INTEGER is beyond varints: shuffled
    // deltas); the noise is deflated.
    expect(chunk.timestamps[0]).toBe(6);
    expect(chunk.steps[0]).toBe(4);
    expect(chunk.values[0]).toBe(3);
    expect([...columns.steps]).toEqual(points.map((p) => p.step));
    expect([...columns.timestamps]).toEqual(points.map((p) => p.timestamp));
    expect([...columns.values]).toEqual(points.map((p) => p.value));
  });

  it('tries noise that XOR does not shrink deflated, and keeps it plain when that does not shrink it either', () => {
    // Random signs, exponents and mantissas (finite): neighbours share no byte.
    const words = new Uint32Array(randomBytes(500 * 8).buffer);
    const noise = Array.from({ length: 500 }, (_, i) => {
      const value = new Float64Array(1);
      new Uint32Array(value.buffer).set([words[2 * i]!, words[2 * i + 1]! & 0xffefffff]);
      return { key: 'k', step: i, timestamp: 5, value: value[0]! };
    });
    const { chunk, columns } = roundTrip(noise);
    expect([1, 3]).toContain(chunk.values[0]);
    expect([...columns.values]).toEqual(noise.map((p) => p.value));
  });

  it('deflates noise that XOR barely shrinks, and timestamps that mostly repeat, when that is smaller', () => {
    // Uniform noise in [0, 1): neighbours share about one byte, so XOR leaves nearly 8 bytes a value; a thousand
    // points logged within ten milliseconds repeat their timestamps, which varints cannot take below a byte.
    const points = Array.from({ length: 1000 }, (_, i) => ({
      key: 'k',
      step: i,
      timestamp: 1_700_000_000_000 + Math.floor(i / 100),
      value: Math.random(),
    }));
    const { chunk, columns } = roundTrip(points);
    expect(chunk.values[0]).toBe(3);
    expect(chunk.values.byteLength).toBeLessThan(7.5 * 1000);
    expect(chunk.timestamps[0]).toBe(4);
    expect(chunk.timestamps.byteLength).toBeLessThan(200);
    expect([...columns.timestamps]).toEqual(points.map((p) => p.timestamp));
    expect([...columns.values]).toEqual(points.map((p) => p.value));
    // A training curve keeps its XORs: neighbours share sign, exponent and top mantissa bytes.
    const curve = roundTrip(points.map((p, i) => ({ ...p, value: Math.exp(-i / 5000) })));
    expect(curve.chunk.values[0]).toBe(5);
    expect(curve.chunk.values.byteLength).toBeLessThan(7 * 1000);
  });

  it('keeps short noisy columns plain, and reads back every short column exactly', () => {
    // A few points a batch, as a loop logging one step at a time sends: noise, jittered and repeated timestamps.
    for (let length = 1; length < 20; length++) {
      const points = Array.from({ length }, (_, i) => ({
        key: 'k',
        step: i * i,
        timestamp: 1_700_000_000_000 + Math.floor(i / 3),
        value: Math.random() * 10 ** (i % 5),
      }));
      const { chunk, columns } = roundTrip(points);
      for (const column of [chunk.steps, chunk.timestamps, chunk.values]) {
        expect(column.byteLength).toBeLessThanOrEqual(Math.max(17, 8 * length + 1)); // 17: a first entry and stride
        // Fewer than 16 entries are never deflated (the shuffled forms, 3 and 4).
        if (length < 16) expect([3, 4]).not.toContain(column[0]);
      }
      expect([...columns.steps]).toEqual(points.map((p) => p.step));
      expect([...columns.timestamps]).toEqual(points.map((p) => p.timestamp));
      expect([...columns.values]).toEqual(points.map((p) => p.value));
    }
  });

  it('reads the shuffled and deflated forms earlier versions wrote for every column', () => {
    // Form 3: float64 bytes shuffled into planes (all first bytes, then all second bytes…), deflated; form 4: the
    // same of the differences between neighbours. Built here byte by byte, as those versions wrote them.
    const shuffled = (column: number[]) => {
      const bytes = new Uint8Array(Float64Array.from(column).buffer);
      const planes = new Uint8Array(bytes.length);
      for (let i = 0; i < column.length; i++)
        for (let j = 0; j < 8; j++) planes[j * column.length + i] = bytes[i * 8 + j]!;
      return deflateRawSync(planes);
    };
    const steps = [3, 4, 6, 9, 13];
    const timestamps = [1e12, 1e12 + 5, 1e12 + 7, 1e12 + 100, 1e12 + 101];
    const values = [0.5, Number.NaN, Number.POSITIVE_INFINITY, -3.25, 1e-300];
    const deltas = (column: number[]) => column.map((v, i) => (i === 0 ? v : v - column[i - 1]!));
    const columns = unpackChunk(
      5,
      CHUNK_ENCODING_COLUMNS,
      Uint8Array.of(4, ...shuffled(deltas(steps))),
      Uint8Array.of(4, ...shuffled(deltas(timestamps))),
      Uint8Array.of(3, ...shuffled(values)),
    );
    expect([...columns.steps]).toEqual(steps);
    expect([...columns.timestamps]).toEqual(timestamps);
    expect([...columns.values]).toEqual(values);
  });

  it('reads plain float64 columns that do not start on an 8-byte boundary', () => {
    const shifted = (values: number[]) => {
      const buffer = new Uint8Array(values.length * 8 + 3);
      buffer.set(new Uint8Array(Float64Array.from(values).buffer), 3);
      return buffer.subarray(3);
    };
    const columns = unpackChunk(2, CHUNK_ENCODING_FLOAT64, shifted([7, 9]), shifted([1, 2]), shifted([0.5, 0.25]));
    expect([...columns.steps]).toEqual([7, 9]);
    expect([...columns.values]).toEqual([0.5, 0.25]);
  });

  it('refuses a column cut short, a corrupt column, an unknown column form or an unknown encoding', () => {
    const points = Array.from({ length: 100 }, (_, i) => ({ key: 'k', step: i * i, timestamp: 1, value: Math.cos(i) }));
    const [chunk] = packPoints(points);
    const { steps, timestamps, values } = chunk!;
    expect(() => unpackChunk(100, CHUNK_ENCODING_COLUMNS, Uint8Array.of(3, 1, 2, 3), timestamps, values)).toThrow(
      MalformedChunk,
    );
    expect(() => unpackChunk(100, CHUNK_ENCODING_COLUMNS, Uint8Array.of(7, ...steps), timestamps, values)).toThrow(
      MalformedChunk,
    );
    expect(() => unpackChunk(100, CHUNK_ENCODING_COLUMNS, steps.subarray(0, 15), timestamps, values)).toThrow(
      MalformedChunk,
    );
    expect(() =>
      unpackChunk(100, CHUNK_ENCODING_COLUMNS, steps, timestamps, values.subarray(0, values.length - 9)),
    ).toThrow(MalformedChunk);
    expect(() => unpackChunk(101, CHUNK_ENCODING_COLUMNS, steps, timestamps, values)).toThrow(MalformedChunk);
    expect(() => unpackChunk(100, 9, steps, timestamps, values)).toThrow(MalformedChunk);
  });
});

describe('unpackChunksSideBySide', () => {
  it('decodes every chunk into its stretch of shared columns, in the order given', () => {
    const points = Array.from({ length: 25 }, (_, i) => ({ key: 'k', step: i, timestamp: 7 * i, value: Math.sqrt(i) }));
    const packed = packPoints(points, 10);
    const { all, chunks } = unpackChunksSideBySide(packed.map((c) => ({ ...c, encoding: CHUNK_ENCODING_COLUMNS })));
    expect(chunks.map((c) => c.count)).toEqual([10, 10, 5]);
    expect([...all.steps]).toEqual(points.map((p) => p.step));
    expect([...all.timestamps]).toEqual(points.map((p) => p.timestamp));
    expect([...all.values]).toEqual(points.map((p) => p.value));
    expect(chunks[1]!.values.buffer).toBe(all.values.buffer);
    expect([...chunks[2]!.steps]).toEqual([20, 21, 22, 23, 24]);
  });
});
