import { beforeAll, describe, expect, it } from 'vitest';
import type { WireRun } from '../../src/sdk/wire/shapes.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

interface MlflowRun {
  info: { run_id: string };
  data: { params?: { key: string; value: string }[]; metrics?: { key: string; value: number | string }[] };
  inputs: { dataset_inputs?: { dataset: { name: string; schema?: string } }[] };
}

// Strings that JSON must escape, or that are long or outside ASCII: the database builds the JSON that carries them.
const awkward = {
  quote: 'say "hi"',
  backslash: 'C:\\path\\to',
  control: 'line\nbreak\ttab\u0001bell',
  unicode: 'ünïcödé 😀 \u2028 end',
  empty: '',
  long: 'v'.repeat(6000),
};

// Doubles at the edges of what a JSON number carries, each of which must come back bit for bit.
const doubles: Record<string, number> = {
  sum: 0.1 + 0.2,
  third: 1 / 3,
  tiny: 5e-324,
  huge: 1.7976931348623157e308,
  negative: -2.5e-300,
  integer: 42,
  big: 2 ** 53,
};

describe.each(backends)('run values read back exactly on $name', (backend) => {
  const api = useTestServer(backend);
  let experimentId: string;
  let fullId: string;
  let bareId: string;

  beforeAll(async () => {
    const created = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', {
      name: 'round-trip',
    });
    experimentId = created.body.experiment.experimentId;
    const full = await api.call<{ run: WireRun }>('POST', '/api/v1/runs', {
      experimentId,
      runName: 'full',
      startTime: 2_000,
    });
    fullId = full.body.run.runId;
    const logged = await api.call('POST', `/api/v1/runs/${fullId}/batch`, {
      // Logged out of order: they come back in key order.
      params: { gamma: '3', alpha: '1', beta: '2', ...awkward },
      tags: { ...awkward, zeta: 'last' },
      metrics: [
        ...Object.entries(doubles).map(([key, value]) => ({ key, value, step: 2 ** 40, timestamp: 1_700_000_000_123 })),
        { key: 'nan', value: 'NaN', step: 0, timestamp: 1 },
        { key: 'inf', value: 'Infinity', step: 0, timestamp: 1 },
        { key: 'ninf', value: '-Infinity', step: 0, timestamp: 1 },
      ],
    });
    expect(logged.status).toBe(200);
    const inputs = await api.call('POST', `/api/v1/runs/${fullId}/inputs`, {
      datasets: [
        { name: 'b-set', digest: 'd2', sourceType: 'local', source: '{"uri": "/b"}' },
        {
          name: 'a-set',
          digest: 'd1',
          sourceType: 's3',
          source: awkward.quote,
          schema: '{"fields": []}',
          profile: awkward.unicode,
          tags: { 'mlflow.data.context': 'training' },
        },
      ],
    });
    expect(inputs.status).toBe(200);
    // Only what creating a run stores (its name tag): no params, metrics or inputs.
    const bare = await api.call<{ run: WireRun }>('POST', '/api/v1/runs', {
      experimentId,
      runName: 'bare',
      startTime: 1_000,
    });
    bareId = bare.body.run.runId;
  });

  function checkFull(run: WireRun): void {
    expect(run.params).toEqual({ alpha: '1', beta: '2', gamma: '3', ...awkward });
    expect(Object.keys(run.params).filter((k) => ['alpha', 'beta', 'gamma'].includes(k))).toEqual([
      'alpha',
      'beta',
      'gamma',
    ]);
    expect(run.tags).toEqual({ ...awkward, zeta: 'last', 'mlflow.runName': 'full' });
    const metrics = Object.fromEntries(run.metrics.map((m) => [m.key, m]));
    for (const [key, value] of Object.entries(doubles)) {
      expect(metrics[key]).toEqual({ key, value, step: 2 ** 40, timestamp: 1_700_000_000_123 });
      expect(Object.is(metrics[key]?.value, value)).toBe(true);
    }
    expect([metrics.nan?.value, metrics.inf?.value, metrics.ninf?.value]).toEqual(['NaN', 'Infinity', '-Infinity']);
    expect(run.metrics.map((m) => m.key)).toEqual([...run.metrics.map((m) => m.key)].sort());
    expect(run.inputs).toEqual([
      {
        name: 'a-set',
        digest: 'd1',
        sourceType: 's3',
        source: awkward.quote,
        schema: '{"fields": []}',
        profile: awkward.unicode,
        tags: { 'mlflow.data.context': 'training' },
      },
      {
        name: 'b-set',
        digest: 'd2',
        sourceType: 'local',
        source: '{"uri": "/b"}',
        schema: null,
        profile: null,
        tags: {},
      },
    ]);
  }

  it('returns every stored value from search and from get', async () => {
    const { status, body } = await api.call<{ runs: WireRun[] }>('POST', '/api/v1/runs/search', {
      experimentIds: [experimentId],
    });
    expect(status).toBe(200);
    expect(body.runs.map((r) => r.runName)).toEqual(['full', 'bare']);
    checkFull(body.runs[0]!);
    checkFull((await api.call<{ run: WireRun }>('GET', `/api/v1/runs/${fullId}`)).body.run);
    expect(body.runs[1]).toMatchObject({ runId: bareId, params: {}, tags: { 'mlflow.runName': 'bare' }, metrics: [] });
    expect(body.runs[1]?.inputs).toEqual([]);
  });

  it('returns the same values through the MLflow search', async () => {
    const { status, body } = await api.call<{ runs: MlflowRun[] }>('POST', '/api/2.0/mlflow/runs/search', {
      experiment_ids: [experimentId],
    });
    expect(status).toBe(200);
    const [full, bare] = body.runs;
    expect(full?.info.run_id).toBe(fullId);
    const params = full?.data.params ?? [];
    expect(Object.fromEntries(params.map((p) => [p.key, p.value]))).toEqual({
      alpha: '1',
      beta: '2',
      gamma: '3',
      ...awkward,
    });
    const metrics = Object.fromEntries((full?.data.metrics ?? []).map((m) => [m.key, m.value]));
    expect(metrics).toMatchObject({ ...doubles, nan: 'NaN', inf: Number.MAX_VALUE, ninf: -Number.MAX_VALUE });
    expect(full?.inputs.dataset_inputs?.map((i) => i.dataset.name)).toEqual(['a-set', 'b-set']);
    // MLflow leaves out empty lists entirely.
    expect(bare?.info.run_id).toBe(bareId);
    expect(bare?.data.params).toBeUndefined();
    expect(bare?.data.metrics).toBeUndefined();
    expect(bare?.inputs).toEqual({});
  });
});
