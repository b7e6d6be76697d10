import { describe, expect, it } from 'vitest';
import { trigramCandidates } from './trigram-candidates.js';

describe('trigram candidates', () => {
  it('ranks terms by how many uncommon trigrams they share with what was typed', () => {
    const postings = [
      { ids: [1, 2, 3], complete: true },
      { ids: [2, 3], complete: true },
      { ids: [3, 9], complete: true },
    ];
    expect(trigramCandidates(postings, 10)).toEqual([3, 2, 1, 9]);
    expect(trigramCandidates(postings, 2)).toEqual([3, 2]);
  });

  it('leaves out common trigrams, whose terms are only a sample', () => {
    const common = { ids: [7, 8, 1], complete: false };
    expect(trigramCandidates([common, { ids: [1, 5], complete: true }], 10)).toEqual([1, 5]);
  });

  it('samples the rarest trigram when every one is common, and finds nothing in nothing', () => {
    const often = { ids: [1, 2, 3, 4], complete: false };
    const lessOften = { ids: [5, 6], complete: false };
    expect(trigramCandidates([often, lessOften, { ids: [], complete: true }], 10)).toEqual([5, 6]);
    expect(trigramCandidates([often], 3)).toEqual([1, 2, 3]);
    expect(trigramCandidates([{ ids: [], complete: true }], 10)).toEqual([]);
    expect(trigramCandidates([], 10)).toEqual([]);
  });
});
