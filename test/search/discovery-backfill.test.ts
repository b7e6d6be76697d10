import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/server.js';
import type { SearchResults } from '../../src/sdk/wire/search-shapes.js';
import { openStore } from '../../src/store/open-store.js';
import { backends } from '../support/backends.js';

/** Rows the index has no document for (from before it, or written behind the server's back) are indexed at start. */
describe.each(backends)('discovery backfill on $name', (backend) => {
  it('indexes existing rows when the server starts', { timeout: 60_000 }, async () => {
    const { uri, drop } = await backend.createMigrated();
    const artifacts = await mkdtemp(join(tmpdir(), 'mnemo-backfill-'));
    const start = () =>
      startServer({ host: '127.0.0.1', port: 0, backendStoreUri: uri, artifactsDestination: artifacts });
    let server: RunningServer | undefined;
    try {
      await (await start()).close();
      const store = await openStore(uri);
      try {
        await store.db
          .insertInto('registered_models')
          .values({
            model_id: 'loaded-model',
            name: 'loaded-churn-scorer',
            description: 'Scores churn from behind the server',
            owner_team: 'growth',
            purpose: null,
            algorithm_family: null,
            task_type: null,
            intended_use: null,
            limitations: null,
            latency_budget_ms: null,
            regulatory_flags: '[]',
            metadata: '{}',
            metadata_schema_subject: null,
            metadata_schema_version: null,
            last_version: 0,
            creation_time: 1,
            last_updated_time: 1,
          })
          .execute();
      } finally {
        await store.close();
      }
      server = await start();
      const url = `${server.url}/api/v1/search?q=churn`;
      await expect
        .poll(async () => ((await (await fetch(url)).json()) as SearchResults).hits.map((h) => h.name), {
          timeout: 20_000,
        })
        .toEqual(['loaded-churn-scorer']);
      const faceted = (await (await fetch(`${url}&facet=team%3Dgrowth`)).json()) as SearchResults;
      expect(faceted.total).toBe(1);
    } finally {
      await server?.close();
      await drop();
      await rm(artifacts, { recursive: true, force: true });
    }
  });
});
