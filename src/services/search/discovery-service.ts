import { invalid } from '../../domain/errors.js';
import {
  type DiscoveryType,
  parseDiscoveryFilters,
  parseDiscoveryTypes,
  TERM_FACETS,
} from '../../domain/search/discovery-filters.js';
import {
  DISCOVERY_RANKING,
  FACET_VALUES_LISTED,
  NUMERIC_FACETS_LISTED,
} from '../../domain/search/discovery-ranking.js';
import { highlight } from '../../domain/search/highlight.js';
import { decodePageToken, encodePageToken } from '../../domain/search/page-token.js';
import { COMPLETION_FACETS, type CompletionFacet } from '../../domain/search/search-document.js';
import { normalizeWords, queryTerms } from '../../domain/search/search-text.js';
import { allowedTypos, prefixEditDistance } from '../../domain/search/typo-distance.js';
import { usageBoosts } from '../../domain/search/usage-boost.js';
import type { Completion, SearchHit, SearchResults } from '../../sdk/wire/search-shapes.js';
import {
  completionCounts,
  completionsByPrefix,
  type DiscoveryVisibility,
  facetSummary,
  rankedDocuments,
} from '../../store/search/discovery-query.js';
import { similarTerms, type TermRow, termsByPrefix } from '../../store/search/search-terms-repository.js';
import { usageCounts } from '../../store/search/search-usage-repository.js';
import type { ServiceDeps } from '../service-deps.js';
import { SearchIndexer } from './search-indexer.js';

/** What the caller may read, as search narrows by it. */
export type { DiscoveryVisibility };

export interface SearchInput {
  q?: string;
  types?: readonly string[];
  facets?: readonly string[];
  pageToken?: string;
  maxResults?: number;
  visible: DiscoveryVisibility;
  /** The caller's teams (`usageTeamKeys`): what they opened after searching ranks higher for them. */
  usageTeamKeys?: readonly string[];
  /** Searches these documents only (doc ids, at most a thousand): what a saved search's check found created. */
  onlyDocuments?: readonly string[];
}

export interface CompletionInput {
  prefix: string;
  kinds?: readonly string[];
  limit?: number;
  visible: DiscoveryVisibility;
}

const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;
/** Index entries a completion reads at most before grouping them. */
const COMPLETION_SCAN = 2000;
/** Candidates a mistyped prefix is compared with, from the trigram index. */
const TYPO_CANDIDATES = 200;
/** Shorter prefixes of a mistyped word tried for candidates (a typo near its end keeps a longer prefix intact). */
const PREFIX_PROBES = 4;
/** Candidates each shorter prefix gives. */
const PROBE_TERMS = 50;
/** Near misses counted on readable documents at most, when those of hidden entities alone keep being skipped. */
const TYPOS_COUNTED = 100;
/** Entities indexed per transaction when the index is filled in at start-up. */
const BACKFILL_BATCH = 500;

/**
 * One search over registered models, versions, experiments, runs, datasets and their versions, features and
 * deployments: ranked, highlighted, faceted and paged, and showing only what the caller may read (hidden entities are
 * left out inside the queries, so no count includes them). Completion suggests names, tag keys and values, param and
 * metric keys and owners, forgiving a typo or two.
 */
export class DiscoveryService {
  private readonly indexer = new SearchIndexer();

  constructor(private readonly deps: Pick<ServiceDeps, 'store' | 'unitOfWork' | 'now'>) {}

  private backfilling?: Promise<void>;
  private stopping = false;

  /**
   * Indexes, in the background and one batch per transaction, every entity that has no document yet: rows from
   * before the index, or loaded behind the server's back. Until it finishes such entities are missing from results.
   */
  startBackfill(events: { indexed(count: number): void; failed(error: unknown): void }): void {
    this.backfilling ??= this.backfill()
      .then((count) => events.indexed(count))
      .catch((error: unknown) => {
        if (!this.stopping) events.failed(error);
      });
  }

  /** Stops the backfill after its current batch (it resumes at the next start). */
  async stopBackfill(): Promise<void> {
    this.stopping = true;
    await this.backfilling;
  }

  private async backfill(): Promise<number> {
    let total = 0;
    while (!this.stopping) {
      const indexed = await this.deps.unitOfWork.write(({ db }) => this.indexer.backfill(db, BACKFILL_BATCH));
      total += indexed;
      if (indexed === 0) break;
    }
    return total;
  }

  async search(input: SearchInput): Promise<SearchResults> {
    const terms = queryTerms(input.q ?? '');
    const types = parseDiscoveryTypes(input.types ?? []);
    const filters = parseDiscoveryFilters(input.facets ?? []);
    const limit = input.maxResults ?? DEFAULT_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw invalid(`maxResults must be between 1 and ${MAX_PAGE}`);
    }
    const offset = decodePageToken(input.pageToken);
    const criteria = { terms, types, filters, visible: input.visible, onlyDocuments: input.onlyDocuments };
    const db = this.deps.store.db;
    const nameKey = terms.join(' ');
    // Usage reorders what words found; a listing by recency (no words) stays a listing by recency.
    const usage =
      terms.length > 0 && input.usageTeamKeys && input.usageTeamKeys.length > 0
        ? usageBoosts(await usageCounts(db, input.usageTeamKeys, nameKey, input.visible))
        : undefined;
    const [rows, summary] = await Promise.all([
      rankedDocuments(
        db,
        criteria,
        { ...DISCOVERY_RANKING, now: this.deps.now(), nameKey, ...(usage ? { usage } : {}) },
        { offset, limit: limit + 1 },
      ),
      facetSummary(db, criteria, TERM_FACETS, NUMERIC_FACETS_LISTED),
    ]);
    const hits = rows.slice(0, limit).map((row): SearchHit => {
      const summaryFields = JSON.parse(row.summary) as Record<string, unknown>;
      return {
        type: row.entity_type as DiscoveryType,
        id: row.entity_id,
        name: row.name,
        stage: row.stage,
        score: Number(row.score),
        createdTime: Number(row.created_time),
        updatedTime: Number(row.updated_time),
        summary: summaryFields,
        highlights: highlightsOf(row.name, summaryFields, terms),
      };
    });
    const groups: SearchResults['groups'] = [];
    for (const hit of hits) {
      const group = groups.find((g) => g.type === hit.type);
      if (group) group.hits.push(hit);
      else groups.push({ type: hit.type, hits: [hit] });
    }
    const termFacets: Record<string, { value: string; count: number }[]> = {};
    for (const row of summary.terms) {
      termFacets[row.facet] = [...(termFacets[row.facet] ?? []), { value: row.value, count: row.count }];
    }
    for (const values of Object.values(termFacets)) {
      values.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
      values.splice(FACET_VALUES_LISTED);
    }
    const { times } = summary;
    return {
      total: summary.total,
      hits,
      groups,
      ...(rows.length > limit ? { nextPageToken: encodePageToken(offset + limit) } : {}),
      // The page before this one at this page size, so a client can page back from a shared link to a later page.
      ...(offset > 0 ? { previousPageToken: encodePageToken(Math.max(0, offset - limit)) } : {}),
      facets: {
        types: summary.types.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value)),
        terms: termFacets,
        numbers: summary.numbers,
        created:
          times.createdMin === null ? null : { min: times.createdMin, max: times.createdMax ?? times.createdMin },
        updated:
          times.updatedMin === null ? null : { min: times.updatedMin, max: times.updatedMax ?? times.updatedMin },
      },
    };
  }

  /**
   * Values starting with what was typed, most used first; when fewer than asked for, values within a typo or two of
   * it (an edit distance over candidates from the prefix and trigram indexes), closest first.
   */
  async complete(input: CompletionInput): Promise<Completion[]> {
    const kinds = (input.kinds ?? []).length === 0 ? [...COMPLETION_FACETS] : [...(input.kinds ?? [])];
    for (const kind of kinds) {
      if (!(COMPLETION_FACETS as readonly string[]).includes(kind)) {
        throw invalid(`Unknown completion kind '${kind}': expected one of ${COMPLETION_FACETS.join(', ')}`);
      }
    }
    const limit = input.limit ?? 10;
    if (!Number.isInteger(limit) || limit < 1 || limit > 50) throw invalid('limit must be between 1 and 50');
    const typed = normalizeWords(input.prefix.slice(0, 200));
    if (typed === '') return [];
    const db = this.deps.store.db;
    const exact = await completionsByPrefix(db, typed, kinds, input.visible, limit, COMPLETION_SCAN);
    const found: Completion[] = exact.map((row) => ({
      kind: row.facet as CompletionFacet,
      value: row.value,
      count: row.count,
      distance: 0,
    }));
    const allowed = allowedTypos(typed.length);
    if (found.length >= limit || allowed === 0) return found;

    // Candidates for a typo, from completion's vocabulary (each value once, however many documents hold it): terms
    // sharing a shorter prefix (a typo near the end) or uncommon trigrams (one earlier on).
    const candidates = new Map<string, TermRow>();
    const keep = (c: TermRow) => candidates.set(`${c.facet}\0${c.value}`, c);
    for (let cut = typed.length - 1; cut >= Math.max(2, typed.length - PREFIX_PROBES); cut--) {
      for (const row of await termsByPrefix(db, typed.slice(0, cut), kinds, PROBE_TERMS)) keep(row);
    }
    for (const row of await similarTerms(db, typed, kinds, TYPO_CANDIDATES)) keep(row);
    const seen = new Set(found.map((c) => `${c.kind}\0${c.value}`));
    const close = [...candidates.values()]
      .filter((c) => !seen.has(`${c.facet}\0${c.value}`))
      .map((c) => ({ ...c, distance: prefixEditDistance(typed, c.value_key) }))
      .filter((c) => c.distance > 0 && c.distance <= allowed)
      .sort((a, b) => a.distance - b.distance || a.value.localeCompare(b.value))
      .slice(0, TYPOS_COUNTED);
    // A term shows only with its count on documents the caller may read: one that hidden entities alone hold is
    // skipped (and the next closest counted in its place), never shown nor counted.
    for (let next = 0; next < close.length && found.length < limit; ) {
      const batch = close.slice(next, next + Math.max(limit - found.length, 10));
      next += batch.length;
      const counts = await completionCounts(db, batch, input.visible);
      for (const c of batch) {
        const count = counts.find((n) => n.facet === c.facet && n.value === c.value)?.count ?? 0;
        if (count > 0 && found.length < limit) {
          found.push({ kind: c.facet as CompletionFacet, value: c.value, count, distance: c.distance });
        }
      }
    }
    return found;
  }
}

/** Fields of a result's summary worth highlighting, besides its name. */
const HIGHLIGHTED_FIELDS = ['description', 'purpose', 'releaseNotes'];

function highlightsOf(
  name: string,
  summary: Record<string, unknown>,
  terms: readonly string[],
): SearchHit['highlights'] {
  const highlights: SearchHit['highlights'] = [];
  const named = highlight(name, terms);
  if (named) highlights.push({ field: 'name', segments: named });
  for (const field of HIGHLIGHTED_FIELDS) {
    const text = summary[field];
    const segments = typeof text === 'string' ? highlight(text, terms) : undefined;
    if (segments) highlights.push({ field, segments });
  }
  return highlights;
}
