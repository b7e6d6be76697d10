import { describe, expect, it } from 'vitest';
import type { ChunkColumns } from './metric-chunks.js';
import { mergeChunks } from './series-merge.js';

function chunk(points: [step: number, timestamp: number, value: number][]): ChunkColumns {
  return {
    count: points.length,
    steps: Float64Array.from(points.map((p) => p[0])),
    timestamps: Float64Array.from(points.map((p) => p[1])),
    values: Float64Array.from(points.map((p) => p[2])),
  };
}

const rows = (series: ReturnType<typeof mergeChunks>) =>
  Array.from({ length: series.count }, (_, i) => [series.steps[i], series.timestamps[i], series.values[i]]);

describe('mergeChunks', () => {
  it('concatenates chunks that follow each other', () => {
    const merged = mergeChunks(
      [
        chunk([
          [0, 1, 5],
          [1, 1, 4],
        ]),
        chunk([[2, 1, 3]]),
      ],
      {},
      true,
    );
    expect(rows(merged)).toEqual([
      [0, 1, 5],
      [1, 1, 4],
      [2, 1, 3],
    ]);
  });

  it('orders interleaved chunks by step, then timestamp, numbers before NaN, then value', () => {
    const merged = mergeChunks(
      [
        chunk([
          [0, 5, 1],
          [2, 1, Number.NaN],
          [4, 1, 1],
        ]),
        chunk([
          [0, 3, 1],
          [2, 1, 7],
          [2, 1, -1],
          [3, 1, 1],
        ]),
      ],
      {},
      true,
    );
    expect(rows(merged)).toEqual([
      [0, 3, 1],
      [0, 5, 1],
      [2, 1, -1],
      [2, 1, 7],
      [2, 1, Number.NaN],
      [3, 1, 1],
      [4, 1, 1],
    ]);
  });

  it('reads a point stored twice once when asked for distinct points, and twice otherwise', () => {
    const chunks = [
      chunk([
        [1, 1, Number.NaN],
        [2, 1, 0.5],
      ]),
      chunk([
        [1, 1, Number.NaN],
        [2, 1, 0.5],
        [2, 2, 0.5],
      ]),
    ];
    expect(mergeChunks(chunks, {}, true).count).toBe(3);
    expect(mergeChunks(chunks, {}, false).count).toBe(5);
  });

  it('keeps only points in the step range and after the cursor', () => {
    const chunks = [
      chunk([
        [1, 1, 1],
        [2, 1, 1],
        [2, 2, 1],
        [3, 1, 1],
        [4, 1, 1],
      ]),
    ];
    expect(rows(mergeChunks(chunks, { startStep: 2, endStep: 3 }, true)).map((r) => r[0])).toEqual([2, 2, 3]);
    const after = { step: 2, timestamp: 1, isNan: 0, value: 1 };
    expect(rows(mergeChunks(chunks, { after }, true))).toEqual([
      [2, 2, 1],
      [3, 1, 1],
      [4, 1, 1],
    ]);
  });
});
