import { describe, expect, it } from 'vitest';
import { parseLifetime } from './token-lifetime.js';

describe('parseLifetime', () => {
  it('reads minutes, hours, days and weeks', () => {
    expect(parseLifetime('90m')).toBe(90 * 60_000);
    expect(parseLifetime('12h')).toBe(12 * 3_600_000);
    expect(parseLifetime('30d')).toBe(30 * 86_400_000);
    expect(parseLifetime('2w')).toBe(14 * 86_400_000);
  });

  it('refuses anything else', () => {
    for (const text of ['', '0d', '30', 'd', '1y', '-1d', '1.5h', '9999999d'])
      expect(parseLifetime(text)).toBeUndefined();
  });
});
