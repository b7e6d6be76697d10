import { describe, expect, it } from 'vitest';
import { type DiscoveryFilter, TERM_FACETS } from './discovery-filters.js';
import { facetCountScopes, filterGroups } from './facet-groups.js';

const term = (facet: 'stage' | 'team' | 'tag', value: string): DiscoveryFilter => ({ kind: 'term', facet, value });

describe('facet groups', () => {
  it('makes selections of one facet alternatives, and different facets, tag keys and ranges each required', () => {
    const groups = filterGroups([
      term('stage', 'Production'),
      term('team', 'risk'),
      term('stage', 'Staging'),
      term('tag', 'domain=payments'),
      term('tag', 'domain=cards'),
      term('tag', 'team=risk'),
      { kind: 'number', key: 'auc', min: 0.9 },
      { kind: 'number', key: 'auc', max: 0.95 },
    ]);
    expect(groups.map((g) => [g.key, g.filters.length])).toEqual([
      ['stage', 2],
      ['team', 1],
      ['tag.domain', 2],
      ['tag.team', 1],
      ['#6', 1],
      ['#7', 1],
    ]);
  });

  it('counts each chosen facet without its own selection, and the others under all of them', () => {
    const scopes = facetCountScopes([term('stage', 'Production'), term('tag', 'domain=payments')], TERM_FACETS);
    expect(scopes).toEqual([
      { facets: TERM_FACETS.filter((f) => f !== 'stage'), exceptTagKeys: ['domain'] },
      { without: 'stage', facets: ['stage'] },
      { without: 'tag.domain', facets: ['tag'], tagKeys: ['domain'] },
    ]);
  });

  it('needs one count when nothing is chosen, ranges included', () => {
    expect(facetCountScopes([{ kind: 'number', key: 'auc', min: 0.9 }], ['stage', 'team'])).toEqual([
      { facets: ['stage', 'team'] },
    ]);
  });

  it('counts only facets asked for', () => {
    expect(facetCountScopes([term('stage', 'Production')], ['stage'])).toEqual([
      { without: 'stage', facets: ['stage'] },
    ]);
  });

  it('keeps one copy of a selection given twice', () => {
    expect(filterGroups([term('stage', 'Production'), term('stage', 'Production')])[0]!.filters).toHaveLength(1);
  });
});
