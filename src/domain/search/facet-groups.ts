import type { DiscoveryFilter, TermFacet } from './discovery-filters.js';

/**
 * Disjunctive faceting. Selections of one facet are alternatives (stage=Production and stage=Staging: either), while
 * different facets narrow each other (and a tag's key is a facet of its own: tag.domain=payments with tag.team=risk
 * asks for both). A facet's counts ignore its own selection and apply every other, so choosing stage=Production
 * still shows how many results are in Staging, and what choosing it too would add.
 */

/** Filters that are alternatives of each other; groups are all required. */
export interface FilterGroup {
  key: string;
  filters: DiscoveryFilter[];
}

/** The group a filter belongs to: its facet, a tag's key, or (ranges) a group of its own. */
export function groupKeyOf(filter: DiscoveryFilter, index: number): string {
  if (filter.kind !== 'term') return `#${index}`;
  if (filter.facet === 'tag') return `tag.${tagKeyOf(filter.value)}`;
  return filter.facet;
}

/** The key of a tag facet value (`key=value`). */
export function tagKeyOf(value: string): string {
  const at = value.indexOf('=');
  return at < 0 ? value : value.slice(0, at);
}

export function filterGroups(filters: readonly DiscoveryFilter[]): FilterGroup[] {
  const groups: FilterGroup[] = [];
  filters.forEach((filter, index) => {
    const key = groupKeyOf(filter, index);
    const group = groups.find((g) => g.key === key);
    if (group) {
      if (!group.filters.some((f) => JSON.stringify(f) === JSON.stringify(filter))) group.filters.push(filter);
    } else groups.push({ key, filters: [filter] });
  });
  return groups;
}

/**
 * One count over the results matched without the group `without` (every group when undefined), of the values of
 * `facets`; `tagKeys` limits tag values to those keys, `exceptTagKeys` leaves those keys out.
 */
export interface FacetCountScope {
  without?: string;
  facets: TermFacet[];
  tagKeys?: string[];
  exceptTagKeys?: string[];
}

/**
 * The counts a facet summary needs: one over all filters for the facets nobody chose from, and one per facet (or tag
 * key) chosen from, over the filters of the other facets.
 */
export function facetCountScopes(filters: readonly DiscoveryFilter[], facets: readonly TermFacet[]): FacetCountScope[] {
  const chosen = filterGroups(filters).filter((g) => g.filters[0]!.kind === 'term');
  const chosenFacets = new Set(chosen.filter((g) => !g.key.startsWith('tag.')).map((g) => g.key));
  const chosenTagKeys = chosen.filter((g) => g.key.startsWith('tag.')).map((g) => g.key.slice('tag.'.length));
  const scopes: FacetCountScope[] = [];
  const rest = facets.filter((f) => !chosenFacets.has(f));
  if (rest.length > 0) {
    scopes.push({
      facets: rest,
      ...(chosenTagKeys.length > 0 && rest.includes('tag') ? { exceptTagKeys: chosenTagKeys } : {}),
    });
  }
  for (const group of chosen) {
    if (group.key.startsWith('tag.')) {
      if (facets.includes('tag')) scopes.push({ without: group.key, facets: ['tag'], tagKeys: [group.key.slice(4)] });
    } else if (facets.includes(group.key as TermFacet)) {
      scopes.push({ without: group.key, facets: [group.key as TermFacet] });
    }
  }
  return scopes;
}
