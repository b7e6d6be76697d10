import { describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { mlflowCalls, newRun } from './support/mlflow-calls.js';

type KeyValue = { key: string; value: string };
type Metric = { key: string; value: number | string; timestamp: number; step: number };
interface RunReply {
  run: {
    data: { metrics?: Metric[]; params?: KeyValue[]; tags?: KeyValue[] };
    inputs: { dataset_inputs?: { tags?: KeyValue[]; dataset: Record<string, string> }[] };
  };
}
type HistoryReply = { metrics?: Metric[]; next_page_token?: string };

describe.each(backends)('MLflow run logging API on $name', (backend) => {
  const api = useTestServer(backend);
  const mlflow = mlflowCalls(api);
  const getRun = async (runId: string) => (await mlflow.get<RunReply>('runs/get', { run_id: runId })).body.run;

  it('logs metrics including NaN and infinities, reporting them as MLflow 2.9 does', async () => {
    const { runId } = await newRun(api, 'log/metrics');
    const points: [string, number | string][] = [
      ['loss', 0.5],
      ['diverged', 'NaN'],
      ['overflow', '-Infinity'],
      ['ceiling', 'Infinity'],
      ['as_text', '1.25'],
    ];
    for (const [key, value] of points) {
      const reply = await mlflow.post('runs/log-metric', {
        run_id: runId,
        run_uuid: runId,
        key,
        value,
        timestamp: 1000,
        step: 3,
      });
      expect(reply.status, key).toBe(200);
      expect(reply.body).toEqual({});
    }
    const metrics = (await getRun(runId)).data.metrics ?? [];
    const byKey = Object.fromEntries(metrics.map((m) => [m.key, m]));
    expect(byKey.loss).toEqual({ key: 'loss', value: 0.5, timestamp: 1000, step: 3 });
    expect(byKey.diverged?.value).toBe('NaN');
    expect(byKey.overflow?.value).toBe(-1.7976931348623157e308);
    expect(byKey.ceiling?.value).toBe(1.7976931348623157e308);
    expect(byKey.as_text?.value).toBe(1.25);
  });

  it('refuses a non-numeric metric value with 400 and stores nothing', async () => {
    const { runId } = await newRun(api, 'log/bad-metric');
    for (const value of ['x', '', '1.2.3', true, null]) {
      const reply = await mlflow.post('runs/log-metric', { run_id: runId, key: 'm', value, timestamp: 1 });
      expect(reply.status, String(value)).toBe(400);
      expect(reply.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    }
    const bad = await mlflow.post('runs/log-metric', { run_id: runId, key: 'bad key!', value: 1, timestamp: 1 });
    expect(bad.status).toBe(400);
    expect((await getRun(runId)).data).not.toHaveProperty('metrics');
    const unknown = await mlflow.post('runs/log-metric', { run_id: 'f'.repeat(32), key: 'm', value: 1, timestamp: 1 });
    expect(unknown.status).toBe(404);
  });

  it('logs a parameter once and refuses to change its value', async () => {
    const { runId } = await newRun(api, 'log/params');
    expect((await mlflow.post('runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' })).status).toBe(200);
    expect((await mlflow.post('runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' })).status).toBe(200);
    const changed = await mlflow.post<{ message: string }>('runs/log-parameter', {
      run_uuid: runId,
      key: 'lr',
      value: '0.2',
    });
    expect(changed.status).toBe(400);
    expect(changed.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    expect(changed.body.message).toMatch(/^Changing param values is not allowed/);
    expect((await getRun(runId)).data.params).toEqual([{ key: 'lr', value: '0.1' }]);
    const long = await mlflow.post('runs/log-parameter', { run_id: runId, key: 'long', value: 'v'.repeat(6001) });
    expect(long.status).toBe(400);
    const noRun = await mlflow.post('runs/log-parameter', { key: 'k', value: 'v' });
    expect(noRun.status).toBe(400);
  });

  it('accepts exactly one value when the same param is logged with different values at once', async () => {
    const { runId } = await newRun(api, 'log/params-race');
    const values = Array.from({ length: 30 }, (_, i) => String(i));
    const replies = await Promise.all(
      values.map((value) => mlflow.post('runs/log-parameter', { run_id: runId, key: 'seed', value })),
    );
    const accepted = values.filter((_, i) => replies[i]?.status === 200);
    expect(accepted).toHaveLength(1);
    expect(replies.filter((r) => r.status === 400)).toHaveLength(values.length - 1);
    expect((await getRun(runId)).data.params).toEqual([{ key: 'seed', value: accepted[0] }]);
  });

  it('sets and deletes run tags; deleting a missing tag is a 404', async () => {
    const { runId } = await newRun(api, 'log/tags');
    await mlflow.post('runs/set-tag', { run_id: runId, key: 'note', value: 'first' });
    await mlflow.post('runs/set-tag', { run_id: runId, key: 'note', value: 'second' });
    expect((await getRun(runId)).data.tags).toContainEqual({ key: 'note', value: 'second' });
    expect((await mlflow.post('runs/delete-tag', { run_id: runId, key: 'note' })).body).toEqual({});
    expect((await getRun(runId)).data.tags?.map((t) => t.key)).not.toContain('note');
    const again = await mlflow.post('runs/delete-tag', { run_id: runId, key: 'note' });
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
    const tooLong = await mlflow.post('runs/set-tag', { run_id: runId, key: 'k', value: 'v'.repeat(8001) });
    expect(tooLong.status).toBe(400);
  });

  it('logs a batch atomically and keeps the latest value of each metric', async () => {
    const { runId } = await newRun(api, 'log/batch');
    const reply = await mlflow.post('runs/log-batch', {
      run_id: runId,
      metrics: [0.1, 0.05, 0.02].map((value, step) => ({ key: 'lr', value, timestamp: 10 + step, step })),
      params: [
        { key: 'model', value: 'resnet18' },
        { key: 'seed', value: '7' },
      ],
      tags: [{ key: 'phase', value: 'warmup' }],
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({});
    const data = (await getRun(runId)).data;
    expect(data.metrics).toEqual([{ key: 'lr', value: 0.02, timestamp: 12, step: 2 }]);
    expect(data.params).toEqual([
      { key: 'model', value: 'resnet18' },
      { key: 'seed', value: '7' },
    ]);
    expect(data.tags).toContainEqual({ key: 'phase', value: 'warmup' });

    const bad = await mlflow.post('runs/log-batch', {
      run_id: runId,
      metrics: [
        { key: 'fine', value: 1, timestamp: 1, step: 0 },
        { key: 'broken', value: 'x', timestamp: 1, step: 0 },
      ],
      params: [{ key: 'other', value: '1' }],
    });
    expect(bad.status).toBe(400);
    const after = (await getRun(runId)).data;
    expect(after.metrics?.map((m) => m.key)).toEqual(['lr']);
    expect(after.params?.map((p) => p.key)).toEqual(['model', 'seed']);
  });

  it('enforces MLflow’s batch limits: 1000 metrics, 100 params, 100 tags, 1000 items in all', async () => {
    const { runId } = await newRun(api, 'log/limits');
    const metrics = (n: number) =>
      Array.from({ length: n }, (_, step) => ({ key: 'm', value: step, timestamp: 1, step }));
    const pairs = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: 'v' }));
    const refused = [
      { metrics: metrics(1001) },
      { params: pairs('p', 101) },
      { tags: pairs('t', 101) },
      { metrics: metrics(900), params: pairs('p', 60), tags: pairs('t', 60) },
    ];
    for (const batch of refused) {
      const reply = await mlflow.post<{ message: string }>('runs/log-batch', { run_id: runId, ...batch });
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
      expect(reply.body.message).toContain('A batch logging request can contain at most');
    }
    expect((await getRun(runId)).data).not.toHaveProperty('params');
    const full = await mlflow.post('runs/log-batch', { run_id: runId, metrics: metrics(1000) });
    expect(full.status).toBe(200);
    const atLimits = await mlflow.post('runs/log-batch', {
      run_id: runId,
      metrics: metrics(800),
      params: pairs('p', 100),
      tags: pairs('t', 100),
    });
    expect(atLimits.status).toBe(200);
    const history = await mlflow.get<HistoryReply>('metrics/get-history', { run_id: runId, metric_key: 'm' });
    expect(history.body.metrics).toHaveLength(1000);
    const empty = await mlflow.post('runs/log-batch', { run_id: 'f'.repeat(32) });
    expect(empty.status).toBe(404);
  });

  it('pages through a metric’s history in step order', async () => {
    const { runId } = await newRun(api, 'log/history');
    await mlflow.post('runs/log-batch', {
      run_id: runId,
      metrics: [4, 0, 3, 1, 2].map((step) => ({ key: 'loss', value: 1 / (step + 1), timestamp: 100 + step, step })),
    });
    await mlflow.post('runs/log-metric', { run_id: runId, key: 'loss', value: 'Infinity', timestamp: 200, step: 5 });
    const seen: Metric[] = [];
    let token: string | undefined;
    do {
      const page: { status: number; body: HistoryReply } = await mlflow.get<HistoryReply>('metrics/get-history', {
        run_id: runId,
        run_uuid: runId,
        metric_key: 'loss',
        max_results: '2',
        ...(token ? { page_token: token } : {}),
      });
      expect(page.status).toBe(200);
      seen.push(...(page.body.metrics ?? []));
      token = page.body.next_page_token;
    } while (token);
    expect(seen.map((m) => m.step)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(seen[0]).toEqual({ key: 'loss', value: 1, timestamp: 100, step: 0 });
    expect(seen[5]?.value).toBe(1.7976931348623157e308);

    expect((await mlflow.get('metrics/get-history', { run_id: runId, metric_key: 'nothing' })).body).toEqual({});
    const unknown = await mlflow.get('metrics/get-history', { run_id: 'f'.repeat(32), metric_key: 'loss' });
    expect(unknown.status).toBe(404);
    const noKey = await mlflow.get('metrics/get-history', { run_id: runId });
    expect(noKey.status).toBe(400);
    const badToken = await mlflow.get('metrics/get-history', { run_id: runId, metric_key: 'loss', page_token: 'zz' });
    expect(badToken.status).toBe(400);
  });

  it('logs dataset inputs and shows them under run.inputs', async () => {
    const { runId } = await newRun(api, 'log/inputs');
    const dataset = { name: 'iris', digest: 'abc123', source_type: 'local', source: '{"uri": "/data/iris.csv"}' };
    const reply = await mlflow.post('runs/log-inputs', {
      run_id: runId,
      datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset }],
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({});
    const run = await getRun(runId);
    expect(run.inputs).toEqual({
      dataset_inputs: [{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset }],
    });
    const noName = await mlflow.post('runs/log-inputs', {
      run_id: runId,
      datasets: [{ dataset: { ...dataset, name: '' } }],
    });
    expect(noName.status).toBe(400);
    const unknown = await mlflow.post('runs/log-inputs', { run_id: 'f'.repeat(32), datasets: [{ dataset }] });
    expect(unknown.status).toBe(404);
  });

  it('keeps every model of concurrent log-model calls in the history', async () => {
    const { runId } = await newRun(api, 'log/model-concurrent');
    const paths = Array.from({ length: 12 }, (_, i) => `model-${i}`);
    const replies = await Promise.all(
      paths.map((artifact_path) =>
        mlflow.post('runs/log-model', {
          run_id: runId,
          model_json: JSON.stringify({ artifact_path, flavors: {}, utc_time_created: 't', run_id: runId }),
        }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(paths.map(() => 200));
    const tag = (await getRun(runId)).data.tags?.find((t) => t.key === 'mlflow.log-model.history');
    const logged = (JSON.parse(tag?.value ?? '[]') as { artifact_path: string }[]).map((m) => m.artifact_path);
    expect(logged.sort()).toEqual([...paths].sort());
  });

  it('appends logged models to the mlflow.log-model.history tag and records the change in the audit log', async () => {
    const { runId } = await newRun(api, 'log/model');
    const model = (path: string) => ({
      artifact_path: path,
      flavors: { python_function: { loader_module: 'mlflow.sklearn' } },
      utc_time_created: '2024-01-01 00:00:00.000000',
      run_id: runId,
      signature: { inputs: '[]' },
    });
    for (const path of ['model', 'model-v2']) {
      const reply = await mlflow.post('runs/log-model', { run_id: runId, model_json: JSON.stringify(model(path)) });
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({});
    }
    const tag = (await getRun(runId)).data.tags?.find((t) => t.key === 'mlflow.log-model.history');
    const history = JSON.parse(tag?.value ?? '[]') as Record<string, unknown>[];
    expect(history.map((m) => m.artifact_path)).toEqual(['model', 'model-v2']);
    expect(history[0]).not.toHaveProperty('signature');
    expect(history[0]).toMatchObject({ flavors: { python_function: { loader_module: 'mlflow.sklearn' } } });
    const audited = await api.server.store.db
      .selectFrom('audit_events')
      .select('action')
      .where('entity_id', '=', runId)
      .where('action', '=', 'run.log_model')
      .execute();
    expect(audited).toHaveLength(2);

    const missing = await mlflow.post<{ message: string }>('runs/log-model', {
      run_id: runId,
      model_json: JSON.stringify({ artifact_path: 'x' }),
    });
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('flavors');
    expect((await mlflow.post('runs/log-model', { run_id: runId, model_json: '{not json' })).status).toBe(400);
    expect((await mlflow.post('runs/log-model', { run_id: runId, model_json: '[1]' })).status).toBe(400);
    const unknown = await mlflow.post('runs/log-model', {
      run_id: 'f'.repeat(32),
      model_json: JSON.stringify(model('m')),
    });
    expect(unknown.status).toBe(404);
  });
});
