import { beforeAll, describe, expect, it } from 'vitest';
import type { WireRun } from '../../src/sdk/wire/shapes.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

type Search = { runs: WireRun[]; nextPageToken?: string };

describe.each(backends)('run search on $name', (backend) => {
  const api = useTestServer(backend);
  let exp: string;

  // Six runs with distinct params, metrics and tags; each case below names the exact runs it expects.
  const seed = [
    { name: 'r1', acc: 0.95, loss: 0.1, optimizer: 'adam', team: 'vision-core', status: 'FINISHED', dataset: 'cifar' },
    { name: 'r2', acc: 0.91, loss: 0.2, optimizer: 'sgd', team: 'vision-edge', status: 'FINISHED', dataset: 'mnist' },
    { name: 'r3', acc: 0.85, loss: 0.3, optimizer: 'adam', team: 'nlp', status: 'FAILED', dataset: 'cifar' },
    { name: 'r4', acc: 0.99, loss: 0.05, optimizer: 'Adam', team: 'Vision-lab', status: 'RUNNING', dataset: null },
    { name: 'r5', acc: null, loss: 0.4, optimizer: 'adam', team: 'vision-core', status: 'FINISHED', dataset: null },
    { name: 'r6', acc: 0.9, loss: null, optimizer: null, team: null, status: 'KILLED', dataset: null },
  ];

  beforeAll(async () => {
    const created = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', {
      name: 'search',
    });
    exp = created.body.experiment.experimentId;
    let start = 1_000;
    for (const r of seed) {
      const { body } = await api.call<{ run: WireRun }>('POST', '/api/v1/runs', {
        experimentId: exp,
        runName: r.name,
        startTime: start++,
      });
      const metrics = [];
      if (r.acc !== null) metrics.push({ key: 'acc', value: r.acc, step: 1 });
      if (r.loss !== null) metrics.push({ key: 'loss', value: r.loss, step: 1 });
      await api.call('POST', `/api/v1/runs/${body.run.runId}/batch`, {
        metrics,
        params: r.optimizer === null ? {} : { optimizer: r.optimizer },
        tags: r.team === null ? {} : { team: r.team },
      });
      if (r.dataset) {
        await api.call('POST', `/api/v1/runs/${body.run.runId}/inputs`, {
          datasets: [{ name: r.dataset, digest: `d-${r.dataset}`, sourceType: 'local', source: '{}' }],
        });
      }
      await api.call('PATCH', `/api/v1/runs/${body.run.runId}`, { status: r.status });
    }
  });

  async function names(filter: string, orderBy?: string[]): Promise<string[]> {
    const { status, body } = await api.call<Search>('POST', '/api/v1/runs/search', {
      experimentIds: [exp],
      filter,
      ...(orderBy ? { orderBy } : {}),
    });
    expect(status).toBe(200);
    return body.runs.map((r) => r.runName);
  }

  it.each([
    ['metrics.acc > 0.9', ['r4', 'r2', 'r1']],
    ['metrics.acc >= 0.91 and metrics.loss < 0.15', ['r4', 'r1']],
    ["params.optimizer = 'adam'", ['r5', 'r3', 'r1']],
    ["params.optimizer != 'adam'", ['r4', 'r2']],
    ["params.optimizer ILIKE 'ADAM'", ['r5', 'r4', 'r3', 'r1']],
    ["tags.team LIKE 'vision%'", ['r5', 'r2', 'r1']],
    ["tags.team ILIKE 'vision%'", ['r5', 'r4', 'r2', 'r1']],
    ["attributes.status = 'FINISHED'", ['r5', 'r2', 'r1']],
    ["attributes.status IN ('FAILED', 'KILLED')", ['r6', 'r3']],
    ["attributes.run_name = 'r3'", ['r3']],
    ['params.optimizer IS NULL', ['r6']],
    ["datasets.name = 'cifar'", ['r3', 'r1']],
    ["metrics.acc > 0.9 and params.optimizer = 'adam' and tags.team LIKE 'vision%'", ['r1']],
    ["tags.team NOT IN ('nlp', 'vision-core')", ['r4', 'r2']],
  ])('filters %s', async (filter, expected) => {
    expect(await names(filter)).toEqual(expected);
  });

  it('orders by metrics with missing values last in both directions', async () => {
    expect(await names('', ['metrics.acc DESC'])).toEqual(['r4', 'r1', 'r2', 'r6', 'r3', 'r5']);
    expect(await names('', ['metrics.acc ASC'])).toEqual(['r3', 'r6', 'r2', 'r1', 'r4', 'r5']);
    expect(await names('', ['params.optimizer ASC', 'attributes.run_name DESC'])).toEqual([
      'r4',
      'r5',
      'r3',
      'r1',
      'r2',
      'r6',
    ]);
  });

  it('returns each run with its dataset inputs whole, same-named datasets apart', async () => {
    const { body: created } = await api.call<{ run: WireRun }>('POST', '/api/v1/runs', {
      experimentId: exp,
      runName: 'inputs',
    });
    const dataset = (name: string, digest: string, context: string) => ({
      name,
      digest,
      sourceType: 'local',
      source: `/data/${name}/${digest}`,
      tags: { 'mlflow.data.context': context },
    });
    const logged = await api.call('POST', `/api/v1/runs/${created.run.runId}/inputs`, {
      datasets: [dataset('train', 'd2', 'b'), dataset('eval', 'd9', 'c'), dataset('train', 'd1', 'a')],
    });
    expect(logged.status).toBe(200);
    try {
      const { body } = await api.call<{ runs: (WireRun & { inputs: unknown[] })[] }>('POST', '/api/v1/runs/search', {
        experimentIds: [exp],
        filter: "attributes.run_name = 'inputs'",
      });
      expect(body.runs[0]!.inputs).toEqual([
        { ...dataset('eval', 'd9', 'c'), schema: null, profile: null },
        { ...dataset('train', 'd1', 'a'), schema: null, profile: null },
        { ...dataset('train', 'd2', 'b'), schema: null, profile: null },
      ]);
    } finally {
      await api.call('DELETE', `/api/v1/runs/${created.run.runId}`);
    }
  });

  it('answers in JSON on both APIs, text beyond ASCII intact', async () => {
    const { body: created } = await api.call<{ run: WireRun }>('POST', '/api/v1/runs', {
      experimentId: exp,
      runName: 'unicode',
    });
    const note = 'précision ✓ 精度 🚀';
    await api.call('POST', `/api/v1/runs/${created.run.runId}/batch`, { params: { note } });
    try {
      for (const [path, body] of [
        ['/api/v1/runs/search', { experimentIds: [exp], filter: "attributes.run_name = 'unicode'" }],
        ['/api/2.0/mlflow/runs/search', { experiment_ids: [exp], filter: "attributes.run_name = 'unicode'" }],
      ] as const) {
        const response = await fetch(`${api.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
        const text = await response.text();
        expect(Number(response.headers.get('content-length'))).toBe(Buffer.byteLength(text));
        expect(text).toContain(note);
      }
    } finally {
      await api.call('DELETE', `/api/v1/runs/${created.run.runId}`);
    }
  });

  it('orders by start time, newest first, by default and pages with tokens', async () => {
    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const { body } = await api.call<Search>('POST', '/api/v1/runs/search', {
        experimentIds: [exp],
        maxResults: 4,
        ...(pageToken ? { pageToken } : {}),
      });
      seen.push(...body.runs.map((r) => r.runName));
      pageToken = body.nextPageToken;
    } while (pageToken);
    expect(seen).toEqual(['r6', 'r5', 'r4', 'r3', 'r2', 'r1']);
  });

  it.each([
    'metrics.acc > abc',
    'metrics.acc > 0.9 or metrics.loss < 1',
    "attributes.color = 'red'",
    "params.lr > 'x' and",
    'tags.team = 5',
  ])('rejects the malformed filter %s with a 400', async (filter) => {
    const { status, body } = await api.call<{ error_code: string; message: string }>('POST', '/api/v1/runs/search', {
      experimentIds: [exp],
      filter,
    });
    expect(status).toBe(400);
    expect(body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(body.message.length).toBeGreaterThan(10);
  });

  it('rejects a forged page token and an unknown order_by', async () => {
    const token = await api.call('POST', '/api/v1/runs/search', { experimentIds: [exp], pageToken: 'garbage!' });
    expect(token.status).toBe(400);
    const order = await api.call('POST', '/api/v1/runs/search', { experimentIds: [exp], orderBy: ['colour DESC'] });
    expect(order.status).toBe(400);
  });

  it('treats filter values as data, never as SQL', async () => {
    expect(await names("params.optimizer = 'adam'' OR 1=1 --'")).toEqual([]);
    expect(await names("tags.team LIKE '%'' or ''1''=''1'")).toEqual([]);
  });
});
