import { describe, expect, it } from 'vitest';
import { allowedTypos, prefixEditDistance, trigramsOf } from './typo-distance.js';

describe('typo distance', () => {
  it('counts edits against the candidate prefix', () => {
    expect(prefixEditDistance('fraud', 'fraud-detector')).toBe(0);
    expect(prefixEditDistance('fruad', 'fraud-detector')).toBe(1);
    expect(prefixEditDistance('frad', 'fraud')).toBe(1);
    expect(prefixEditDistance('frraud', 'fraud')).toBe(1);
    expect(prefixEditDistance('churn', 'fraud')).toBeGreaterThan(2);
  });

  it('allows more typos in longer words', () => {
    expect(allowedTypos(2)).toBe(0);
    expect(allowedTypos(4)).toBe(1);
    expect(allowedTypos(9)).toBe(2);
  });

  it('lists the trigrams of a word once each', () => {
    expect(trigramsOf('aaaa')).toEqual(['aaa']);
    expect(trigramsOf('fruad')).toEqual(['fru', 'rua', 'uad']);
  });
});
