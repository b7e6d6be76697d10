import { describe, expect, it } from 'vitest';
import { parseRetention } from './retention-period.js';

describe('a retention period', () => {
  it('is a whole number with a unit, or 0 for none', () => {
    expect(parseRetention('0')).toBe(0);
    expect(parseRetention('30d')).toBe(30 * 86_400_000);
    expect(parseRetention('12h')).toBe(12 * 3_600_000);
    expect(parseRetention('90m')).toBe(90 * 60_000);
    expect(parseRetention('2w')).toBe(14 * 86_400_000);
    expect(parseRetention(' 45s ')).toBe(45_000);
  });

  it('refuses a bare number, a fraction, a negative or an unknown unit', () => {
    for (const text of ['30', '1.5d', '-1d', '3y', 'd', '', '99999999999999999w']) {
      expect(() => parseRetention(text), text).toThrow(/Invalid retention period/);
    }
  });
});
