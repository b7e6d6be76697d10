import { type RawBuilder, sql } from 'kysely';
import type { ReadableSet } from '../../domain/access/readable-set.js';
import type { DiscoveryFilter, DiscoveryType, TermFacet } from '../../domain/search/discovery-filters.js';
import { type FacetCountScope, facetCountScopes, filterGroups } from '../../domain/search/facet-groups.js';
import type { UsageBoosts } from '../../domain/search/usage-boost.js';
import { dialectOf } from '../dialect/dialect-of.js';
import type { Executor } from '../store.js';
import { visibilityCondition } from './visibility-condition.js';

/** What the caller may read: documents are shown through their experiment, registered model or dataset. */
export interface DiscoveryVisibility {
  experiments: ReadableSet;
  models: ReadableSet;
  datasets: ReadableSet;
}

export interface DiscoveryCriteria {
  terms: readonly string[];
  types: readonly DiscoveryType[];
  filters: readonly DiscoveryFilter[];
  visible: DiscoveryVisibility;
  /** Only these documents (by doc id) are candidates: a saved search's check over what was just created. */
  onlyDocuments?: readonly string[];
}

export interface RankingWeights {
  /** Added when the whole query is the entity's name. */
  exactName: number;
  /** Relevance is multiplied by 1 + this for entities in (or with a version in) Production. */
  production: number;
  /** Relevance is multiplied by 1 + this × recency, recency falling from 1 (now) by half every `recencyHalfMs`. */
  recency: number;
  recencyHalfMs: number;
}

export interface DocumentRow {
  entity_type: string;
  entity_id: string;
  name: string;
  stage: string | null;
  summary: string;
  created_time: number | string;
  updated_time: number | string;
  score: number | string;
}

/** The condition every read of the index applies: only what the caller may read, hidden things not even counted. */
export function visibleDocuments(visible: DiscoveryVisibility): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [];
  for (const [column, set] of [
    ['d.experiment_id', visible.experiments],
    ['d.model_id', visible.models],
    ['d.dataset_id', visible.datasets],
  ] as const) {
    const condition = visibilityCondition(column, set);
    if (condition) parts.push(sql`(${sql.ref(column)} is null or ${condition})`);
  }
  return parts.length === 0 ? sql`1 = 1` : sql`(${sql.join(parts, sql` and `)})`;
}

/**
 * Facet rows (as `alias`) that do not name a dataset the caller may not read. A run or version the caller may read
 * can have consumed a restricted dataset; its name must not show in their facet counts, nor answer a filter on it.
 * The facet holds the dataset's name only, so a name any unreadable dataset bears is withheld.
 */
function readableFacetValue(alias: string, visible: DiscoveryVisibility): RawBuilder<unknown> {
  const datasets = visible.datasets;
  if (datasets.kind === 'all') return sql`1 = 1`;
  const hidden =
    datasets.kind === 'allExcept'
      ? datasets.ids.length === 0
        ? undefined
        : sql`ld.dataset_id in (${sql.join(datasets.ids)})`
      : datasets.ids.length === 0
        ? sql`1 = 1`
        : sql`ld.dataset_id not in (${sql.join(datasets.ids)})`;
  if (!hidden) return sql`1 = 1`;
  const facet = sql.ref(`${alias}.facet`);
  const value = sql.ref(`${alias}.value`);
  return sql`not (${facet} = 'dataset' and ${value} in (select ld.name from lineage_datasets ld where ${hidden}))`;
}

function filterCondition(filter: DiscoveryFilter, visible: DiscoveryVisibility): RawBuilder<unknown> {
  switch (filter.kind) {
    case 'term':
      return sql`exists (select 1 from search_facets ff where ff.doc_id = d.doc_id and ff.facet = ${filter.facet}
        and ff.value = ${filter.value} and ${readableFacetValue('ff', visible)})`;
    case 'time': {
      const column = sql.ref(`d.${filter.field}`);
      return sql.join(
        [
          ...(filter.min === undefined ? [] : [sql`${column} >= ${filter.min}`]),
          ...(filter.max === undefined ? [] : [sql`${column} <= ${filter.max}`]),
        ],
        sql` and `,
      );
    }
    case 'number':
      return sql`exists (select 1 from search_metrics mm where mm.doc_id = d.doc_id and mm.key = ${filter.key}
        ${filter.min === undefined ? sql`` : sql`and mm.value >= ${filter.min}`}
        ${filter.max === undefined ? sql`` : sql`and mm.value <= ${filter.max}`})`;
  }
}

/**
 * FROM and WHERE of the documents a search matches: every group of filters (see facet-groups.ts) required, the
 * filters within one group alternatives. `withTypes` false leaves the type filter out (type counts); `without` leaves
 * one group out (that facet's own counts).
 */
function matched(db: Executor, criteria: DiscoveryCriteria, withTypes = true, without?: string) {
  const text = criteria.terms.length === 0 ? undefined : dialectOf(db).fullText.match(criteria.terms);
  const conditions: RawBuilder<unknown>[] = [visibleDocuments(criteria.visible)];
  if (text) conditions.push(text.where);
  if (withTypes && criteria.types.length > 0) conditions.push(sql`d.entity_type in (${sql.join(criteria.types)})`);
  if (criteria.onlyDocuments) {
    conditions.push(
      criteria.onlyDocuments.length === 0 ? sql`1 = 0` : sql`d.doc_id in (${sql.join(criteria.onlyDocuments)})`,
    );
  }
  for (const group of filterGroups(criteria.filters)) {
    if (group.key === without) continue;
    const alternatives = group.filters.map((filter) => sql`(${filterCondition(filter, criteria.visible)})`);
    conditions.push(sql`(${sql.join(alternatives, sql` or `)})`);
  }
  return {
    from: sql`search_documents d ${text?.from ?? sql``}`,
    where: sql.join(conditions, sql` and `),
    relevance: text?.relevance ?? sql`1.0`,
  };
}

/** A number parameter PostgreSQL must not take for an integer from the column beside it. */
const real = (value: number) => sql`cast(${value} as double precision)`;

/**
 * The factor usage multiplies relevance by (usageFactor in domain/search/usage-boost.ts): 1, plus the document's own
 * boost, plus the largest boost among its tags.
 */
function usageFactorSql(usage: UsageBoosts | undefined): RawBuilder<unknown> {
  if (!usage || (usage.documents.size === 0 && usage.tags.size === 0)) return sql`1.0`;
  const parts: RawBuilder<unknown>[] = [sql`1.0`];
  if (usage.documents.size > 0) {
    const cases = [...usage.documents].map(([docId, boost]) => sql`when ${docId} then ${real(boost)}`);
    parts.push(sql`(case d.doc_id ${sql.join(cases, sql` `)} else 0.0 end)`);
  }
  if (usage.tags.size > 0) {
    const cases = [...usage.tags].map(([tag, boost]) => sql`when ${tag} then ${real(boost)}`);
    parts.push(sql`coalesce((select max(case ut.value ${sql.join(cases, sql` `)} else 0.0 end)
      from search_facets ut where ut.doc_id = d.doc_id and ut.facet = 'tag'
      and ut.value in (${sql.join([...usage.tags.keys()])})), 0.0)`);
  }
  return sql`(${sql.join(parts, sql` + `)})`;
}

/** One page of matching documents, best first (newest first when the query has no words). */
export async function rankedDocuments(
  db: Executor,
  criteria: DiscoveryCriteria,
  ranking: RankingWeights & { now: number; nameKey: string; usage?: UsageBoosts },
  page: { offset: number; limit: number },
): Promise<DocumentRow[]> {
  const { from, where, relevance } = matched(db, criteria);
  const recency = sql`(1.0 / (1.0 + abs(${ranking.now} - d.updated_time) / ${real(ranking.recencyHalfMs)}))`;
  const score =
    criteria.terms.length === 0
      ? sql`0.0`
      : sql`(${relevance} * (1.0 + ${real(ranking.production)} * d.production)
          * (1.0 + ${real(ranking.recency)} * ${recency}) * ${usageFactorSql(ranking.usage)}
          + case when d.name_key = ${ranking.nameKey} then ${real(ranking.exactName)} else 0.0 end)`;
  const { rows } = await sql<DocumentRow>`
    select d.entity_type, d.entity_id, d.name, d.stage, d.summary, d.created_time, d.updated_time, ${score} as score
    from ${from}
    where ${where}
    order by score desc, d.updated_time desc, d.doc_id
    limit ${page.limit} offset ${page.offset}`.execute(db);
  return rows;
}

export interface FacetSummary {
  total: number;
  types: { value: string; count: number }[];
  terms: { facet: string; value: string; count: number }[];
  numbers: { key: string; min: number; max: number; count: number }[];
  times: { createdMin: number | null; createdMax: number | null; updatedMin: number | null; updatedMax: number | null };
}

/** Tag values (`key=value`) of any of these keys. */
function ofTagKeys(keys: readonly string[]): RawBuilder<unknown> {
  const prefixes = keys.map((key) => sql`substr(f.value, 1, ${sql.lit(key.length + 1)}) = ${`${key}=`}`);
  return sql`(f.facet = 'tag' and (${sql.join(prefixes, sql` or `)}))`;
}

/** Which facet values one count scope counts. */
function scopeFacets(scope: FacetCountScope): RawBuilder<unknown> {
  const facets = sql`f.facet in (${sql.join(scope.facets)})`;
  if (scope.tagKeys) return sql`${facets} and ${ofTagKeys(scope.tagKeys)}`;
  if (scope.exceptTagKeys) return sql`${facets} and not ${ofTagKeys(scope.exceptTagKeys)}`;
  return facets;
}

/**
 * Counts over every document the search matches (not just the page): per type (ignoring the type filter, so the
 * other groups show), per term facet value (a facet chosen from counted without its own selection: disjunctive
 * facets), and the spread of numeric values and times. One statement: the matching documents are found once per
 * count scope (a materialized CTE) and every count reads them, where separate queries would run the full-text match
 * once per count.
 */
export async function facetSummary(
  db: Executor,
  criteria: DiscoveryCriteria,
  termFacets: readonly TermFacet[],
  maxNumericKeys: number,
): Promise<FacetSummary> {
  const anyType = matched(db, criteria, false);
  const ofType = criteria.types.length === 0 ? sql`1 = 1` : sql`m.entity_type in (${sql.join(criteria.types)})`;
  const none = sql`cast(null as double precision)`;
  const noText = sql`cast(null as text)`;
  const scopes = facetCountScopes(criteria.filters, termFacets);
  // The scope over every filter reads `m`; each scope leaving a facet's own selection out has a CTE of its own.
  const scopeCtes = scopes.flatMap((scope, i) => {
    if (scope.without === undefined) return [];
    const without = matched(db, criteria, false, scope.without);
    return [
      sql`, ${sql.ref(`m${i}`)} as materialized (
        select d.doc_id, d.entity_type from ${without.from} where ${without.where}
      )`,
    ];
  });
  const termCounts = scopes.map((scope, i) => {
    const source = scope.without === undefined ? sql`m` : sql`${sql.ref(`m${i}`)} m`;
    return sql`
      select 'term', f.facet, f.value, count(*), ${none}, ${none}, ${none}, ${none}
      from search_facets f join ${source} on m.doc_id = f.doc_id
      where ${ofType} and ${scopeFacets(scope)} and ${readableFacetValue('f', criteria.visible)}
      group by f.facet, f.value
      union all`;
  });
  const { rows } = await sql<SummaryRow>`
    with m as materialized (
      select d.doc_id, d.entity_type, d.created_time, d.updated_time from ${anyType.from} where ${anyType.where}
    ) ${sql.join(scopeCtes, sql``)}
    select 'type' as part, m.entity_type as a, ${noText} as b, count(*) as n,
      ${none} as x, ${none} as y, ${none} as z, ${none} as w
    from m group by m.entity_type
    union all
    ${sql.join(termCounts, sql``)}
    select * from (
      select 'number' as part, mm.key as a, ${noText} as b, count(*) as n, cast(min(mm.value) as double precision) as x,
        cast(max(mm.value) as double precision) as y, ${none} as z, ${none} as w
      from search_metrics mm join m on m.doc_id = mm.doc_id
      where ${ofType}
      group by mm.key order by count(*) desc, mm.key limit ${maxNumericKeys}
    ) as numeric_keys
    union all
    select 'time', ${noText}, ${noText}, count(*), cast(min(m.created_time) as double precision),
      cast(max(m.created_time) as double precision), cast(min(m.updated_time) as double precision),
      cast(max(m.updated_time) as double precision)
    from m where ${ofType}`.execute(db);
  const of = (part: SummaryRow['part']) => rows.filter((r) => r.part === part);
  const time = of('time')[0];
  const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  return {
    total: Number(time?.n ?? 0),
    types: of('type').map((r) => ({ value: r.a!, count: Number(r.n) })),
    terms: of('term').map((r) => ({ facet: r.a!, value: r.b!, count: Number(r.n) })),
    numbers: of('number').map((r) => ({ key: r.a!, min: Number(r.x), max: Number(r.y), count: Number(r.n) })),
    times: {
      createdMin: num(time?.x),
      createdMax: num(time?.y),
      updatedMin: num(time?.z),
      updatedMax: num(time?.w),
    },
  };
}

/** A row of the facet summary: which count it belongs to, its names, and its figures. */
interface SummaryRow {
  part: 'type' | 'term' | 'number' | 'time';
  a: string | null;
  b: string | null;
  n: number | string;
  x: number | string | null;
  y: number | string | null;
  z: number | string | null;
  w: number | string | null;
}

export interface CompletionRow {
  facet: string;
  value: string;
  count: number;
}

/**
 * Facet values (names, tag keys and values, param and metric keys, owners) starting with `prefix`, on documents the
 * caller may read, with how many such documents hold each. Reads at most `scan` index entries, so a one-letter
 * prefix costs no more than a precise one.
 */
export async function completionsByPrefix(
  db: Executor,
  prefix: string,
  facets: readonly string[],
  visible: DiscoveryVisibility,
  limit: number,
  scan: number,
): Promise<CompletionRow[]> {
  const { rows } = await sql<{ facet: string; value: string; count: number | string }>`
    select c.facet, c.value, count(*) as count from (
      select f.facet, f.value from search_facets f
      join search_documents d on d.doc_id = f.doc_id
      where f.facet in (${sql.join(facets)}) and ${dialectOf(db).fullText.prefix(prefix)} and ${visibleDocuments(visible)}
      limit ${scan}
    ) c
    group by c.facet, c.value
    order by count(*) desc, c.value
    limit ${limit}`.execute(db);
  return rows.map((r) => ({ facet: r.facet, value: r.value, count: Number(r.count) }));
}

/** How many readable documents hold each of these facet values (the counts typo suggestions show). */
export async function completionCounts(
  db: Executor,
  pairs: readonly { facet: string; value: string }[],
  visible: DiscoveryVisibility,
): Promise<CompletionRow[]> {
  if (pairs.length === 0) return [];
  const { rows } = await sql<{ facet: string; value: string; count: number | string }>`
    select f.facet, f.value, count(*) as count from search_facets f
    join search_documents d on d.doc_id = f.doc_id
    where (${sql.join(
      pairs.map((p) => sql`(f.facet = ${p.facet} and f.value = ${p.value})`),
      sql` or `,
    )}) and ${visibleDocuments(visible)}
    group by f.facet, f.value`.execute(db);
  return rows.map((r) => ({ facet: r.facet, value: r.value, count: Number(r.count) }));
}
