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

describe('mergeChunks over chunks decoded side by side', () => {
  // Chunks as ingest packs them, each from its own batch: in order, overlapping, repeated, or out of order.
  const shapes: [string, [number, number, number][][]][] = [
    [
      'in order',
      [
        [
          [0, 1, 1],
          [1, 1, 2],
        ],
        [
          [2, 1, 3],
          [3, 1, Number.NaN],
        ],
        [[4, 1, 5]],
      ],
    ],
    [
      'out of order, with a batch sent twice',
      [
        [
          [5, 1, 1],
          [6, 1, 2],
        ],
        [
          [0, 1, 3],
          [5, 1, 1],
        ],
        [
          [0, 1, 3],
          [5, 1, 1],
        ],
      ],
    ],
  ];
  const windows = [{}, { startStep: 1, endStep: 4 }, { after: { step: 1, timestamp: 1, isNan: 0 as const, value: 2 } }];

  for (const [name, points] of shapes) {
    for (const window of windows) {
      it(`returns what the copying merge returns: ${name}, window ${JSON.stringify(window)}`, () => {
        const expected = rows(mergeChunks(points.map(chunk), window, true));
        const stored = points.map(chunk);
        const { all, chunks } = sideBySide(stored);
        expect(rows(mergeChunks(chunks, window, true, all))).toEqual(expected);
      });
    }
  }

  it('copies when the chunks are not views of the columns it is given', () => {
    const separate = [chunk([[0, 1, 1]]), chunk([[1, 1, 2]])];
    const unrelated = chunk([
      [9, 9, 9],
      [9, 9, 9],
    ]);
    expect(rows(mergeChunks(separate, {}, true, unrelated))).toEqual([
      [0, 1, 1],
      [1, 1, 2],
    ]);
    expect([...unrelated.steps]).toEqual([9, 9]);
  });
});

/** The chunks' points copied one after another into shared columns, each chunk a view of its stretch. */
function sideBySide(chunks: ChunkColumns[]): { all: ChunkColumns; chunks: ChunkColumns[] } {
  const all = chunk(
    chunks.flatMap((c) =>
      Array.from(
        { length: c.count },
        (_, i) => [c.steps[i]!, c.timestamps[i]!, c.values[i]!] as [number, number, number],
      ),
    ),
  );
  let at = 0;
  const views = chunks.map((c) => {
    const view = {
      count: c.count,
      steps: all.steps.subarray(at, at + c.count),
      timestamps: all.timestamps.subarray(at, at + c.count),
      values: all.values.subarray(at, at + c.count),
    };
    at += c.count;
    return view;
  });
  return { all, chunks: views };
}
