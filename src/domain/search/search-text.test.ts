import { describe, expect, it } from 'vitest';
import { fts5Match, MAX_QUERY_TERMS, normalizeWords, queryTerms, tsQueryText } from './search-text.js';

describe('search text', () => {
  it('reduces text to lower-case words without accents or punctuation', () => {
    expect(normalizeWords('Fraud-Détector v2 (Prod)')).toBe('fraud detector v2 prod');
    expect(normalizeWords('customer_age: 42 🚀')).toBe('customer age 42');
  });

  it('reads query syntax as text, never as operators', () => {
    expect(queryTerms('"fraud" NEAR (churn) -model * auc:0.9 --')).toEqual([
      'fraud',
      'near',
      'churn',
      'model',
      'auc',
      '0',
      '9',
    ]);
    expect(queryTerms('"unbalanced')).toEqual(['unbalanced']);
    expect(queryTerms('🚀 -- ()')).toEqual([]);
    expect(queryTerms('')).toEqual([]);
  });

  it('bounds a huge query', () => {
    const terms = queryTerms(`${'word '.repeat(2000)}${'x'.repeat(10_000)}`);
    expect(terms).toEqual(['word']);
    const many = queryTerms(Array.from({ length: 100 }, (_, i) => `w${i}`).join(' '));
    expect(many).toHaveLength(MAX_QUERY_TERMS);
  });

  it('quotes every term in both databases’ syntax', () => {
    expect(fts5Match(['near', 'fraud'])).toBe('"near"* "fraud"*');
    expect(tsQueryText(['near', 'fraud'])).toBe("'near':* & 'fraud':*");
  });
});
