import { describe, expect, it } from 'vitest';
import { highlight } from './highlight.js';

describe('highlight', () => {
  it('marks the words the terms match as prefixes, accents and case aside', () => {
    expect(highlight('Scores card payments for Fraud and fraudsters', ['fraud'])).toEqual([
      { text: 'Scores card payments for ', match: false },
      { text: 'Fraud', match: true },
      { text: ' and ', match: false },
      { text: 'fraudsters', match: true },
    ]);
    expect(highlight('Détecteur', ['detect'])).toEqual([{ text: 'Détecteur', match: true }]);
  });

  it('cuts long text around the first match and says nothing when nothing matched', () => {
    const text = `${'a '.repeat(500)}fraud${' b'.repeat(500)}`;
    const segments = highlight(text, ['fraud'], 60)!;
    expect(segments[0]).toEqual({ text: '…', match: false });
    expect(segments.at(-1)).toEqual({ text: '…', match: false });
    expect(segments.filter((s) => s.match).map((s) => s.text)).toEqual(['fraud']);
    expect(highlight('churn', ['fraud'])).toBeUndefined();
    expect(highlight('churn', [])).toBeUndefined();
  });
});
