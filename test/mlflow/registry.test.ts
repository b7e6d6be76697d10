import { describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { mlflowCalls, newRun } from './support/mlflow-calls.js';

type KeyValue = { key: string; value: string };
interface Version {
  name: string;
  version: string;
  current_stage: string;
  source: string;
  run_id?: string;
  status: string;
  description?: string;
  tags?: KeyValue[];
  aliases?: string[];
}
interface Model {
  name: string;
  description?: string;
  latest_versions?: Version[];
  tags?: KeyValue[];
  aliases?: { alias: string; version: string }[];
}

describe.each(backends)('MLflow model registry API on $name', (backend) => {
  const api = useTestServer(backend);
  const mlflow = mlflowCalls(api);

  /** A run with a model directory uploaded through the artifact proxy, as mlflow.log_model leaves it. */
  async function runWithModel(name: string): Promise<string> {
    const { experimentId, runId } = await newRun(api, name);
    const response = await fetch(
      `${api.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/model/MLmodel`,
      { method: 'PUT', body: 'flavors: {}' },
    );
    expect(response.status).toBe(200);
    return runId;
  }

  async function createVersion(name: string, runId: string, extra: Record<string, unknown> = {}): Promise<Version> {
    const { status, body } = await mlflow.post<{ model_version: Version }>('model-versions/create', {
      name,
      source: `runs:/${runId}/model`,
      run_id: runId,
      ...extra,
    });
    expect(status, JSON.stringify(body)).toBe(200);
    return body.model_version;
  }

  it('creates, reads, updates, renames and deletes a registered model', async () => {
    const created = await mlflow.post<{ registered_model: Model }>('registered-models/create', {
      name: 'reg/lifecycle',
      description: 'first',
      tags: [{ key: 'team', value: 'risk' }],
    });
    expect(created.status).toBe(200);
    expect(created.body.registered_model).toEqual({
      name: 'reg/lifecycle',
      creation_timestamp: expect.any(Number),
      last_updated_timestamp: expect.any(Number),
      description: 'first',
      tags: [{ key: 'team', value: 'risk' }],
    });
    const duplicate = await mlflow.post('registered-models/create', { name: 'reg/lifecycle' });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body).toMatchObject({ error_code: 'RESOURCE_ALREADY_EXISTS' });

    const updated = await mlflow.patch<{ registered_model: Model }>('registered-models/update', {
      name: 'reg/lifecycle',
      description: 'second',
    });
    expect(updated.body.registered_model.description).toBe('second');
    const renamed = await mlflow.post<{ registered_model: Model }>('registered-models/rename', {
      name: 'reg/lifecycle',
      new_name: 'reg/renamed',
    });
    expect(renamed.body.registered_model.name).toBe('reg/renamed');
    const old = await mlflow.get('registered-models/get', { name: 'reg/lifecycle' });
    expect(old.status).toBe(404);
    expect(old.body).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: 'Registered Model with name=reg/lifecycle not found',
    });
    const got = await mlflow.get<{ registered_model: Model }>('registered-models/get', { name: 'reg/renamed' });
    expect(got.body.registered_model.description).toBe('second');

    expect((await mlflow.delete('registered-models/delete', { name: 'reg/renamed' })).body).toEqual({});
    expect((await mlflow.get('registered-models/get', { name: 'reg/renamed' })).status).toBe(404);
    for (const reply of [
      await mlflow.delete('registered-models/delete', { name: 'reg/renamed' }),
      await mlflow.patch('registered-models/update', { name: 'reg/none', description: 'x' }),
      await mlflow.post('registered-models/rename', { name: 'reg/none', new_name: 'reg/other' }),
      await mlflow.post('registered-models/set-tag', { name: 'reg/none', key: 'k', value: 'v' }),
      await mlflow.post('registered-models/get-latest-versions', { name: 'reg/none' }),
    ]) {
      expect(reply.status).toBe(404);
      expect(reply.body).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
    }
    expect((await mlflow.post('registered-models/create', {})).status).toBe(400);
    expect((await mlflow.post('registered-models/create', { name: 'reg/x', colour: 1 })).status).toBe(400);
  });

  it('sets and deletes registered model tags', async () => {
    await mlflow.post('registered-models/create', { name: 'reg/tags' });
    expect((await mlflow.post('registered-models/set-tag', { name: 'reg/tags', key: 'k', value: 'v' })).body).toEqual(
      {},
    );
    const tagged = await mlflow.get<{ registered_model: Model }>('registered-models/get', { name: 'reg/tags' });
    expect(tagged.body.registered_model.tags).toEqual([{ key: 'k', value: 'v' }]);
    expect((await mlflow.delete('registered-models/delete-tag', { name: 'reg/tags', key: 'k' })).body).toEqual({});
    const untagged = await mlflow.get<{ registered_model: Model }>('registered-models/get', { name: 'reg/tags' });
    expect(untagged.body.registered_model).not.toHaveProperty('tags');
    const bad = await mlflow.post('registered-models/set-tag', { name: 'reg/tags', key: 'bad key!', value: 'v' });
    expect(bad.status).toBe(400);
    const unknown = await mlflow.delete('registered-models/delete-tag', { name: 'reg/none', key: 'k' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
  });

  it('registers versions from a run, tags them, moves stages and reports the latest per stage', async () => {
    const runId = await runWithModel('reg/versions-run');
    await mlflow.post('registered-models/create', { name: 'reg/versions' });
    const first = await createVersion('reg/versions', runId, {
      description: 'first',
      tags: [{ key: 'candidate', value: 'true' }],
    });
    expect(first).toEqual({
      name: 'reg/versions',
      version: '1',
      creation_timestamp: expect.any(Number),
      last_updated_timestamp: expect.any(Number),
      current_stage: 'None',
      description: 'first',
      source: `runs:/${runId}/model`,
      run_id: runId,
      status: 'READY',
      tags: [{ key: 'candidate', value: 'true' }],
      run_link: '',
    });
    const second = await createVersion('reg/versions', runId);
    expect(second.version).toBe('2');

    await mlflow.post('model-versions/set-tag', { name: 'reg/versions', version: '1', key: 'qa', value: 'passed' });
    const moved = await mlflow.post<{ model_version: Version }>('model-versions/transition-stage', {
      name: 'reg/versions',
      version: '1',
      stage: 'Production',
      archive_existing_versions: false,
    });
    expect(moved.body.model_version.current_stage).toBe('Production');
    expect(moved.body.model_version.tags).toContainEqual({ key: 'qa', value: 'passed' });
    await mlflow.post('model-versions/transition-stage', {
      name: 'reg/versions',
      version: 2,
      stage: 'production',
      archive_existing_versions: true,
    });
    const v1 = await mlflow.get<{ model_version: Version }>('model-versions/get', {
      name: 'reg/versions',
      version: '1',
    });
    expect(v1.body.model_version.current_stage).toBe('Archived');

    const latest = await mlflow.post<{ model_versions: Version[] }>('registered-models/get-latest-versions', {
      name: 'reg/versions',
      stages: ['Production'],
    });
    expect(latest.body.model_versions.map((v) => v.version)).toEqual(['2']);
    const latestByGet = await mlflow.get<{ model_versions: Version[] }>('registered-models/get-latest-versions', {
      name: 'reg/versions',
    });
    expect(latestByGet.body.model_versions.map((v) => [v.version, v.current_stage])).toEqual([
      ['1', 'Archived'],
      ['2', 'Production'],
    ]);
    const model = await mlflow.get<{ registered_model: Model }>('registered-models/get', { name: 'reg/versions' });
    expect(model.body.registered_model.latest_versions?.map((v) => v.version)).toEqual(['1', '2']);

    const badStage = await mlflow.post('model-versions/transition-stage', {
      name: 'reg/versions',
      version: '1',
      stage: 'NotAStage',
      archive_existing_versions: false,
    });
    expect(badStage.status).toBe(400);
    expect(badStage.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    const noVersion = await mlflow.get('model-versions/get', { name: 'reg/versions', version: '9' });
    expect(noVersion.status).toBe(404);
    const notANumber = await mlflow.get('model-versions/get', { name: 'reg/versions', version: 'one' });
    expect(notANumber.status).toBe(400);

    expect(
      (await mlflow.delete('model-versions/delete-tag', { name: 'reg/versions', version: '1', key: 'qa' })).body,
    ).toEqual({});
    const untagged = await mlflow.get<{ model_version: Version }>('model-versions/get', {
      name: 'reg/versions',
      version: '1',
    });
    expect(untagged.body.model_version.tags).toEqual([{ key: 'candidate', value: 'true' }]);
    const untagMissing = await mlflow.delete('model-versions/delete-tag', {
      name: 'reg/versions',
      version: '7',
      key: 'qa',
    });
    expect(untagMissing.status).toBe(404);
    const badTag = await mlflow.post('model-versions/set-tag', {
      name: 'reg/versions',
      version: '1',
      key: '',
      value: 'v',
    });
    expect(badTag.status).toBe(400);
    const tagMissing = await mlflow.post('model-versions/set-tag', {
      name: 'reg/versions',
      version: '7',
      key: 'k',
      value: 'v',
    });
    expect(tagMissing.status).toBe(404);
  });

  it('updates, deletes and downloads versions', async () => {
    const runId = await runWithModel('reg/update-run');
    await mlflow.post('registered-models/create', { name: 'reg/update' });
    await createVersion('reg/update', runId);
    const updated = await mlflow.patch<{ model_version: Version }>('model-versions/update', {
      name: 'reg/update',
      version: '1',
      description: 'tuned',
    });
    expect(updated.body.model_version.description).toBe('tuned');
    const uri = await mlflow.get('model-versions/get-download-uri', { name: 'reg/update', version: '1' });
    expect(uri.body).toEqual({ artifact_uri: `runs:/${runId}/model` });
    expect((await mlflow.delete('model-versions/delete', { name: 'reg/update', version: '1' })).body).toEqual({});
    expect((await mlflow.get('model-versions/get', { name: 'reg/update', version: '1' })).status).toBe(404);
    expect((await mlflow.delete('model-versions/delete', { name: 'reg/update', version: '1' })).status).toBe(404);
    const next = await createVersion('reg/update', runId);
    expect(next.version).toBe('2');
    expect((await mlflow.get('model-versions/get-download-uri', { name: 'reg/none', version: '1' })).status).toBe(404);
    expect(
      (await mlflow.patch('model-versions/update', { name: 'reg/update', version: '5', description: 'x' })).status,
    ).toBe(404);
  });

  it('serves a version’s registered files and nothing else', async () => {
    const runId = await runWithModel('reg/files-run');
    await mlflow.post('registered-models/create', { name: 'reg/files' });
    await createVersion('reg/files', runId);
    await createVersion('reg/files', runId, { source: `runs:/${runId}/model/MLmodel` });
    const read = (version: string, path: string) =>
      fetch(
        `${api.url}/ajax-api/2.0/mlflow/model-versions/get-artifact?${new URLSearchParams({ name: 'reg/files', version, path })}`,
      );
    for (const version of ['1', '2']) {
      const file = await read(version, 'MLmodel');
      expect(file.status, version).toBe(200);
      expect(file.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await file.text()).toBe('flavors: {}');
    }
    // A file added to the run after registration is not part of the version.
    await fetch(
      `${api.url}/api/2.0/mlflow-artifacts/artifacts/${await experimentOf(runId)}/${runId}/artifacts/model/late.txt`,
      {
        method: 'PUT',
        body: 'late',
      },
    );
    expect((await read('1', 'late.txt')).status).toBe(404);
    for (const path of ['../MLmodel', '../../../../etc/passwd', '/etc/passwd', '%2e%2e/MLmodel']) {
      const reply = await read('1', path);
      expect(reply.status, path).toBe(400);
    }
    expect((await read('9', 'MLmodel')).status).toBe(404);
  });

  async function experimentOf(runId: string): Promise<string> {
    const { body } = await mlflow.get<{ run: { info: { experiment_id: string } } }>('runs/get', { run_id: runId });
    return body.run.info.experiment_id;
  }

  it('sets, resolves and deletes aliases', async () => {
    const runId = await runWithModel('reg/alias-run');
    await mlflow.post('registered-models/create', { name: 'reg/alias' });
    await createVersion('reg/alias', runId);
    expect(
      (await mlflow.post('registered-models/alias', { name: 'reg/alias', alias: 'champion', version: '1' })).body,
    ).toEqual({});
    const resolved = await mlflow.get<{ model_version: Version }>('registered-models/alias', {
      name: 'reg/alias',
      alias: 'champion',
    });
    expect(resolved.body.model_version).toMatchObject({ version: '1', aliases: ['champion'] });
    const model = await mlflow.get<{ registered_model: Model }>('registered-models/get', { name: 'reg/alias' });
    expect(model.body.registered_model.aliases).toEqual([{ alias: 'champion', version: '1' }]);

    for (const [alias, version] of [
      ['latest', '1'],
      ['v2', '1'],
      ['bad alias', '1'],
    ]) {
      const reply = await mlflow.post('registered-models/alias', { name: 'reg/alias', alias, version });
      expect(reply.status, alias).toBe(400);
    }
    const missingVersion = await mlflow.post('registered-models/alias', {
      name: 'reg/alias',
      alias: 'x',
      version: '9',
    });
    expect(missingVersion.status).toBe(404);

    expect((await mlflow.delete('registered-models/alias', { name: 'reg/alias', alias: 'champion' })).body).toEqual({});
    const gone = await mlflow.get('registered-models/alias', { name: 'reg/alias', alias: 'champion' });
    expect(gone.status).toBe(404);
    const again = await mlflow.delete('registered-models/alias', { name: 'reg/alias', alias: 'champion' });
    expect(again.status).toBe(404);
  });

  it('searches registered models and versions with MLflow’s filters and paging', async () => {
    const runId = await runWithModel('reg/search-run');
    for (const name of ['search/a', 'search/b', 'search/c']) {
      await mlflow.post('registered-models/create', { name });
      await createVersion(name, runId);
    }
    const models = await mlflow.get<{ registered_models: Model[]; next_page_token?: string }>(
      'registered-models/search',
      { filter: "name LIKE 'search/%'", max_results: '2', order_by: 'name DESC' },
    );
    expect(models.body.registered_models.map((m) => m.name)).toEqual(['search/c', 'search/b']);
    expect(models.body.registered_models[0]?.latest_versions?.map((v) => v.version)).toEqual(['1']);
    const rest = await mlflow.get<{ registered_models: Model[]; next_page_token?: string }>(
      'registered-models/search',
      {
        filter: "name LIKE 'search/%'",
        max_results: '2',
        order_by: 'name DESC',
        page_token: models.body.next_page_token!,
      },
    );
    expect(rest.body.registered_models.map((m) => m.name)).toEqual(['search/a']);
    expect(rest.body).not.toHaveProperty('next_page_token');

    const versions = await mlflow.get<{ model_versions: Version[] }>('model-versions/search', {
      filter: `run_id = '${runId}'`,
      max_results: '10000',
    });
    expect(versions.body.model_versions.map((v) => v.name).sort()).toEqual(['search/a', 'search/b', 'search/c']);
    const none = await mlflow.get('model-versions/search', { filter: "name = 'search/none'" });
    expect(none.body).toEqual({});
    for (const reply of [
      await mlflow.get('model-versions/search', { max_results: '200001' }),
      await mlflow.get('model-versions/search', { filter: 'name >>> 1' }),
      await mlflow.get('registered-models/search', { filter: 'colour = 1' }),
      await mlflow.get('registered-models/search', { max_results: '1001' }),
    ]) {
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    }
  });

  it('refuses model version sources outside the artifact root and registers nothing', async () => {
    const runId = await runWithModel('reg/source-run');
    await mlflow.post('registered-models/create', { name: 'reg/source' });
    for (const source of [
      'file:///etc/',
      '/etc/passwd',
      's3://other-bucket/model',
      'http:///#/../../etc/',
      'mlflow-artifacts:/../outside',
      'mlflow-artifacts://other-host/model',
      `runs:/${runId}/../../../../outside`,
      `runs:/${runId}/%2e%2e/%2e%2e/outside`,
      'mlflow-artifacts:/%252e%252e/outside',
    ]) {
      const reply = await mlflow.post('model-versions/create', { name: 'reg/source', source });
      expect(reply.status, source).toBe(400);
      expect(reply.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    }
    const unknownRun = await mlflow.post('model-versions/create', {
      name: 'reg/source',
      source: `runs:/${'f'.repeat(32)}/model`,
    });
    expect(unknownRun.status).toBe(404);
    const latest = await mlflow.post('registered-models/get-latest-versions', { name: 'reg/source' });
    expect(latest.body).toEqual({});
  });
});
