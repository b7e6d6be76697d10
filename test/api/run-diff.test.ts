import { describe, expect, it } from 'vitest';
import type { WireRunDiff } from '../../src/sdk/wire/run-diff-shapes.js';
import { backends } from '../support/backends.js';
import { type TestServer, useTestServer } from '../support/test-server.js';

interface RunRecord {
  tags: Record<string, string>;
  params: Record<string, string>;
  metrics: { key: string; value: number; step: number }[];
  packages: Record<string, string>;
}

/** A run recorded as `mnemo run` records one: tags for code and data, an environment registered and named by tag. */
async function recordRun(api: TestServer, experimentId: string, record: RunRecord): Promise<string> {
  const environment = await api.call<{ id: string }>('POST', '/api/v1/lineage/environments', {
    os: 'Linux 6.1',
    runtime: 'python 3.11.4',
    packages: record.packages,
    hardware: { cpuCount: 2 },
  });
  expect(environment.status).toBeLessThan(300);
  const created = await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', {
    experimentId,
    tags: { ...record.tags, 'mnemo.environment.id': environment.body.id },
  });
  expect(created.status).toBe(201);
  const runId = created.body.run.runId;
  const batch = await api.call('POST', `/api/v1/runs/${runId}/batch`, {
    params: record.params,
    metrics: record.metrics.map((m, i) => ({ ...m, timestamp: 1_700_000_000_000 + i })),
  });
  expect(batch.status).toBe(200);
  return runId;
}

describe.each(backends)('comparing two runs on $name', (backend) => {
  const api = useTestServer(backend);

  async function experiment(name: string): Promise<string> {
    const reply = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', { name });
    return reply.body.experiment.experimentId;
  }

  it('names every difference in params, metrics, tags, code, environment and data', async () => {
    const experimentId = await experiment('diff-pairs');
    const a = await recordRun(api, experimentId, {
      params: { lr: '0.1', epochs: '3' },
      tags: {
        team: 'vision',
        'mlflow.source.git.commit': 'a'.repeat(40),
        'mnemo.source.git.dirty': 'false',
        'mnemo.input.0': '/data/train.csv@sha256:1111',
      },
      metrics: [
        { key: 'loss', value: 0.9, step: 0 },
        { key: 'loss', value: 0.2, step: 1 },
        { key: 'loss', value: 0.3, step: 2 },
        { key: 'accuracy', value: 0.7, step: 2 },
      ],
      packages: { numpy: '1.26.0', torch: '2.1.0' },
    });
    const b = await recordRun(api, experimentId, {
      params: { lr: '0.01', epochs: '3' },
      tags: {
        team: 'speech',
        'mlflow.source.git.commit': 'b'.repeat(40),
        'mnemo.source.git.dirty': 'true',
        'mnemo.source.git.diffDigest': 'sha256:dd',
        'mnemo.input.0': '/data/train.csv@sha256:2222',
      },
      metrics: [
        { key: 'loss', value: 0.5, step: 0 },
        { key: 'loss', value: 0.25, step: 1 },
        { key: 'accuracy', value: 0.9, step: 1 },
        { key: 'accuracy', value: 0.8, step: 2 },
      ],
      packages: { numpy: '2.0.0', pandas: '2.2.0' },
    });

    const reply = await api.call<WireRunDiff>('GET', `/api/v1/runs/diff?a=${a}&b=${b}`);
    expect(reply.status).toBe(200);
    const diff = reply.body;
    expect(diff).toMatchObject({ a, b, identical: false });
    expect(diff.params).toEqual([{ key: 'lr', a: '0.1', b: '0.01' }]);
    expect(diff.tags).toEqual([{ key: 'team', a: 'vision', b: 'speech' }]);
    const loss = diff.metrics.find((m) => m.key === 'loss')!;
    expect(loss.direction).toBe('min');
    expect(loss.final).toMatchObject({ a: 0.3, b: 0.25 });
    expect(loss.best).toMatchObject({ a: 0.2, b: 0.25 });
    const accuracy = diff.metrics.find((m) => m.key === 'accuracy')!;
    expect(accuracy.final).toMatchObject({ a: 0.7, b: 0.8 });
    expect(accuracy.best).toMatchObject({ a: 0.7, b: 0.9 });
    expect(diff.code).toEqual([
      { field: 'commit', a: 'a'.repeat(40), b: 'b'.repeat(40) },
      { field: 'dirty', a: 'false', b: 'true' },
      { field: 'diffDigest', a: null, b: 'sha256:dd' },
    ]);
    expect(diff.environment?.packages).toEqual({
      added: [{ name: 'pandas', version: '2.2.0' }],
      removed: [{ name: 'torch', version: '2.1.0' }],
      changed: [{ name: 'numpy', a: '1.26.0', b: '2.0.0' }],
    });
    expect(diff.data).toEqual([{ key: '/data/train.csv', a: 'sha256:1111', b: 'sha256:2222' }]);
  });

  it('finds two runs recorded alike identical', async () => {
    const experimentId = await experiment('diff-alike');
    const record: RunRecord = {
      params: { lr: '0.1' },
      tags: { team: 'vision' },
      metrics: [{ key: 'loss', value: 0.4, step: 0 }],
      packages: { numpy: '1.26.0' },
    };
    const a = await recordRun(api, experimentId, record);
    const b = await recordRun(api, experimentId, record);
    const reply = await api.call<WireRunDiff>('GET', `/api/v1/runs/diff?a=${a}&b=${b}`);
    expect(reply.status).toBe(200);
    expect(reply.body.identical).toBe(true);
  });

  it('refuses a run compared with itself, a missing run and a missing id with a 4xx', async () => {
    const experimentId = await experiment('diff-bad');
    const a = await recordRun(api, experimentId, { params: {}, tags: {}, metrics: [], packages: {} });
    const self = await api.call<{ error_code: string }>('GET', `/api/v1/runs/diff?a=${a}&b=${a}`);
    expect(self.status).toBe(400);
    expect(self.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    const missing = await api.call<{ error_code: string }>('GET', `/api/v1/runs/diff?a=${a}&b=nosuchrun`);
    expect(missing.status).toBe(404);
    const incomplete = await api.call('GET', `/api/v1/runs/diff?a=${a}`);
    expect([400, 404]).toContain(incomplete.status);
  });
});
