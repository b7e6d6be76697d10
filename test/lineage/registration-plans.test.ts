import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetVersion } from '../../src/domain/lineage/dataset-version.js';
import type { OpenLineageRunEvent } from '../../src/domain/lineage/openlineage-event.js';
import { AuditLog } from '../../src/services/provenance/audit-log.js';
import { createServices, type Services } from '../../src/services/services.js';
import { openArtifactStore } from '../../src/store/artifacts/open-artifact-store.js';
import { openPlannedSqlite, type PlannedSqlite } from '../support/sqlite-plans.js';

/**
 * A lineage registration must cost the same on a graph of a million nodes as on an empty one: every statement it
 * runs, its audit append included, has to reach its rows through an index, never read a whole table or sort every
 * row of a range to keep one. SQLite keeps no statistics on a Mnemo database, so its plans depend only on the SQL
 * and the schema, and asking for them on a small database shows what they would be on a large one.
 */
interface StatementPlan {
  sql: string;
  parameters: readonly unknown[];
  plan: string[];
}

describe('lineage registration plans on SQLite', () => {
  let sqlite: PlannedSqlite;
  let services: Services;

  beforeAll(async () => {
    sqlite = await openPlannedSqlite('mnemo-lineage-plans-');
    const { db } = sqlite;
    services = createServices({
      store: { db, dialect: 'sqlite', close: () => db.destroy() },
      artifacts: openArtifactStore(join(sqlite.dir, 'artifacts')),
      audit: new AuditLog('sqlite'),
    });
    // The saved-search check that follows each commit is not part of a registration: left running, it lands in
    // whichever window its debounce ends in.
    await services.savedSearchWatcher.stop();
  });

  afterAll(() => sqlite.close());

  /** Every statement `action` ran, with its plan one line per step. */
  async function plansOf(action: () => Promise<unknown>): Promise<StatementPlan[]> {
    sqlite.clear();
    await action();
    const statements = sqlite.issued.filter((query) => /^\s*(select|insert|update|delete|with)\b/i.test(query.sql));
    expect(statements.length).toBeGreaterThan(0);
    return statements.map((query) => ({
      sql: query.sql,
      parameters: query.parameters,
      plan: sqlite.planOf(query),
    }));
  }

  /**
   * A step that reads a table whole (SCAN of a table) or sorts what it read (TEMP B-TREE) costs more as the graph
   * grows; scanning the VALUES rows of a multi-row insert does not.
   */
  function expectIndexedOnly(plans: StatementPlan[]): void {
    // Except the walk that finds the model versions a new version of a dataset or feature calls for revalidating:
    // it reads what lies downstream of the earlier versions, edge by edge through the edge indexes, so it grows with
    // that part of the graph only (its own rows are the `w` and `walk` scans and its GROUP BY).
    plans = plans.filter(({ sql }) => !/^\s*with recursive walk\(/.test(sql));
    const grows = (step: string) =>
      (/^SCAN /.test(step) && !/^SCAN (CONSTANT ROW|\d+-ROW VALUES CLAUSE)$/.test(step)) ||
      step.includes('TEMP B-TREE');
    expect(plans.filter(({ plan }) => plan.some(grows))).toEqual([]);
  }

  const olEvent = (job: string, inputs: string[], outputs: string[]): OpenLineageRunEvent => ({
    eventType: 'COMPLETE',
    eventTime: new Date().toISOString(),
    producer: 'https://example.com/pipelines',
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
    run: { runId: randomUUID() },
    job: { namespace: 'pipelines', name: job },
    inputs: inputs.map((name) => ({ namespace: 's3://lake', name })),
    outputs: outputs.map((name) => ({ namespace: 's3://lake', name })),
  });

  it('registers a dataset version produced by a run through indexes only', async () => {
    const run = await services.runs.create({ experimentId: '0', runName: 'extract' });
    await services.lineage.registerDatasetVersion({ namespace: 's3://lake', name: 'orders', version: 'v1' });
    const plans = await plansOf(() =>
      services.lineage.registerDatasetVersion({
        namespace: 's3://lake',
        name: 'orders',
        version: 'v2',
        digest: 'sha256:0f',
        producedByRunId: run.info.runId,
      }),
    );
    expectIndexedOnly(plans);
  });

  it('registers a feature version and its inputs through indexes only', async () => {
    const inputs: DatasetVersion[] = [];
    for (const version of ['a', 'b']) {
      inputs.push(await services.lineage.registerDatasetVersion({ namespace: 's3://lake', name: 'clicks', version }));
    }
    const code = await services.lineage.registerCodeRef({
      repository: 'git@example.com:features',
      commit: 'a'.repeat(40),
      dirtyDigest: null,
    });
    await services.lineage.registerFeature({
      name: 'ctr',
      version: '1',
      inputDatasetVersionIds: [inputs[0]!.versionId],
    });
    const plans = await plansOf(() =>
      services.lineage.registerFeature({
        name: 'ctr',
        version: '2',
        codeRefId: code.codeRefId,
        inputDatasetVersionIds: inputs.map((input) => input.versionId),
      }),
    );
    expectIndexedOnly(plans);
  });

  it('resolves an unversioned OpenLineage input to its newest version through an index, without sorting', async () => {
    // Each extract run writes a new version of raw/events; featurize reads it without naming one.
    for (let i = 0; i < 3; i++) await services.openLineage.ingest(olEvent('extract', [], ['raw/events']));
    const plans = await plansOf(() =>
      services.openLineage.ingest(olEvent('featurize', ['raw/events'], ['features/daily'])),
    );
    expectIndexedOnly(plans);
    const newest = plans.filter(({ sql }) => /order by "v"\."created_time" desc/.test(sql));
    expect(newest).toHaveLength(1);
    expect(newest[0]!.plan.join('\n')).toMatch(/USING INDEX lineage_dataset_versions_recency \(dataset_id=\?\)/);
    // In index order the newest version comes first; without a limit every older one would still be read after it.
    expect(newest[0]!.sql).toMatch(/ limit \?$/);
    expect(newest[0]!.parameters.at(-1)).toBe(1);
  });
});
