import { describe, expect, it } from 'vitest';
import {
  dateRangeOf,
  daySpan,
  facetLabel,
  numberFacetKey,
  rangeOf,
  readSavedId,
  readSearch,
  savedSearchHref,
  searchHref,
  termFacet,
  toggled,
  withDateRange,
  withRange,
} from './search-url.js';

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

  it('opens a saved search with its id beside the search, which stays the same search', () => {
    const href = savedSearchHref({ id: 'abc', q: 'fraud', types: ['model'], facets: ['team=risk'] });
    const params = new URL(href, 'http://x').searchParams;
    expect(readSavedId(params)).toBe('abc');
    expect(readSearch(params)).toEqual({ q: 'fraud', types: ['model'], facets: ['team=risk'], pageToken: undefined });
    expect(savedSearchHref({ id: 'a b', q: '', types: [], facets: [] })).toBe('/search?saved=a+b');
    expect(readSavedId(new URL(searchHref(readSearch(params)), 'http://x').searchParams)).toBeUndefined();
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

  it('sets date facets as whole UTC days, the end day included, and reads them back', () => {
    const facets = withDateRange(['stage=Production'], 'created', '2026-01-01', '2026-03-31');
    expect(facets).toEqual(['stage=Production', 'created=2026-01-01..2026-03-31T23:59:59.999Z']);
    expect(dateRangeOf(facets, 'created')).toEqual({ from: '2026-01-01', to: '2026-03-31' });
    expect(dateRangeOf(facets, 'updated')).toEqual({ from: '', to: '' });
    // Either end open; both open removes the facet; a half-typed day counts as open.
    expect(withDateRange(facets, 'created', '', '2026-02-01')).toEqual([
      'stage=Production',
      'created=..2026-02-01T23:59:59.999Z',
    ]);
    expect(withDateRange(facets, 'created', '2026-0', '')).toEqual(['stage=Production']);
    expect(withDateRange(['updated=2026-05-01..'], 'created', '2026-01-02', '')).toEqual([
      'updated=2026-05-01..',
      'created=2026-01-02..',
    ]);
  });

  it('shows a date facet from a link in epoch milliseconds as its UTC day', () => {
    const facets = [`updated=${Date.UTC(2026, 1, 3, 22, 0)}..${Date.UTC(2026, 1, 9)}`];
    expect(dateRangeOf(facets, 'updated')).toEqual({ from: '2026-02-03', to: '2026-02-09' });
    expect(daySpan({ min: Date.UTC(2026, 0, 5, 23), max: Date.UTC(2026, 6, 1) })).toBe('2026-01-05 – 2026-07-01');
  });

  it('names date filters by their days and leaves other facets as they are', () => {
    expect(facetLabel('created=2026-01-01..2026-03-31T23:59:59.999Z')).toBe('Created 2026-01-01 – 2026-03-31');
    expect(facetLabel('updated=2026-01-01..')).toBe('Updated from 2026-01-01');
    expect(facetLabel('updated=..2026-02-01T23:59:59.999Z')).toBe('Updated to 2026-02-01');
    expect(facetLabel('metric.auc=0.9..')).toBe('metric.auc=0.9..');
    expect(facetLabel('tag.created=x')).toBe('tag.created=x');
  });
});
