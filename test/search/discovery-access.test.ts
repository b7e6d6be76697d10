import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Completions, SearchResults } from '../../src/sdk/wire/search-shapes.js';
import { ADMIN_TOKEN, callAs, ok, userWithToken } from '../access/access-fixture.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

/**
 * What a caller may not read never reaches it through discovery: not as a result, not in a facet or type count, not
 * as a completion. Values stored encrypted are not searchable at all (their keys are).
 */
describe.each(backends)('discovery permissions on $name', (backend) => {
  const api = useTestServer(backend, {
    server: {
      auth: { enabled: true, adminToken: ADMIN_TOKEN },
      encryptionKey: randomBytes(32).toString('hex'),
      sensitiveKeys: 'api_key',
    },
  });
  let rita = '';

  const as = (token: string) => ({
    search: (query: string) => ok(callAs<SearchResults>(api.url, token, 'GET', `/api/v1/search?${query}`)),
    complete: (prefix: string) =>
      ok(
        callAs<Completions>(api.url, token, 'GET', `/api/v1/search/autocomplete?prefix=${encodeURIComponent(prefix)}`),
      ),
  });

  beforeAll(async () => {
    rita = await userWithToken(api.url, 'rita');
    const admin = (method: string, path: string, body?: unknown) =>
      ok(callAs(api.url, ADMIN_TOKEN, method, path, body));
    for (const name of ['open', 'secret']) {
      const { experiment } = (await admin('POST', '/api/v1/experiments', { name: `${name}-fraud-lab` })) as {
        experiment: { experimentId: string };
      };
      const { run } = (await admin('POST', '/api/v1/runs', {
        experimentId: experiment.experimentId,
        runName: `${name}-fraud-run`,
      })) as { run: { runId: string } };
      await admin('POST', `/api/v1/runs/${run.runId}/batch`, {
        params: { api_key: `hunter2-${name}`, depth: '3' },
        metrics: [{ key: `${name}_auc`, value: 0.9, step: 0, timestamp: 1 }],
      });
      await admin('POST', '/api/v1/registered-models', {
        name: `${name}-fraud-model`,
        ownerTeam: `${name}-team`,
        tags: { [`${name}_tag`]: 'x' },
      });
      if (name === 'secret') {
        await admin('PUT', '/api/v1/restrictions', { experiment: experiment.experimentId, restricted: true });
        await admin('PUT', '/api/v1/restrictions', { model: 'secret-fraud-model', restricted: true });
      }
    }
  });

  it('shows the administrator everything', async () => {
    const all = await as(ADMIN_TOKEN).search('q=fraud');
    expect(all.hits.map((h) => h.name).sort()).toEqual([
      'open-fraud-lab',
      'open-fraud-model',
      'open-fraud-run',
      'secret-fraud-lab',
      'secret-fraud-model',
      'secret-fraud-run',
    ]);
  });

  it('leaves hidden experiments, runs and models out of results, counts and completions', async () => {
    const seen = await as(rita).search('q=fraud');
    expect(seen.hits.map((h) => h.name).sort()).toEqual(['open-fraud-lab', 'open-fraud-model', 'open-fraud-run']);
    expect(seen.total).toBe(3);
    expect(seen.facets.types).toEqual([
      { value: 'experiment', count: 1 },
      { value: 'model', count: 1 },
      { value: 'run', count: 1 },
    ]);
    expect(seen.facets.terms.team).toEqual([{ value: 'open-team', count: 1 }]);
    expect(seen.facets.numbers.map((n) => n.key)).toEqual(['open_auc']);
    expect(JSON.stringify(await as(rita).search(''))).not.toContain('secret');
    expect(JSON.stringify(await as(rita).search('q=secret'))).not.toContain('secret');
    expect((await as(rita).search('facet=team=secret-team')).total).toBe(0);
    for (const prefix of ['secret', 'secret_', 'secrte']) {
      expect((await as(rita).complete(prefix)).completions).toEqual([]);
    }
    expect((await as(ADMIN_TOKEN).complete('secret-fraud-m')).completions.map((c) => c.value)).toContain(
      'secret-fraud-model',
    );
    // Typo candidates come from one vocabulary of every document's values (here through its trigram index, the typo
    // being early): a hidden entity's value is never shown, and one both hold is counted on the readable one only.
    expect((await as(rita).complete('sercet-fraud-model')).completions).toEqual([]);
    expect((await as(ADMIN_TOKEN).complete('sercet-fraud-model')).completions.map((c) => c.value)).toContain(
      'secret-fraud-model',
    );
    const apiKey = { kind: 'param_key', value: 'api_key', distance: 1 };
    expect((await as(rita).complete('aip_key')).completions).toContainEqual({ ...apiKey, count: 1 });
    expect((await as(ADMIN_TOKEN).complete('aip_key')).completions).toContainEqual({ ...apiKey, count: 2 });
  });

  it('never names a restricted dataset in the facets of runs the caller may read, nor answers a filter on it', async () => {
    const admin = (method: string, path: string, body?: unknown) =>
      ok(callAs<Record<string, unknown>>(api.url, ADMIN_TOKEN, method, path, body));
    const { experiment } = (await admin('POST', '/api/v1/experiments', { name: 'scoring-lab' })) as {
      experiment: { experimentId: string };
    };
    const { run } = (await admin('POST', '/api/v1/runs', {
      experimentId: experiment.experimentId,
      runName: 'scoring-run',
    })) as { run: { runId: string } };
    for (const name of ['payroll', 'weather']) {
      const registered = (await admin('POST', '/api/v1/lineage/dataset-versions', {
        namespace: 'warehouse',
        name,
        version: 'v1',
      })) as { nodeId: string };
      await admin('POST', '/api/v1/lineage/edges', {
        from: registered.nodeId,
        to: `run:${run.runId}`,
        type: 'consumed',
      });
    }
    await admin('PUT', '/api/v1/restrictions', { dataset: 'warehouse:payroll', restricted: true });

    const datasets = async (token: string) =>
      (await as(token).search('q=scoring&type=run')).facets.terms.dataset?.map((t) => t.value).sort();
    expect(await datasets(ADMIN_TOKEN)).toEqual(['payroll', 'weather']);
    expect(await datasets(rita)).toEqual(['weather']);
    expect((await as(rita).search('q=scoring&type=run')).total).toBe(1);
    expect((await as(rita).search('facet=dataset=payroll')).total).toBe(0);
    expect((await as(ADMIN_TOKEN).search('facet=dataset=payroll&type=run')).total).toBe(1);
  });

  it('refuses callers that are not signed in', async () => {
    expect((await callAs(api.url, undefined, 'GET', '/api/v1/search?q=fraud')).status).toBe(401);
    expect((await callAs(api.url, undefined, 'GET', '/api/v1/search/autocomplete?prefix=f')).status).toBe(401);
  });

  it('never indexes an encrypted value, only its key', async () => {
    expect((await as(ADMIN_TOKEN).search('q=hunter2')).total).toBe(0);
    const keys = (await as(ADMIN_TOKEN).complete('api_')).completions;
    expect(keys).toContainEqual({ kind: 'param_key', value: 'api_key', count: 2, distance: 0 });
    const rows = await api.server.store.db
      .selectFrom('search_documents')
      .select(['keyword_words', 'body_words'])
      .execute();
    const facets = await api.server.store.db.selectFrom('search_facets').select('value').execute();
    expect(JSON.stringify([rows, facets])).not.toContain('hunter2');
  });
});
