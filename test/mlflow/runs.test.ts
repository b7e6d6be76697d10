import { describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { mlflowCalls } from './support/mlflow-calls.js';

interface RunInfo {
  run_id: string;
  run_uuid: string;
  experiment_id: string;
  run_name: string;
  status: string;
  start_time: number;
  end_time?: number;
  artifact_uri: string;
  lifecycle_stage: string;
}
interface Run {
  info: RunInfo;
  data: { tags?: { key: string; value: string }[]; params?: unknown[]; metrics?: unknown[] };
  inputs?: Record<string, unknown>;
}
type RunReply = { run: Run };
type SearchReply = { runs?: Run[]; next_page_token?: string };

describe.each(backends)('MLflow runs API on $name', (backend) => {
  const api = useTestServer(backend);
  const mlflow = mlflowCalls(api);

  async function experiment(name: string): Promise<string> {
    const { body } = await mlflow.post<{ experiment_id: string }>('experiments/create', { name });
    return body.experiment_id;
  }

  async function createRun(experimentId: string, extra: Record<string, unknown> = {}): Promise<Run> {
    const { status, body } = await mlflow.post<RunReply>('runs/create', { experiment_id: experimentId, ...extra });
    expect(status, JSON.stringify(body)).toBe(200);
    return body.run;
  }

  it('creates a run the way the client does and answers in MLflow’s shape', async () => {
    const exp = await experiment('runs/shape');
    const run = await createRun(exp, {
      user_id: 'ana',
      run_name: 'baseline',
      start_time: 1_700_000_000_123,
      tags: [
        { key: 'mlflow.user', value: 'ana' },
        { key: 'kind', value: 'train' },
      ],
    });
    const id = run.info.run_id;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    // runs/create answers as MLflow 3 does: empty `inputs`, no `outputs`, and with no metrics or params the data
    // holds only tags.
    expect(run).toEqual({
      info: {
        run_uuid: id,
        experiment_id: exp,
        run_name: 'baseline',
        user_id: 'ana',
        status: 'RUNNING',
        start_time: 1_700_000_000_123,
        artifact_uri: `mlflow-artifacts:/${exp}/${id}/artifacts`,
        lifecycle_stage: 'active',
        run_id: id,
      },
      data: {
        tags: expect.arrayContaining([
          { key: 'mlflow.user', value: 'ana' },
          { key: 'kind', value: 'train' },
          { key: 'mlflow.runName', value: 'baseline' },
        ]),
      },
      inputs: {},
    });
    expect(run.data.tags).toHaveLength(3);
    const got = await mlflow.get<RunReply>('runs/get', { run_id: id });
    expect(got.body.run).toEqual({ ...run, inputs: {}, outputs: {} });
    const byUuid = await mlflow.get<RunReply>('runs/get', { run_uuid: id });
    expect(byUuid.body.run.info.run_id).toBe(id);
  });

  it('takes start_time as a string too, and names a run that has no name', async () => {
    const run = await createRun(await experiment('runs/defaults'), { start_time: '1700000000999' });
    expect(run.info.start_time).toBe(1_700_000_000_999);
    expect(run.info.run_name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
  });

  it('refuses runs in unknown or deleted experiments', async () => {
    const unknown = await mlflow.post('runs/create', { experiment_id: '999999' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
    const exp = await experiment('runs/deleted-experiment');
    await mlflow.post('experiments/delete', { experiment_id: exp });
    const deleted = await mlflow.post('runs/create', { experiment_id: exp });
    expect(deleted.status).toBe(400);
    const missing = await mlflow.post('runs/create', { run_name: 'x' });
    expect(missing.status).toBe(400);
    const badTime = await mlflow.post('runs/create', { experiment_id: exp, start_time: -1 });
    expect(badTime.status).toBe(400);
  });

  it('reads runs by run_id or run_uuid and answers 404 or 400 otherwise', async () => {
    const unknown = await mlflow.get('runs/get', { run_id: 'f'.repeat(32) });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: `Run with id=${'f'.repeat(32)} not found`,
    });
    const neither = await mlflow.get('runs/get');
    expect(neither.status).toBe(400);
    expect(neither.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
  });

  it('updates status, end time and name, answering with run_info', async () => {
    const run = await createRun(await experiment('runs/update'));
    const id = run.info.run_id;
    const updated = await mlflow.post<{ run_info: RunInfo }>('runs/update', {
      run_uuid: id,
      run_id: id,
      status: 'FINISHED',
      end_time: 1_700_000_001_000,
      run_name: 'renamed',
    });
    expect(updated.status).toBe(200);
    expect(updated.body.run_info).toMatchObject({
      run_id: id,
      status: 'FINISHED',
      end_time: 1_700_000_001_000,
      run_name: 'renamed',
    });
    const got = await mlflow.get<RunReply>('runs/get', { run_id: id });
    expect(got.body.run.data.tags).toContainEqual({ key: 'mlflow.runName', value: 'renamed' });

    const badStatus = await mlflow.post('runs/update', { run_id: id, status: 'DONE' });
    expect(badStatus.status).toBe(400);
    const unknown = await mlflow.post('runs/update', { run_id: 'f'.repeat(32), status: 'FAILED' });
    expect(unknown.status).toBe(404);
    const after = await mlflow.get<RunReply>('runs/get', { run_id: id });
    expect(after.body.run.info.status).toBe('FINISHED');
  });

  it('deletes and restores runs; deleted runs leave active searches and refuse logging', async () => {
    const exp = await experiment('runs/lifecycle');
    const run = await createRun(exp);
    const id = run.info.run_id;
    expect((await mlflow.post('runs/delete', { run_id: id })).body).toEqual({});
    const got = await mlflow.get<RunReply>('runs/get', { run_id: id });
    expect(got.body.run.info.lifecycle_stage).toBe('deleted');
    expect((await mlflow.post<SearchReply>('runs/search', { experiment_ids: [exp] })).body).toEqual({});
    const deletedOnly = await mlflow.post<SearchReply>('runs/search', {
      experiment_ids: [exp],
      run_view_type: 'DELETED_ONLY',
    });
    expect(deletedOnly.body.runs?.map((r) => r.info.run_id)).toEqual([id]);
    const logged = await mlflow.post('runs/log-parameter', { run_id: id, key: 'k', value: 'v' });
    expect(logged.status).toBe(400);
    expect((await mlflow.post('runs/restore', { run_id: id })).body).toEqual({});
    const all = await mlflow.post<SearchReply>('runs/search', { experiment_ids: [exp], run_view_type: 'ALL' });
    expect(all.body.runs?.[0]?.info.lifecycle_stage).toBe('active');
    expect((await mlflow.post('runs/delete', { run_id: 'f'.repeat(32) })).status).toBe(404);
    expect((await mlflow.post('runs/restore', { run_id: 'f'.repeat(32) })).status).toBe(404);
  });

  it('searches runs with MLflow’s filter language, ordering and page tokens', async () => {
    const exp = await experiment('runs/search');
    for (const [name, lr, acc] of [
      ['a', '0.1', 0.7],
      ['b', '0.01', 0.9],
      ['c', '0.01', 0.8],
    ] as const) {
      const run = await createRun(exp, { run_name: name });
      await mlflow.post('runs/log-batch', {
        run_id: run.info.run_id,
        params: [{ key: 'lr', value: lr }],
        metrics: [{ key: 'acc', value: acc, timestamp: 1, step: 0 }],
      });
    }
    const filtered = await mlflow.post<SearchReply>('runs/search', {
      experiment_ids: [exp],
      filter: "params.lr = '0.01' and metrics.acc > 0.5",
      order_by: ['metrics.acc DESC'],
    });
    expect(filtered.body.runs?.map((r) => r.info.run_name)).toEqual(['b', 'c']);
    expect(filtered.body.runs?.[0]?.data).toMatchObject({
      params: [{ key: 'lr', value: '0.01' }],
      metrics: [{ key: 'acc', value: 0.9, timestamp: 1, step: 0 }],
    });

    const pages: string[] = [];
    let token: string | undefined;
    do {
      const page: { body: SearchReply } = await mlflow.post<SearchReply>('runs/search', {
        experiment_ids: [exp],
        order_by: ['attributes.run_name ASC'],
        max_results: 2,
        ...(token ? { page_token: token } : {}),
      });
      pages.push(...(page.body.runs ?? []).map((r) => r.info.run_name));
      token = page.body.next_page_token;
    } while (token);
    expect(pages).toEqual(['a', 'b', 'c']);

    const ilike = await mlflow.post<SearchReply>('runs/search', {
      experiment_ids: [exp],
      filter: "attributes.run_name ILIKE 'B%'",
    });
    expect(ilike.body.runs?.map((r) => r.info.run_name)).toEqual(['b']);
    expect((await mlflow.post('runs/search', { experiment_ids: [] })).body).toEqual({});
  });

  it('refuses bad run searches with 400 INVALID_PARAMETER_VALUE', async () => {
    for (const body of [
      { experiment_ids: ['0'], filter: 'metrics.val_acc >>> 1' },
      { experiment_ids: ['0'], max_results: 50_001 },
      { experiment_ids: ['0'], page_token: '%%%' },
      { experiment_ids: ['0'], order_by: ['metrics.acc SIDEWAYS'] },
      { experiment_ids: '0' },
    ]) {
      const reply = await mlflow.post('runs/search', body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    }
  });
});
