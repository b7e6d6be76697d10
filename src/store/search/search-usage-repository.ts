import { sql } from 'kysely';
import type { UsageCounts } from '../../domain/search/usage-boost.js';
import type { SearchOpensTable, SearchUsagePreferencesTable } from '../schema-search.js';
import type { Executor } from '../store.js';
import { type DiscoveryVisibility, visibleDocuments } from './discovery-query.js';

/** The index id of a document the caller may read, or undefined: a hidden one is answered as a missing one. */
export async function readableDocumentId(
  db: Executor,
  type: string,
  id: string,
  visible: DiscoveryVisibility,
): Promise<string | undefined> {
  const { rows } = await sql<{ doc_id: string }>`
    select d.doc_id from search_documents d
    where d.entity_type = ${type} and d.entity_id = ${id} and ${visibleDocuments(visible)}`.execute(db);
  return rows[0]?.doc_id;
}

export async function insertOpens(db: Executor, rows: readonly SearchOpensTable[]): Promise<void> {
  if (rows.length > 0)
    await db
      .insertInto('search_opens')
      .values([...rows])
      .execute();
}

/** Wipes query text past its retention and deletes opens past theirs; returns how many of each. */
export async function purgeExpiredUsage(
  db: Executor,
  cutoffs: { queryTextBefore: number; openBefore: number },
): Promise<{ wiped: number; deleted: number }> {
  const deleted = await db.deleteFrom('search_opens').where('opened_time', '<', cutoffs.openBefore).executeTakeFirst();
  const wiped = await db
    .updateTable('search_opens')
    .set({ query_key: null })
    .where('opened_time', '<', cutoffs.queryTextBefore)
    .where('query_key', 'is not', null)
    .executeTakeFirst();
  return { wiped: Number(wiped.numUpdatedRows), deleted: Number(deleted.numDeletedRows) };
}

export async function deleteOpensOf(db: Executor, principalId: string): Promise<number> {
  const result = await db.deleteFrom('search_opens').where('principal_id', '=', principalId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function findUsagePreference(
  db: Executor,
  principalId: string,
): Promise<SearchUsagePreferencesTable | undefined> {
  return db
    .selectFrom('search_usage_preferences')
    .selectAll()
    .where('principal_id', '=', principalId)
    .executeTakeFirst();
}

export async function saveUsagePreference(db: Executor, row: SearchUsagePreferencesTable): Promise<void> {
  await db
    .insertInto('search_usage_preferences')
    .values(row)
    .onConflict((c) =>
      c.column('principal_id').doUpdateSet({ record_opens: row.record_opens, updated_time: row.updated_time }),
    )
    .execute();
}

/** Documents and tags counted per signal at most: the rest are too rarely opened to move anything. */
const COUNTED_DOCUMENTS = 100;
const COUNTED_TAGS = 20;

/**
 * How often the caller's teams opened each document (after this query, and after any) and documents carrying each
 * tag. Only documents the caller may read count: an open of something hidden from them neither lifts anything nor
 * lends its tags weight, so the ranking reveals nothing about it. An open filed under two of the caller's teams
 * counts once.
 */
export async function usageCounts(
  db: Executor,
  teamKeys: readonly string[],
  queryKey: string,
  visible: DiscoveryVisibility,
): Promise<UsageCounts> {
  const empty: UsageCounts = { sameQuery: new Map(), anyQuery: new Map(), tags: new Map() };
  if (teamKeys.length === 0) return empty;
  const teams = sql`o.team_key in (${sql.join(teamKeys)})`;
  const readable = visibleDocuments(visible);
  const perDocument = async (sameQuery: boolean) => {
    const { rows } = await sql<{ doc_id: string; n: number | string }>`
      select o.doc_id, count(distinct o.open_id) as n
      from search_opens o join search_documents d on d.doc_id = o.doc_id
      where ${teams} and ${sameQuery ? sql`o.query_key = ${queryKey}` : sql`1 = 1`} and ${readable}
      group by o.doc_id order by count(distinct o.open_id) desc, o.doc_id limit ${COUNTED_DOCUMENTS}`.execute(db);
    return new Map(rows.map((r) => [r.doc_id, Number(r.n)]));
  };
  const tagRows = await sql<{ value: string; n: number | string }>`
    select f.value, count(distinct o.open_id) as n
    from search_opens o join search_documents d on d.doc_id = o.doc_id
    join search_facets f on f.doc_id = o.doc_id and f.facet = 'tag'
    where ${teams} and ${readable}
    group by f.value order by count(distinct o.open_id) desc, f.value limit ${COUNTED_TAGS}`.execute(db);
  return {
    sameQuery: queryKey === '' ? new Map() : await perDocument(true),
    anyQuery: await perDocument(false),
    tags: new Map(tagRows.rows.map((r) => [r.value, Number(r.n)])),
  };
}
