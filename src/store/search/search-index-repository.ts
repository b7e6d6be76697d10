import { type Insertable, sql } from 'kysely';
import type { DiscoveryType } from '../../domain/search/discovery-filters.js';
import { type IndexedDocument, type IndexedFacetRow, MAX_FACET_CHARS } from '../../domain/search/search-document.js';
import { dialectOf } from '../dialect/dialect-of.js';
import type { Database } from '../schema.js';
import type { Executor } from '../store.js';
import { addTerms, completionTerms, dropUnusedTerms, TERM_ROWS } from './search-terms-repository.js';

/**
 * Writes of the discovery index. A document row is replaced whole (deleted, then inserted), never updated in place:
 * SQLite's full-text and trigram tables follow the rows through insert and delete triggers only.
 */
export type IndexRows = {
  document: IndexedDocument;
  facets: IndexedFacetRow[];
  numbers: { doc_id: string; key: string; value: number }[];
};

/**
 * Brings one entity's document up to date, writing only what changed: most writes (a batch of metric points, a tag
 * on a run) leave the document's text as it was, and rewriting it would rewrite its full-text entries each time.
 */
export async function replaceDocument(db: Executor, rows: IndexRows): Promise<void> {
  const docId = rows.document.doc_id;
  const stored = await db.selectFrom('search_documents').selectAll().where('doc_id', '=', docId).executeTakeFirst();
  if (!stored) {
    await replaceDocuments(db, [rows]);
    return;
  }
  if (!sameDocument(stored as unknown as Record<string, unknown>, rows.document)) {
    await db.deleteFrom('search_documents').where('doc_id', '=', docId).execute();
    await db.insertInto('search_documents').values(rows.document).execute();
  }
  await syncFacets(db, docId, rows.facets);
  await syncNumbers(db, docId, rows.numbers);
}

/** Whether a stored document row holds what `next` would write (integers may come back from the driver as text). */
function sameDocument(stored: Record<string, unknown>, next: IndexedDocument): boolean {
  return Object.entries(next).every(([column, value]) => {
    const current = stored[column];
    return value === null ? current === null : current !== null && String(current) === String(value);
  });
}

const facetKey = (row: IndexedFacetRow): string => `${row.facet}\u0000${row.value}\u0000${row.value_key}`;

async function syncFacets(db: Executor, docId: string, next: readonly IndexedFacetRow[]): Promise<void> {
  const stored = await db.selectFrom('search_facets').selectAll().where('doc_id', '=', docId).execute();
  const wanted = new Map(next.map((row) => [facetKey(row), row]));
  const kept = new Set<string>();
  const removed: IndexedFacetRow[] = [];
  for (const row of stored) {
    const key = facetKey(row);
    if (wanted.has(key)) kept.add(key);
    else {
      await db
        .deleteFrom('search_facets')
        .where('doc_id', '=', docId)
        .where('facet', '=', row.facet)
        .where('value', '=', row.value)
        .execute();
      removed.push(row);
    }
  }
  const added = [...wanted].filter(([key]) => !kept.has(key)).map(([, row]) => row);
  await insertChunked(db, 'search_facets', added, 200);
  await addTerms(db, added);
  await dropUnusedTerms(db, removed);
}

/** Brings a document's numeric values to `next`, writing only what changed; `stored` if already read. */
export async function syncNumbers(
  db: Executor,
  docId: string,
  next: IndexRows['numbers'],
  stored?: ReadonlyMap<string, number>,
): Promise<void> {
  const current = stored ?? (await storedNumbers(db, docId));
  const wanted = new Set(next.map((row) => row.key));
  const gone = [...current.keys()].filter((key) => !wanted.has(key));
  if (gone.length > 0) {
    await db.deleteFrom('search_metrics').where('doc_id', '=', docId).where('key', 'in', gone).execute();
  }
  const changed = next.filter((row) => !Object.is(current.get(row.key), row.value));
  for (let i = 0; i < changed.length; i += 300) {
    await db
      .insertInto('search_metrics')
      .values(changed.slice(i, i + 300))
      .onConflict((oc) => oc.columns(['doc_id', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })))
      .execute();
  }
}

async function storedNumbers(db: Executor, docId: string): Promise<Map<string, number>> {
  const rows = await db.selectFrom('search_metrics').select(['key', 'value']).where('doc_id', '=', docId).execute();
  return new Map(rows.map((row) => [row.key, Number(row.value)]));
}

/**
 * Where one statement may write several tables (PostgreSQL), the whole refresh of a run document's metric values
 * after a metrics-only batch as that statement: it brings the document's numbers to the run's latest finite values
 * only when no live model version comes from the run and the document already names every metric key the run has,
 * and says whether it did (false: the caller reindexes the run whole). Elsewhere undefined: the caller reads the
 * facts and writes what changed (see runMetricsIndexFacts). The facts read, the upsert and the deletions are one
 * round trip instead of two or three, each taken while the write group holds the log's lock.
 */
export async function refreshRunMetricNumbers(
  db: Executor,
  runId: string,
  docId: string,
): Promise<boolean | undefined> {
  if (!dialectOf(db).multiTableWrites) return undefined;
  const facet = sql.lit(MAX_FACET_CHARS);
  const { rows } = await sql<{ refreshed: boolean }>`with facts as (
      select not exists (select 1 from model_versions where run_id = ${runId} and deleted_time is null)
        and (select coalesce(array_agg(distinct left(key, ${facet}) order by left(key, ${facet})), '{}')
             from latest_metrics where run_id = ${runId})
          = (select coalesce(array_agg(distinct value order by value), '{}')
             from search_facets where doc_id = ${docId} and facet = 'metric_key') as refreshed
    ), wanted as (
      select distinct on (left(key, ${facet})) left(key, ${facet}) as key, value from latest_metrics
      where run_id = ${runId} and is_nan = 0 and value <> 'Infinity'::float8 and value <> '-Infinity'::float8
        and (select refreshed from facts)
      order by left(key, ${facet}), key
    ), upserted as (
      insert into search_metrics (doc_id, key, value) select ${docId}, key, value from wanted
      on conflict (doc_id, key) do update set value = excluded.value
        where search_metrics.value is distinct from excluded.value
    ), removed as (
      delete from search_metrics m where m.doc_id = ${docId} and (select refreshed from facts)
        and not exists (select 1 from wanted w where w.key = m.key)
    )
    select refreshed from facts`.execute(db);
  return rows[0]?.refreshed === true;
}

/** What refreshing a run document's metric values needs to know, read together (see runMetricsIndexFacts). */
export interface RunMetricsIndexFacts {
  /** Whether a live model version comes from the run (its document shows the run's metrics too). */
  hasVersions: boolean;
  /** The run's latest metric values, NaN where the latest point was NaN. */
  latest: { key: string; value: number }[];
  /** The metric keys the run's document names. */
  indexedKeys: Set<string>;
  /** The numeric values the run's document holds, by key. */
  numbers: Map<string, number>;
}

/**
 * The four reads a run document's metric refresh depends on as one statement: a training loop sends metric batches
 * many times a second, and on PostgreSQL every statement is a round trip while the write holds the log's lock.
 */
export async function runMetricsIndexFacts(db: Executor, runId: string, docId: string): Promise<RunMetricsIndexFacts> {
  const { rows } = await sql<{ part: string; key: string; value: number | string | null }>`
    select 'v' as part, '' as key, cast(null as double precision) as value from model_versions
      where run_id = ${runId} and deleted_time is null
    union all
    select 'l', key, case when is_nan = 0 then value end from latest_metrics where run_id = ${runId}
    union all
    select 'f', value, null from search_facets where doc_id = ${docId} and facet = 'metric_key'
    union all
    select 'n', key, value from search_metrics where doc_id = ${docId}`.execute(db);
  const facts: RunMetricsIndexFacts = { hasVersions: false, latest: [], indexedKeys: new Set(), numbers: new Map() };
  for (const row of rows) {
    if (row.part === 'v') facts.hasVersions = true;
    else if (row.part === 'l') facts.latest.push({ key: row.key, value: row.value === null ? NaN : Number(row.value) });
    else if (row.part === 'f') facts.indexedKeys.add(row.key);
    else facts.numbers.set(row.key, Number(row.value));
  }
  return facts;
}

/** Replaces several documents with few statements: what the start-up backfill writes, a batch at a time. */
export async function replaceDocuments(db: Executor, batch: readonly IndexRows[]): Promise<void> {
  if (batch.length === 0) return;
  const previous = await deleteDocumentRows(
    db,
    batch.map((rows) => rows.document.doc_id),
  );
  const facets = batch.flatMap((rows) => rows.facets);
  await insertDocumentRows(
    db,
    batch.map((rows) => rows.document),
    facets,
    batch.flatMap((rows) => rows.numbers),
  );
  await dropUnusedTerms(db, previous);
}

/**
 * Deletes documents with their facet and number rows, and returns the facet values they held. On PostgreSQL the
 * three deletes are one statement: a run created or renamed rewrites its document inside the write, and every
 * round trip there is time the write group holds the audit log's lock.
 */
async function deleteDocumentRows(db: Executor, ids: readonly string[]): Promise<{ facet: string; value: string }[]> {
  if (dialectOf(db).multiTableWrites) {
    const { rows } = await sql<{ facet: string; value: string }>`with
        facets as (delete from search_facets where doc_id in (${sql.join(ids)}) returning facet, value),
        numbers as (delete from search_metrics where doc_id in (${sql.join(ids)})),
        documents as (delete from search_documents where doc_id in (${sql.join(ids)}))
      select facet, value from facets`.execute(db);
    return rows;
  }
  const previous = await db.selectFrom('search_facets').select(['facet', 'value']).where('doc_id', 'in', ids).execute();
  await db.deleteFrom('search_facets').where('doc_id', 'in', ids).execute();
  await db.deleteFrom('search_metrics').where('doc_id', 'in', ids).execute();
  await db.deleteFrom('search_documents').where('doc_id', 'in', ids).execute();
  return previous;
}

/** Rows per statement of each table, under both databases' bound-parameter limits. */
const CHUNK_ROWS = { search_documents: 50, search_facets: 200, search_metrics: 300 } as const;

/**
 * Inserts documents, their facet and number rows, and the facets' completion terms. On PostgreSQL a handful of
 * documents (what one write indexes) go in one statement; larger batches and SQLite use a statement per table.
 */
async function insertDocumentRows(
  db: Executor,
  documents: readonly IndexedDocument[],
  facets: readonly IndexedFacetRow[],
  numbers: IndexRows['numbers'],
): Promise<void> {
  const terms = completionTerms(facets);
  const fitsOne =
    documents.length <= CHUNK_ROWS.search_documents &&
    facets.length <= CHUNK_ROWS.search_facets &&
    numbers.length <= CHUNK_ROWS.search_metrics &&
    terms.length <= TERM_ROWS;
  if (dialectOf(db).multiTableWrites && fitsOne && documents.length > 0) {
    let query = db.with('documents', (q) => q.insertInto('search_documents').values([...documents]));
    if (facets.length > 0)
      query = query.with('facets', (q) => q.insertInto('search_facets').values([...facets])) as never;
    if (numbers.length > 0) {
      query = query.with('numbers', (q) => q.insertInto('search_metrics').values([...numbers])) as never;
    }
    if (terms.length > 0) {
      await query
        .insertInto('search_terms')
        .values(terms)
        .onConflict((oc) => oc.columns(['facet', 'value']).doNothing())
        .execute();
    } else await query.selectNoFrom(sql<number>`1`.as('one')).execute();
    return;
  }
  await insertChunked(db, 'search_documents', documents, CHUNK_ROWS.search_documents);
  await insertChunked(db, 'search_facets', facets, CHUNK_ROWS.search_facets);
  await addTerms(db, facets);
  await insertChunked(db, 'search_metrics', numbers, CHUNK_ROWS.search_metrics);
}

/** Multi-row inserts kept under both databases' bound-parameter limits. */
async function insertChunked<T extends 'search_documents' | 'search_facets' | 'search_metrics'>(
  db: Executor,
  table: T,
  rows: readonly Insertable<Database[T]>[],
  size: number,
): Promise<void> {
  for (let i = 0; i < rows.length; i += size) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + size) as Insertable<Database[T]>[])
      .execute();
  }
}

export async function removeDocument(db: Executor, docId: string): Promise<void> {
  await dropUnusedTerms(db, await deleteDocumentRows(db, [docId]));
}

/** The versions a run is the source of: their documents carry the run's metrics and lineage. */
export async function versionEntityIdsOfRun(db: Executor, runId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('model_versions')
    .select(['model_id', 'version'])
    .where('run_id', '=', runId)
    .where('deleted_time', 'is', null)
    .execute();
  return rows.map((r) => `${r.model_id}/${r.version}`);
}

/** The live versions of a model: their documents carry its name, team and card fields. */
export async function versionEntityIdsOfModel(db: Executor, modelId: string): Promise<string[]> {
  const rows = await db.selectFrom('model_versions').select('version').where('model_id', '=', modelId).execute();
  return rows.map((r) => `${modelId}/${r.version}`);
}

/** The versions of a dataset, whose documents carry its name and description. */
export async function versionIdsOfDataset(db: Executor, datasetId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('lineage_dataset_versions')
    .select('version_id')
    .where('dataset_id', '=', datasetId)
    .execute();
  return rows.map((r) => r.version_id);
}

/** The feature a feature version belongs to. */
export async function featureOfVersion(db: Executor, featureVersionId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('lineage_feature_versions')
    .select('feature_id')
    .where('feature_version_id', '=', featureVersionId)
    .executeTakeFirst();
  return row?.feature_id;
}

/**
 * Entities of one type that have no document yet (rows from before the index, or loaded straight into the
 * database), at most `limit` of them: what the start-up backfill indexes, batch by batch.
 */
export async function unindexedEntities(db: Executor, type: DiscoveryType, limit: number): Promise<string[]> {
  const missing = (source: string, id: ReturnType<typeof sql.raw>, extra = sql``) =>
    sql<{ id: string }>`
      select ${id} as id from ${sql.raw(source)} s
      where not exists (
        select 1 from search_documents d where d.entity_type = ${type} and d.entity_id = ${id}
      ) ${extra}
      limit ${limit}`.execute(db);
  const concat = (a: string, b: string) => sql.raw(`(${a} || '/' || cast(${b} as text))`);
  let result: { rows: { id: string }[] };
  switch (type) {
    case 'model':
      result = await missing('registered_models', sql.raw('s.model_id'));
      break;
    case 'model_version':
      result = await missing('model_versions', concat('s.model_id', 's.version'), sql`and s.deleted_time is null`);
      break;
    case 'experiment':
      result = await missing('experiments', sql.raw('s.experiment_id'), sql`and s.lifecycle_stage = 'active'`);
      break;
    case 'run':
      result = await missing('runs', sql.raw('s.run_id'), sql`and s.lifecycle_stage = 'active'`);
      break;
    case 'dataset':
      result = await missing('lineage_datasets', sql.raw('s.dataset_id'));
      break;
    case 'dataset_version':
      result = await missing('lineage_dataset_versions', sql.raw('s.version_id'));
      break;
    case 'feature':
      result = await missing('lineage_features', sql.raw('s.feature_id'));
      break;
    case 'deployment':
      result = await missing('lineage_deployments', sql.raw('s.deployment_id'));
      break;
  }
  return result.rows.map((r) => r.id);
}
