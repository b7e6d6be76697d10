import { CompiledQuery, type KyselyPlugin, type RootOperationNode, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_FILTER_SCHEMA, parseRegistryFilter } from '../../src/domain/registry/registry-filter.js';
import { parseExperimentFilter } from '../../src/domain/search/filter-parser.js';
import { openStore } from '../../src/store/open-store.js';
import { searchModelRows } from '../../src/store/repositories/registry/registry-search-query.js';
import { searchExperimentRows } from '../../src/store/search/experiment-search-query.js';
import type { Executor, Store } from '../../src/store/store.js';
import { backends } from '../support/backends.js';

const NAMES = 3000;
const EPOCH = 1_700_000_000_000;

/** Captures the operation tree of every query run through it, so the query a repository issued can be explained. */
class CapturePlugin implements KyselyPlugin {
  readonly nodes: RootOperationNode[] = [];
  transformQuery({ node }: { node: RootOperationNode }): RootOperationNode {
    this.nodes.push(node);
    return node;
  }
  async transformResult<T>({ result }: { result: T }): Promise<T> {
    return result;
  }
}

/**
 * Name completion asks for `name LIKE 'prefix%'`. Unless an index bounds the prefix, the database walks every model
 * or experiment to find the handful that match; these tests hold the plans of the queries the services issue to an
 * index range on both databases, whatever PostgreSQL's collation.
 */
describe.each(backends)('name prefix search plans on $name', (backend) => {
  let database: { uri: string; drop(): Promise<void> };
  let store: Store;

  beforeAll(async () => {
    database = await backend.createMigrated();
    store = await openStore(database.uri);
    const ids = Array.from({ length: NAMES }, (_, i) => i);
    for (let start = 0; start < NAMES; start += 500) {
      const chunk = ids.slice(start, start + 500);
      await store.db
        .insertInto('registered_models')
        .values(
          chunk.map((i) => ({
            model_id: `model-id-${i}`,
            name: `model-${String(i).padStart(5, '0')}`,
            regulatory_flags: '[]',
            metadata: '{}',
            last_version: 0,
            creation_time: EPOCH + i,
            last_updated_time: EPOCH + i,
          })),
        )
        .execute();
      await store.db
        .insertInto('experiments')
        .values(
          chunk.map((i) => ({
            experiment_id: `experiment-id-${i}`,
            name: `exp-${String(i).padStart(5, '0')}`,
            artifact_location: `mlflow-artifacts:/experiment-id-${i}`,
            lifecycle_stage: 'active',
            creation_time: EPOCH + i,
            last_update_time: EPOCH + i,
          })),
        )
        .execute();
    }
    // Statistics as autovacuum would gather them; SQLite keeps none and plans from the SQL alone.
    if (store.dialect === 'postgres') await sql`analyze`.execute(store.db);
  });

  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  /** The plan, as text, of the one statement `search` issues. */
  async function planOf(search: (db: Executor) => Promise<unknown[]>): Promise<{ plan: string; found: number }> {
    const capture = new CapturePlugin();
    const found = (await search(store.db.withPlugin(capture))).length;
    expect(capture.nodes).toHaveLength(1);
    const query = store.db.getExecutor().compileQuery(capture.nodes[0]!, { queryId: 'plan' });
    const explain =
      store.dialect === 'postgres' ? `explain (format text) ${query.sql}` : `explain query plan ${query.sql}`;
    const { rows } = await store.db.executeQuery<Record<string, string>>(
      CompiledQuery.raw(explain, [...query.parameters]),
    );
    const plan = rows.map((row) => row['QUERY PLAN'] ?? row.detail).join('\n');
    return { plan, found };
  }

  const searches = [
    {
      table: 'registered_models',
      prefix: 'model-0123',
      search: (db: Executor, filter: string) =>
        searchModelRows(db, {
          filter: parseRegistryFilter(filter, MODEL_FILTER_SCHEMA),
          orderBy: [],
          offset: 0,
          limit: 20,
        }),
    },
    {
      table: 'experiments',
      prefix: 'exp-0123',
      search: (db: Executor, filter: string) =>
        searchExperimentRows(db, {
          filter: parseExperimentFilter(filter),
          orderBy: [],
          viewType: 'ACTIVE_ONLY',
          offset: 0,
          limit: 20,
        }),
    },
  ];

  it.each(searches)('bounds a name prefix of $table by an index range', async ({ table, prefix, search }) => {
    const { plan, found } = await planOf((db) => search(db, `name LIKE '${prefix}%'`));
    expect(found).toBe(10);
    if (store.dialect === 'postgres') {
      // The range's upper end is the prefix with its last character incremented.
      const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
      expect(plan).toContain(`${table}_name_pattern`);
      expect(plan).toContain(`Index Cond: ((name ~>=~ '${prefix}'::text) AND (name ~<~ '${upper}'::text))`);
    } else {
      expect(plan).toMatch(new RegExp(`SEARCH ${table} USING INDEX \\S+ \\(name>\\? AND name<\\?\\)`));
    }
  });
});
