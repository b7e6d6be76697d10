import { describe, expect, it } from 'vitest';
import { MalformedChunk, packPoints, unpackChunk } from './metric-chunks.js';

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
    const columns = unpackChunk(second!.count, 1, second!.steps, second!.timestamps, second!.values);
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
    const { values } = unpackChunk(4, 1, chunk!.steps, chunk!.timestamps, chunk!.values);
    expect(Object.is(values[0], 0)).toBe(true);
    expect(values[1]).toBeNaN();
    expect([values[2], values[3]]).toEqual([Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]);
  });
});

describe('unpackChunk', () => {
  it('reads columns that do not start on an 8-byte boundary', () => {
    const [chunk] = packPoints([point('k', 7), point('k', 9)]);
    const shifted = (bytes: Uint8Array) => {
      const buffer = new Uint8Array(bytes.byteLength + 3);
      buffer.set(bytes, 3);
      return buffer.subarray(3);
    };
    const columns = unpackChunk(2, 1, shifted(chunk!.steps), shifted(chunk!.timestamps), shifted(chunk!.values));
    expect([...columns.steps]).toEqual([7, 9]);
  });

  it('refuses a column cut short or an unknown encoding', () => {
    const [chunk] = packPoints([point('k', 1), point('k', 2)]);
    expect(() => unpackChunk(2, 1, chunk!.steps.subarray(0, 15), chunk!.timestamps, chunk!.values)).toThrow(
      MalformedChunk,
    );
    expect(() => unpackChunk(2, 9, chunk!.steps, chunk!.timestamps, chunk!.values)).toThrow(MalformedChunk);
  });
});
