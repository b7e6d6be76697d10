import { describe, expect, it } from 'vitest';
import { Mnemo } from '../../src/sdk/index.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { countingFetch } from './counting-fetch.js';

type OpenApi = { servers: { url: string }[]; paths: Record<string, Record<string, unknown>> };

/** `/runs/{runId}/artifacts/{*}` → a pattern matching concrete paths; `{*}` spans slashes, other parameters do not. */
function templatePattern(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part === '{*}' ? '.+' : part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

describe.each(backends)('SDK and the OpenAPI document on $name', (backend) => {
  const api = useTestServer(backend);

  it('calls only operations /api/v1/openapi.json documents', async () => {
    const { fetch, requests } = countingFetch();
    const mnemo = new Mnemo({ url: api.url, fetch });
    const run = await mnemo.startRun({ experimentName: 'contract', params: { a: 1 }, tags: { t: 'x' } });
    run.logMetric('m', 1);
    await run.flush();
    await run.logInputs([{ name: 'd', digest: 'abc', sourceType: 'local', source: '/d' }]);
    await run.logArtifact({ path: 'dir/file.txt', data: 'x' });
    await run.end();
    await mnemo.getExperiment(run.experimentId);
    await mnemo.getExperimentByName('contract');
    await mnemo.searchExperiments({ filter: "name = 'contract'" });
    await mnemo.getRun(run.id);
    await mnemo.searchRuns({ experimentIds: [run.experimentId] });
    await mnemo.metricHistory(run.id, 'm');
    await mnemo.metricHistory(run.id, 'm', { points: 10 });
    await mnemo.listArtifacts(run.id);
    await mnemo.downloadArtifact(run.id, 'dir/file.txt');
    await mnemo.createExperiment('contract/2');
    const dashboard = await mnemo.experimentDashboard(run.experimentId, { metrics: ['m'], window: 10, z: 3 });
    expect(dashboard).toMatchObject({ window: 10, threshold: 3, runCount: 1 });
    expect(dashboard.metrics).toEqual([{ key: 'm', points: [expect.objectContaining({ runId: run.id, value: 1 })] }]);

    const doc = (await (await globalThis.fetch(`${api.url}/api/v1/openapi.json`)).json()) as OpenApi;
    const base = doc.servers[0]!.url;
    const operations = Object.entries(doc.paths).flatMap(([template, methods]) =>
      Object.keys(methods).map((method) => ({ method: method.toUpperCase(), pattern: templatePattern(template) })),
    );
    const used = new Set(requests.map((r) => `${r.method} ${r.path}`));
    expect(used.size).toBeGreaterThanOrEqual(14);
    const undocumented = [...used].filter((call) => {
      const [method, path] = call.split(' ') as [string, string];
      const relative = path.startsWith(base) ? path.slice(base.length) : path;
      return !operations.some((op) => op.method === method && op.pattern.test(relative));
    });
    expect(undocumented).toEqual([]);
    expect(templatePattern('/runs/{runId}/batch').test('/runs/abc/def/batch')).toBe(false);
  });
});
