import { describe, expect, it } from 'vitest';
import { numberFacetKey, rangeOf, readSearch, searchHref, termFacet, toggled, withRange } from './search-url.js';

describe('the search page URL', () => {
  it('round-trips words, types, facets and the page, with repeated parameters', () => {
    const state = {
      q: 'fraud & co',
      types: ['model', 'run'],
      facets: ['tag.team=risk', 'stage=Production'],
      pageToken: 'p2',
    };
    const href = searchHref(state);
    expect(href.startsWith('/search?')).toBe(true);
    expect(readSearch(new URL(href, 'http://x').searchParams)).toEqual(state);
    expect(searchHref({ q: ' ', types: [], facets: [] })).toBe('/search');
  });

  it('names term facets as the API takes them, tags by their key', () => {
    expect(termFacet('team', 'risk')).toBe('team=risk');
    expect(termFacet('tag', 'team=risk')).toBe('tag.team=risk');
    expect(numberFacetKey('auc')).toBe('metric.auc');
    expect(numberFacetKey('@latency_budget_ms')).toBe('latency_budget_ms');
  });

  it('toggles values and sets, reads and clears ranges with either end open', () => {
    expect(toggled(['a'], 'b')).toEqual(['a', 'b']);
    expect(toggled(['a', 'b'], 'a')).toEqual(['b']);
    const facets = withRange(['team=risk', 'metric.auc=0.1..0.2'], 'metric.auc', '0.9', '');
    expect(facets).toEqual(['team=risk', 'metric.auc=0.9..']);
    expect(rangeOf(facets, 'metric.auc')).toEqual({ min: '0.9', max: '' });
    expect(rangeOf(facets, 'metric.loss')).toEqual({ min: '', max: '' });
    expect(withRange(facets, 'metric.auc', ' ', '')).toEqual(['team=risk']);
  });
});
