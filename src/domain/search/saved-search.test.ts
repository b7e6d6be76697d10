import { describe, expect, it } from 'vitest';
import { checkSavedSearch } from './saved-search.js';

describe('saved searches', () => {
  it('keeps a search that runs, its name trimmed and repeats dropped', () => {
    expect(
      checkSavedSearch({
        name: ' fraud in prod ',
        q: 'fraud',
        types: ['model', 'model'],
        facets: ['stage=Production'],
      }),
    ).toEqual({ name: 'fraud in prod', q: 'fraud', types: ['model'], facets: ['stage=Production'] });
  });

  it('refuses a search that would not run, naming what is wrong', () => {
    expect(() => checkSavedSearch({ name: 'x', q: '', types: ['spaceship'], facets: [] })).toThrow(/spaceship/);
    expect(() => checkSavedSearch({ name: 'x', q: '', types: [], facets: ['metric.auc=high'] })).toThrow(/metric.auc/);
    expect(() => checkSavedSearch({ name: '  ', q: 'fraud', types: [], facets: [] })).toThrow(/name/);
    expect(() => checkSavedSearch({ name: 'n'.repeat(201), q: '', types: [], facets: [] })).toThrow(/200/);
  });
});
