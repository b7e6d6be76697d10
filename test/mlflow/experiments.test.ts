import { describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { mlflowCalls } from './support/mlflow-calls.js';

interface Experiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: string;
  tags?: { key: string; value: string }[];
}
type ExperimentReply = { experiment: Experiment };
type SearchReply = { experiments?: Experiment[]; next_page_token?: string };

describe.each(backends)('MLflow experiments API on $name', (backend) => {
  const api = useTestServer(backend);
  const mlflow = mlflowCalls(api);

  async function create(name: string, extra: Record<string, unknown> = {}): Promise<string> {
    const { status, body } = await mlflow.post<{ experiment_id: string }>('experiments/create', { name, ...extra });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(Object.keys(body)).toEqual(['experiment_id']);
    return body.experiment_id;
  }

  it('creates an experiment and reads it by id and by name in MLflow’s shape', async () => {
    const id = await create('exp/shape', { tags: [{ key: 'team', value: 'vision' }] });
    const byId = await mlflow.get<ExperimentReply>('experiments/get', { experiment_id: id });
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual({
      experiment: {
        experiment_id: id,
        name: 'exp/shape',
        artifact_location: `mlflow-artifacts:/${id}`,
        lifecycle_stage: 'active',
        last_update_time: expect.any(Number),
        creation_time: expect.any(Number),
        tags: [{ key: 'team', value: 'vision' }],
      },
    });
    const byName = await mlflow.get<ExperimentReply>('experiments/get-by-name', { experiment_name: 'exp/shape' });
    expect(byName.body).toEqual(byId.body);
  });

  it('leaves tags out of an experiment that has none, as protobuf’s JSON does', async () => {
    const id = await create('exp/untagged');
    const { body } = await mlflow.get<ExperimentReply>('experiments/get', { experiment_id: id });
    expect(body.experiment).not.toHaveProperty('tags');
  });

  it('refuses a duplicate name with 400 RESOURCE_ALREADY_EXISTS and stores nothing', async () => {
    await create('exp/dup');
    const again = await mlflow.post('experiments/create', { name: 'exp/dup', tags: [{ key: 'a', value: 'b' }] });
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ error_code: 'RESOURCE_ALREADY_EXISTS' });
    const found = await mlflow.post<SearchReply>('experiments/search', { filter: "name = 'exp/dup'" });
    expect(found.body.experiments).toHaveLength(1);
    expect(found.body.experiments![0]).not.toHaveProperty('tags');
  });

  it('answers 404 RESOURCE_DOES_NOT_EXIST for unknown ids and names', async () => {
    for (const reply of [
      await mlflow.get('experiments/get', { experiment_id: '999999' }),
      await mlflow.get('experiments/get-by-name', { experiment_name: 'no such experiment' }),
      await mlflow.post('experiments/update', { experiment_id: '999999', new_name: 'x' }),
      await mlflow.post('experiments/delete', { experiment_id: '999999' }),
      await mlflow.post('experiments/restore', { experiment_id: '999999' }),
      await mlflow.post('experiments/set-experiment-tag', { experiment_id: '999999', key: 'k', value: 'v' }),
    ]) {
      expect(reply.status).toBe(404);
      expect(reply.body).toEqual({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: expect.any(String) });
    }
  });

  it('renames an experiment, and refuses a name another experiment has', async () => {
    const id = await create('exp/old-name');
    await create('exp/taken');
    expect((await mlflow.post('experiments/update', { experiment_id: id, new_name: 'exp/new-name' })).body).toEqual({});
    const renamed = await mlflow.get<ExperimentReply>('experiments/get', { experiment_id: id });
    expect(renamed.body.experiment.name).toBe('exp/new-name');
    const clash = await mlflow.post('experiments/update', { experiment_id: id, new_name: 'exp/taken' });
    expect(clash.status).toBe(400);
    expect(clash.body).toMatchObject({ error_code: 'RESOURCE_ALREADY_EXISTS' });
    const unchanged = await mlflow.get<ExperimentReply>('experiments/get', { experiment_id: id });
    expect(unchanged.body.experiment.name).toBe('exp/new-name');
  });

  it('deletes and restores an experiment; a deleted one cannot be renamed and only deleted ones restored', async () => {
    const id = await create('exp/lifecycle');
    expect((await mlflow.post('experiments/delete', { experiment_id: id })).body).toEqual({});
    const deleted = await mlflow.get<ExperimentReply>('experiments/get', { experiment_id: id });
    expect(deleted.body.experiment.lifecycle_stage).toBe('deleted');
    const active = await mlflow.post<SearchReply>('experiments/search', { filter: "name = 'exp/lifecycle'" });
    expect(active.body).toEqual({});
    const onlyDeleted = await mlflow.post<SearchReply>('experiments/search', {
      filter: "name = 'exp/lifecycle'",
      view_type: 'DELETED_ONLY',
    });
    expect(onlyDeleted.body.experiments?.map((e) => e.experiment_id)).toEqual([id]);
    const rename = await mlflow.post('experiments/update', { experiment_id: id, new_name: 'exp/other' });
    expect(rename.status).toBe(400);
    expect(rename.body).toMatchObject({ error_code: 'INVALID_STATE' });
    const tag = await mlflow.post('experiments/set-experiment-tag', { experiment_id: id, key: 'k', value: 'v' });
    expect(tag.status).toBe(400);
    expect(tag.body).toMatchObject({ error_code: 'INVALID_STATE' });

    expect((await mlflow.post('experiments/restore', { experiment_id: id })).status).toBe(200);
    const restored = await mlflow.get<ExperimentReply>('experiments/get', { experiment_id: id });
    expect(restored.body.experiment.lifecycle_stage).toBe('active');
    expect(restored.body.experiment).not.toHaveProperty('tags');
    const twice = await mlflow.post('experiments/restore', { experiment_id: id });
    expect(twice.status).toBe(400);
    expect((await mlflow.post('experiments/delete', { experiment_id: '0' })).status).toBe(400);
  });

  it('sets experiment tags, overwriting a key, and refuses invalid keys and values', async () => {
    const id = await create('exp/tags');
    await mlflow.post('experiments/set-experiment-tag', { experiment_id: id, key: 'stage', value: 'draft' });
    await mlflow.post('experiments/set-experiment-tag', { experiment_id: id, key: 'stage', value: 'final' });
    const { body } = await mlflow.get<ExperimentReply>('experiments/get', { experiment_id: id });
    expect(body.experiment.tags).toEqual([{ key: 'stage', value: 'final' }]);
    for (const bad of [
      { key: 'bad key!', value: 'v' },
      { key: 'k'.repeat(251), value: 'v' },
      { key: 'ok', value: 'v'.repeat(8001) },
      { key: '', value: 'v' },
    ]) {
      const reply = await mlflow.post('experiments/set-experiment-tag', { experiment_id: id, ...bad });
      expect(reply.status, bad.key).toBe(400);
      expect(reply.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    }
    const after = await mlflow.get<ExperimentReply>('experiments/get', { experiment_id: id });
    expect(after.body.experiment.tags).toEqual([{ key: 'stage', value: 'final' }]);
  });

  it('searches by POST and by GET with filter, order_by and page tokens', async () => {
    for (const name of ['page/a', 'page/b', 'page/c']) await create(name);
    const first = await mlflow.post<SearchReply>('experiments/search', {
      filter: "name LIKE 'page/%'",
      order_by: ['name DESC'],
      max_results: 2,
    });
    expect(first.body.experiments?.map((e) => e.name)).toEqual(['page/c', 'page/b']);
    expect(first.body.next_page_token).toEqual(expect.any(String));
    const second = await mlflow.get<SearchReply>('experiments/search', {
      filter: "name LIKE 'page/%'",
      order_by: 'name DESC',
      max_results: '2',
      page_token: first.body.next_page_token!,
    });
    expect(second.body.experiments?.map((e) => e.name)).toEqual(['page/a']);
    expect(second.body).not.toHaveProperty('next_page_token');
    const byGet = await mlflow.get<SearchReply>('experiments/search', {
      filter: "name LIKE 'page/%'",
      order_by: ['name ASC'],
    });
    expect(byGet.body.experiments?.map((e) => e.name)).toEqual(['page/a', 'page/b', 'page/c']);
    // Protobuf's JSON lets int64 fields travel as strings; the Java client sends them that way.
    const asString = await mlflow.post<SearchReply>('experiments/search', {
      filter: "name LIKE 'page/%'",
      max_results: '1',
    });
    expect(asString.body.experiments).toHaveLength(1);
  });

  it('refuses bad searches with 400 INVALID_PARAMETER_VALUE', async () => {
    for (const reply of [
      await mlflow.post('experiments/search', { filter: 'name === 1' }),
      await mlflow.post('experiments/search', { max_results: 0 }),
      await mlflow.post('experiments/search', { max_results: 50_001 }),
      await mlflow.post('experiments/search', { page_token: 'not a token' }),
      await mlflow.post('experiments/search', { view_type: 'SOME' }),
      await mlflow.post('experiments/search', { order_by: ['colour DESC'] }),
      await mlflow.get('experiments/search', { max_results: 'ten' }),
    ]) {
      expect(reply.status, JSON.stringify(reply.body)).toBe(400);
      expect(reply.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    }
  });

  it('confines artifact_location to the artifact root and refuses anything else with 400', async () => {
    const id = await create('exp/located', { artifact_location: 'mlflow-artifacts:/teams/vision' });
    const { body } = await mlflow.get<ExperimentReply>('experiments/get', { experiment_id: id });
    expect(body.experiment.artifact_location).toBe('mlflow-artifacts:/teams/vision');
    const refused = [
      'http:///#/../../etc/',
      'file:///etc/',
      '/etc',
      's3://other-bucket',
      'mlflow-artifacts:/../outside',
      'mlflow-artifacts:/a/../../outside',
      'mlflow-artifacts:/%2e%2e/outside',
      'mlflow-artifacts:/%252e%252e/outside',
      'mlflow-artifacts:/a\\..\\..\\outside',
    ];
    for (const [i, location] of refused.entries()) {
      const reply = await mlflow.post('experiments/create', {
        name: `exp/bad-location-${i}`,
        artifact_location: location,
      });
      expect(reply.status, location).toBe(400);
      expect(reply.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
      const notCreated = await mlflow.get('experiments/get-by-name', { experiment_name: `exp/bad-location-${i}` });
      expect(notCreated.status).toBe(404);
    }
  });

  it('refuses ill-formed requests with 400 naming the field', async () => {
    const missing = await mlflow.post<{ message: string }>('experiments/create', {});
    expect(missing.status).toBe(400);
    expect(missing.body.message).toContain('name');
    const wrongType = await mlflow.post<{ message: string }>('experiments/create', { name: 7 });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toContain('body.name');
    const unknown = await mlflow.post<{ message: string }>('experiments/create', { name: 'x', colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('colour');
    const noId = await mlflow.get('experiments/get');
    expect(noId.status).toBe(400);
    expect((await mlflow.post('experiments/create', { name: ' ' })).status).toBe(400);
    expect((await mlflow.post('experiments/create', { name: 'n'.repeat(501) })).status).toBe(400);
  });
});
