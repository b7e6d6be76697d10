import { describe, expect, it } from 'vitest';
import { saturate, USAGE_RANKING, usageBoosts, usageFactor } from './usage-boost.js';

const counts = (sameQuery: [string, number][], anyQuery: [string, number][] = [], tags: [string, number][] = []) => ({
  sameQuery: new Map(sameQuery),
  anyQuery: new Map(anyQuery),
  tags: new Map(tags),
});

describe('usage boosts', () => {
  it('saturates: none is nothing, halfAt is half, many approach the weight without passing it', () => {
    expect(saturate(0, 1, 3)).toBe(0);
    expect(saturate(3, 1, 3)).toBe(0.5);
    expect(saturate(1000, 1, 3)).toBeLessThan(1);
    expect(saturate(1000, 1, 3)).toBeGreaterThan(0.99);
    expect(saturate(Number.NaN, 1, 3)).toBe(0);
  });

  it('ranks opens after the same query above opens after any query', () => {
    const boosts = usageBoosts(counts([['a', 3]], [['b', 3]]));
    expect(boosts.documents.get('a')).toBeCloseTo(USAGE_RANKING.sameQuery / 2);
    expect(boosts.documents.get('b')).toBeCloseTo(USAGE_RANKING.anyQuery / 2);
    expect(boosts.documents.get('a')!).toBeGreaterThan(boosts.documents.get('b')!);
  });

  it('adds the two document signals for one document', () => {
    const boosts = usageBoosts(counts([['a', 3]], [['a', 3]]));
    expect(boosts.documents.get('a')).toBeCloseTo((USAGE_RANKING.sameQuery + USAGE_RANKING.anyQuery) / 2);
  });

  it('gives a document the largest of its tags, not their sum', () => {
    const boosts = usageBoosts(
      counts(
        [],
        [],
        [
          ['domain=payments', 3],
          ['team=risk', 1],
        ],
      ),
    );
    const factor = usageFactor(boosts, 'x', ['domain=payments', 'team=risk', 'unused=1']);
    expect(factor).toBeCloseTo(1 + USAGE_RANKING.tag / 2);
    expect(usageFactor(boosts, 'x', [])).toBe(1);
  });

  it('leaves documents nobody opened alone', () => {
    const boosts = usageBoosts(counts([['a', 0]]));
    expect(boosts.documents.size).toBe(0);
    expect(usageFactor(boosts, 'a', [])).toBe(1);
  });
});
