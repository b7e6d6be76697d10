import { describe, expect, it } from 'vitest';
import { parseSeed, recognisedSeed } from './seed.js';

describe('parseSeed', () => {
  it('takes whole numbers Python accepts as PYTHONHASHSEED', () => {
    expect(parseSeed('42')).toBe(42);
    expect(parseSeed('0')).toBe(0);
    expect(parseSeed('4294967295')).toBe(4294967295);
  });

  it('refuses anything else', () => {
    for (const bad of ['-1', '4294967296', '1.5', 'abc', '', '1e3'])
      expect(() => parseSeed(bad), bad).toThrow(/--seed/);
  });
});

describe('recognisedSeed', () => {
  it('prefers the flag, then a whole-number seed param', () => {
    expect(recognisedSeed(7, { seed: '9' })).toEqual({ seed: '7', source: 'flag' });
    expect(recognisedSeed(undefined, { seed: ' 9 ' })).toEqual({ seed: '9', source: 'param' });
    expect(recognisedSeed(undefined, { seed: 'random' })).toBeUndefined();
    expect(recognisedSeed(undefined, {})).toBeUndefined();
  });
});
