import { describe, expect, it } from 'vitest';
import type { WireRun } from '../../src/sdk/wire/shapes.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

describe.each(backends)('runs over HTTP on $name', (backend) => {
  const api = useTestServer(backend);

  async function experiment(name: string): Promise<string> {
    const { body } = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', { name });
    return body.experiment.experimentId;
  }

  async function run(experimentId: string, extra: Record<string, unknown> = {}): Promise<WireRun> {
    const { status, body } = await api.call<{ run: WireRun }>('POST', '/api/v1/runs', { experimentId, ...extra });
    expect(status).toBe(201);
    return body.run;
  }

  it('creates a run, logs a batch and reads everything back', async () => {
    const exp = await experiment('runs-basic');
    const created = await run(exp, { runName: 'baseline', startTime: 1_700_000_000_000, tags: { team: 'vision' } });
    expect(created).toMatchObject({
      experimentId: exp,
      runName: 'baseline',
      status: 'RUNNING',
      startTime: 1_700_000_000_000,
      endTime: null,
      lifecycleStage: 'active',
      artifactUri: `mlflow-artifacts:/${exp}/${created.runId}/artifacts`,
      tags: { team: 'vision', 'mlflow.runName': 'baseline' },
    });
    expect(created.runId).toMatch(/^[0-9a-f]{32}$/);

    const logged = await api.call('POST', `/api/v1/runs/${created.runId}/batch`, {
      params: { lr: '0.01', optimizer: 'adam' },
      tags: { stage: 'train' },
      metrics: [
        { key: 'loss', value: 0.9, step: 0, timestamp: 1000 },
        { key: 'loss', value: 0.5, step: 1, timestamp: 2000 },
        { key: 'loss', value: 0.7, step: 1, timestamp: 1500 },
        { key: 'acc', value: 'NaN', step: 0, timestamp: 1000 },
        { key: 'grad', value: '-Infinity', step: 3, timestamp: 1000 },
      ],
    });
    expect(logged).toEqual({ status: 200, body: { metrics: 5, params: 2, tags: 1 } });

    const { body } = await api.call<{ run: WireRun }>('GET', `/api/v1/runs/${created.runId}`);
    expect(body.run.params).toEqual({ lr: '0.01', optimizer: 'adam' });
    expect(body.run.tags.stage).toBe('train');
    // Latest = highest step, then latest timestamp.
    expect(body.run.metrics).toEqual([
      { key: 'acc', value: 'NaN', step: 0, timestamp: 1000 },
      { key: 'grad', value: '-Infinity', step: 3, timestamp: 1000 },
      { key: 'loss', value: 0.5, step: 1, timestamp: 2000 },
    ]);

    const ended = await api.call<{ run: WireRun }>('PATCH', `/api/v1/runs/${created.runId}`, {
      status: 'FINISHED',
      endTime: 1_700_000_100_000,
    });
    expect(ended.body.run).toMatchObject({ status: 'FINISHED', endTime: 1_700_000_100_000 });
  });

  it('sets endTime when a run ends without one, as MLflow does, and keeps one it was given', async () => {
    const exp = await experiment('runs-end-time');
    const { runId } = await run(exp);
    const before = Date.now();
    const ended = await api.call<{ run: WireRun }>('PATCH', `/api/v1/runs/${runId}`, { status: 'FINISHED' });
    const after = Date.now();
    expect(ended.status).toBe(200);
    expect(ended.body.run.status).toBe('FINISHED');
    expect(ended.body.run.endTime).toBeGreaterThanOrEqual(before);
    expect(ended.body.run.endTime).toBeLessThanOrEqual(after);
    const { body } = await api.call<{ run: WireRun }>('GET', `/api/v1/runs/${runId}`);
    expect(body.run.endTime).toBe(ended.body.run.endTime);

    // A later status change does not move an end already recorded; a running run has none.
    const failed = await api.call<{ run: WireRun }>('PATCH', `/api/v1/runs/${runId}`, { status: 'FAILED' });
    expect(failed.body.run.endTime).toBe(ended.body.run.endTime);
    const other = await run(exp);
    const renamed = await api.call<{ run: WireRun }>('PATCH', `/api/v1/runs/${other.runId}`, { status: 'RUNNING' });
    expect(renamed.body.run.endTime).toBeNull();
  });

  it('keeps the latest metric value when an older point arrives later', async () => {
    const exp = await experiment('runs-latest');
    const { runId } = await run(exp);
    await api.call('POST', `/api/v1/runs/${runId}/batch`, {
      metrics: [{ key: 'm', value: 2, step: 5, timestamp: 50 }],
    });
    await api.call('POST', `/api/v1/runs/${runId}/batch`, {
      metrics: [{ key: 'm', value: 1, step: 4, timestamp: 99 }],
    });
    const { body } = await api.call<{ run: WireRun }>('GET', `/api/v1/runs/${runId}`);
    expect(body.run.metrics).toEqual([{ key: 'm', value: 2, step: 5, timestamp: 50 }]);
  });

  it('refuses to change a param and rejects a bad batch whole', async () => {
    const exp = await experiment('runs-atomic');
    const { runId } = await run(exp);
    await api.call('POST', `/api/v1/runs/${runId}/batch`, { params: { lr: '0.1' } });
    // Same value again is fine (a retry); a different value is not.
    expect((await api.call('POST', `/api/v1/runs/${runId}/batch`, { params: { lr: '0.1' } })).status).toBe(200);
    const changed = await api.call<{ error_code: string; message: string }>('POST', `/api/v1/runs/${runId}/batch`, {
      params: { lr: '0.2', momentum: '0.9' },
      metrics: [{ key: 'loss', value: 1, step: 0 }],
      tags: { note: 'x' },
    });
    expect(changed.status).toBe(400);
    expect(changed.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(changed.body.message).toContain('Changing param values is not allowed');

    const badMetric = await api.call<{ message: string }>('POST', `/api/v1/runs/${runId}/batch`, {
      metrics: [
        { key: 'loss', value: 1, step: 0 },
        { key: 'loss', value: 'x', step: 1 },
      ],
      tags: { note: 'y' },
    });
    expect(badMetric.status).toBe(400);
    expect(badMetric.body.message).toContain('metrics[1].value');

    const badKey = await api.call<{ message: string }>('POST', `/api/v1/runs/${runId}/batch`, {
      metrics: [{ key: 'a'.repeat(251), value: 1 }],
    });
    expect(badKey.status).toBe(400);

    const { body } = await api.call<{ run: WireRun }>('GET', `/api/v1/runs/${runId}`);
    expect(body.run.params).toEqual({ lr: '0.1' });
    expect(body.run.metrics).toEqual([]);
    expect(body.run.tags.note).toBeUndefined();
  });

  it('stores a 10,000-point batch in one request', async () => {
    const exp = await experiment('runs-big');
    const { runId } = await run(exp);
    const metrics = Array.from({ length: 10_000 }, (_, i) => ({
      key: 'loss',
      value: 1 / (i + 1),
      step: i,
      timestamp: 1 + i,
    }));
    const logged = await api.call('POST', `/api/v1/runs/${runId}/batch`, { metrics });
    expect(logged.status).toBe(200);
    const history = await api.call<{ metrics: unknown[] }>(
      'GET',
      `/api/v1/runs/${runId}/metric-history?key=loss&maxResults=25000`,
    );
    expect(history.body.metrics).toHaveLength(10_000);
    const tooMany = await api.call('POST', `/api/v1/runs/${runId}/batch`, {
      metrics: [...metrics, { key: 'loss', value: 0, step: 10_001 }],
    });
    expect(tooMany.status).toBe(400);
  });

  it('makes a retried batch idempotent', async () => {
    const exp = await experiment('runs-retry');
    const { runId } = await run(exp);
    const batch = { metrics: [{ key: 'loss', value: 0.25, step: 1, timestamp: 10 }] };
    await api.call('POST', `/api/v1/runs/${runId}/batch`, batch);
    await api.call('POST', `/api/v1/runs/${runId}/batch`, batch);
    const history = await api.call<{ metrics: unknown[] }>('GET', `/api/v1/runs/${runId}/metric-history?key=loss`);
    expect(history.body.metrics).toHaveLength(1);
  });

  it('deletes and restores runs; deleted runs refuse writes', async () => {
    const exp = await experiment('runs-lifecycle');
    const { runId } = await run(exp);
    expect((await api.call('DELETE', `/api/v1/runs/${runId}`)).status).toBe(200);
    const write = await api.call('POST', `/api/v1/runs/${runId}/batch`, { tags: { a: 'b' } });
    expect(write.status).toBe(409);
    // A batch of metrics only is refused the same way and leaves no point behind; to a run that never was, 404.
    const points = { metrics: [{ key: 'loss', value: 0.5, step: 1, timestamp: 1 }] };
    const refused = await api.call('POST', `/api/v1/runs/${runId}/batch`, points);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error_code: 'INVALID_STATE' });
    const missing = await api.call('POST', `/api/v1/runs/${'e'.repeat(32)}/batch`, points);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
    const active = await api.call<{ runs: WireRun[] }>('POST', '/api/v1/runs/search', { experimentIds: [exp] });
    expect(active.body.runs).toHaveLength(0);
    const deleted = await api.call<{ runs: WireRun[] }>('POST', '/api/v1/runs/search', {
      experimentIds: [exp],
      viewType: 'DELETED_ONLY',
    });
    expect(deleted.body.runs.map((r) => r.runId)).toEqual([runId]);
    expect((await api.call('POST', `/api/v1/runs/${runId}/restore`)).status).toBe(200);
    expect((await api.call('POST', `/api/v1/runs/${runId}/batch`, { tags: { a: 'b' } })).status).toBe(200);
    const restored = await api.call<{ run: WireRun }>('GET', `/api/v1/runs/${runId}`);
    expect(restored.body.run.metrics).toEqual([]);
    expect((await api.call('POST', `/api/v1/runs/${runId}/batch`, points)).status).toBe(200);
    expect((await api.call<{ run: WireRun }>('GET', `/api/v1/runs/${runId}`)).body.run.metrics).toMatchObject([
      { key: 'loss', value: 0.5, step: 1 },
    ]);
  });

  it('records parent runs, tags and dataset inputs', async () => {
    const exp = await experiment('runs-links');
    const parent = await run(exp, { runName: 'sweep' });
    const child = await run(exp, { parentRunId: parent.runId });
    expect(child.parentRunId).toBe(parent.runId);
    const orphan = await api.call('POST', '/api/v1/runs', { experimentId: exp, parentRunId: 'f'.repeat(32) });
    expect(orphan.status).toBe(404);

    const withInputs = await api.call<{ run: WireRun }>('POST', `/api/v1/runs/${child.runId}/inputs`, {
      datasets: [
        {
          name: 'imagenet-mini',
          digest: 'abc123',
          sourceType: 'local',
          source: '{"uri": "/data/imagenet"}',
          tags: { 'mlflow.data.context': 'training' },
        },
      ],
    });
    expect(withInputs.body.run.inputs).toMatchObject([
      { name: 'imagenet-mini', digest: 'abc123', tags: { 'mlflow.data.context': 'training' } },
    ]);
    expect((await api.call('DELETE', `/api/v1/runs/${child.runId}/tags/missing`)).status).toBe(404);
    await api.call('POST', `/api/v1/runs/${child.runId}/batch`, { tags: { temp: '1' } });
    expect((await api.call('DELETE', `/api/v1/runs/${child.runId}/tags/temp`)).status).toBe(204);
  });

  it('answers unknown runs and experiments with 404 and bad requests with 400', async () => {
    const unknown = await api.call('GET', `/api/v1/runs/${'0'.repeat(32)}`);
    expect(unknown).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    const noExperiment = await api.call('POST', '/api/v1/runs', { experimentId: '999' });
    expect(noExperiment.status).toBe(404);
    const badStatus = await api.call('PATCH', `/api/v1/runs/${'0'.repeat(32)}`, { status: 'DONE' });
    expect(badStatus.status).toBe(400);
    const huge = await api.call('POST', '/api/v1/experiments', { name: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
    const notJson = await fetch(`${api.url}/api/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(notJson.status).toBe(400);
  });
});
