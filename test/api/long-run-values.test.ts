import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { WireRun } from '../../src/sdk/wire/shapes.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

/**
 * MLflow lets a param value run to 6,000 characters and a tag value to 8,000. Random text barely compresses, so
 * such a value is far larger than what one entry of a PostgreSQL B-tree may hold: values that long must be stored,
 * read back and found by an equality filter on both databases like any other.
 */
const randomText = (length: number): string => randomBytes(length).toString('base64').slice(0, length);

describe.each(backends)('param and tag values at their MLflow size limits on $name', (backend) => {
  const api = useTestServer(backend);
  const shared = randomText(1_000);
  // Two values alike in their first thousand characters, so only the whole value tells them apart.
  const paramA = shared + randomText(5_000);
  const paramB = shared + randomText(5_000);
  const tagA = randomText(8_000);
  let experimentId: string;
  let runA: string;
  let runB: string;

  beforeAll(async () => {
    const created = await api.call<{ experiment_id: string }>('POST', '/api/2.0/mlflow/experiments/create', {
      name: 'long-values',
    });
    experimentId = created.body.experiment_id;
    const start = async (name: string) => {
      const run = await api.call<{ run: { info: { run_id: string } } }>('POST', '/api/2.0/mlflow/runs/create', {
        experiment_id: experimentId,
        run_name: name,
      });
      expect(run.status).toBe(200);
      return run.body.run.info.run_id;
    };
    runA = await start('a');
    runB = await start('b');
  });

  it('stores the longest values through every write route', async () => {
    const param = await api.call('POST', '/api/2.0/mlflow/runs/log-parameter', {
      run_id: runA,
      key: 'prompt',
      value: paramA,
    });
    expect(param.status).toBe(200);
    const tag = await api.call('POST', '/api/2.0/mlflow/runs/set-tag', {
      run_id: runA,
      key: 'transcript',
      value: tagA,
    });
    expect(tag.status).toBe(200);
    const batch = await api.call('POST', `/api/v1/runs/${runB}/batch`, {
      params: { prompt: paramB },
      tags: { transcript: randomText(8_000) },
    });
    expect(batch.status).toBe(200);

    const { body } = await api.call<{ run: WireRun }>('GET', `/api/v1/runs/${runA}`);
    expect(body.run.params.prompt).toBe(paramA);
    expect(body.run.tags.transcript).toBe(tagA);
  });

  it('finds a run by equality on a whole long value', async () => {
    const search = (filter: string) =>
      api.call<{ runs?: { info: { run_id: string } }[] }>('POST', '/api/2.0/mlflow/runs/search', {
        experiment_ids: [experimentId],
        filter,
      });
    const byParam = await search(`params.prompt = '${paramB}'`);
    expect(byParam.status).toBe(200);
    expect(byParam.body.runs?.map((r) => r.info.run_id)).toEqual([runB]);
    const byTag = await search(`tags.transcript = '${tagA}'`);
    expect(byTag.body.runs?.map((r) => r.info.run_id)).toEqual([runA]);
    const none = await search(`params.prompt = '${shared}'`);
    expect(none.body.runs ?? []).toEqual([]);
  });
});
