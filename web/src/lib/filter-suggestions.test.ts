import { describe, expect, it } from 'vitest';
import { applySuggestion, filterFields, suggestFields } from './filter-suggestions.js';

const fields = filterFields({ params: ['lr', 'optimizer'], metrics: ['loss', 'val loss'], tags: ['team'] });

describe('filter suggestions', () => {
  it('offers fields whose key starts with the word being typed, entity prefix optional', () => {
    expect(suggestFields('opt', 3, fields).items).toEqual(['params.optimizer']);
    expect(suggestFields('metrics.', 8, fields).items).toEqual(['metrics.`val loss`', 'metrics.loss']);
    expect(suggestFields('params.lr > 1 and lo', 20, fields)).toMatchObject({ start: 18, end: 20 });
  });

  it('offers nothing inside a quoted value or for an empty word', () => {
    expect(suggestFields("params.optimizer = 'ad", 22, fields).items).toEqual([]);
    expect(suggestFields('', 0, fields).items).toEqual([]);
  });

  it('replaces the word under the cursor with the chosen field', () => {
    const text = "lo < 1 and params.optimizer = 'adam'";
    const s = suggestFields(text, 2, fields);
    expect(applySuggestion(text, s, 'metrics.loss')).toEqual({
      text: "metrics.loss < 1 and params.optimizer = 'adam'",
      cursor: 13,
    });
  });
});
