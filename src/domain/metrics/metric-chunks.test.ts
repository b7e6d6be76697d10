import { describe, expect, it } from 'vitest';
import {
  CHUNK_ENCODING_COLUMNS,
  CHUNK_ENCODING_FLOAT64,
  MalformedChunk,
  packPoints,
  unpackChunk,
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
    // A smooth curve deflates below its 8 bytes a point once its bytes are shuffled into planes.
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
    const { columns } = roundTrip(points);
    expect([...columns.steps]).toEqual(points.map((p) => p.step));
    expect([...columns.timestamps]).toEqual(points.map((p) => p.timestamp));
    expect([...columns.values]).toEqual(points.map((p) => p.value));
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

  it('refuses a column cut short, a corrupt deflated column or an unknown encoding', () => {
    const points = Array.from({ length: 100 }, (_, i) => ({ key: 'k', step: i * i, timestamp: 1, value: Math.cos(i) }));
    const [chunk] = packPoints(points);
    const { steps, timestamps, values } = chunk!;
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
