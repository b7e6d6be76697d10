import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import type { VerificationReport } from '../../src/domain/provenance/verification-report.js';
import { openStore } from '../../src/store/open-store.js';
import { useProvenanceServer } from '../provenance/support/provenance-server.js';
import { backends } from '../support/backends.js';
import { type Body, mlflowCalls } from './support/mlflow-calls.js';

type ModelJson = {
  info: {
    model_id: string;
    name: string;
    status: string;
    artifact_uri: string;
    source_run_id: string;
    tags?: { key: string; value: string }[];
  };
  data: { params?: { key: string; value: string }[]; metrics?: Body[] };
};

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe.each(backends)('MLflow 3 LoggedModels on $name', (backend) => {
  const api = useProvenanceServer(backend);
  const mlflow = mlflowCalls(api);

  const ok = async <T = Body>(reply: Promise<{ status: number; body: T }>): Promise<T> => {
    const { status, body } = await reply;
    expect(status, JSON.stringify(body)).toBe(200);
    return body;
  };
  const put = (path: string, text: string) =>
    fetch(`${api.url}/api/2.0/mlflow-artifacts/artifacts/${path}`, { method: 'PUT', body: text });
  const folderOf = (model: ModelJson) => model.info.artifact_uri.replace('mlflow-artifacts:/', '');
  const verify = async () =>
    JSON.parse((await auditVerify({ backendStoreUri: api.backendUri, json: true })).stdout) as VerificationReport;

  async function experimentWithRun(name: string) {
    const { experiment_id } = await ok(mlflow.post<{ experiment_id: string }>('experiments/create', { name }));
    const { run } = await ok(
      mlflow.post<{ run: { info: { run_id: string } } }>('runs/create', {
        experiment_id,
        start_time: 1_700_000_000_000,
      }),
    );
    return { experimentId: experiment_id, runId: run.info.run_id };
  }
  async function logModel(experimentId: string, body: Body): Promise<ModelJson> {
    return (await ok(mlflow.post<{ model: ModelJson }>('logged-models', { experiment_id: experimentId, ...body })))
      .model;
  }

  it('takes a model from pending to ready with its files, tags and params, and deletes it', async () => {
    const { experimentId, runId } = await experimentWithRun('lm-lifecycle');
    const model = await logModel(experimentId, {
      name: 'tree',
      source_run_id: runId,
      params: [{ key: 'depth', value: '3' }],
      tags: [{ key: 'team', value: 'a' }],
    });
    expect(model.info.model_id).toMatch(/^m-[0-9a-f]{32}$/);
    expect(model.info).toMatchObject({ name: 'tree', status: 'LOGGED_MODEL_PENDING', source_run_id: runId });
    expect(model.info.artifact_uri).toBe(`mlflow-artifacts:/${experimentId}/models/${model.info.model_id}/artifacts`);
    const id = model.info.model_id;

    expect((await put(`${folderOf(model)}/MLmodel`, 'flavors: {}\n')).status).toBe(200);
    expect((await put(`${folderOf(model)}/sub/weights.bin`, 'w')).status).toBe(200);
    const listing = await ok(
      mlflow.get<{ root_uri: string; files: Body[] }>(`logged-models/${id}/artifacts/directories`),
    );
    expect(listing.root_uri).toBe(model.info.artifact_uri);
    expect(listing.files).toEqual(
      expect.arrayContaining([
        { path: 'MLmodel', is_dir: false, file_size: 12 },
        { path: 'sub', is_dir: true },
      ]),
    );
    // The native API reports the sha256 recorded at upload.
    const native = await api.call<{ loggedModel: { files: { path: string; sha256: string | null }[] } }>(
      'GET',
      `/api/v1/logged-models/${id}`,
    );
    expect(native.body.loggedModel.files).toContainEqual(
      expect.objectContaining({ path: 'MLmodel', sha256: sha('flavors: {}\n') }),
    );

    const ready = await ok(
      mlflow.patch<{ model: ModelJson }>(`logged-models/${id}`, { model_id: id, status: 'LOGGED_MODEL_READY' }),
    );
    expect(ready.model.info.status).toBe('LOGGED_MODEL_READY');
    const back = await mlflow.patch(`logged-models/${id}`, { status: 'LOGGED_MODEL_PENDING' });
    expect(back.status).toBe(400);
    const otherId = await mlflow.patch(`logged-models/${id}`, {
      model_id: `m-${'0'.repeat(32)}`,
      status: 'LOGGED_MODEL_READY',
    });
    expect(otherId.status).toBe(400);

    await ok(mlflow.patch(`logged-models/${id}/tags`, { tags: [{ key: 'stage', value: 'candidate' }] }));
    await ok(mlflow.delete(`logged-models/${id}/tags/team`, undefined));
    expect((await mlflow.delete(`logged-models/${id}/tags/team`, undefined)).status).toBe(404);
    await ok(mlflow.post(`logged-models/${id}/params`, { params: [{ key: 'lr', value: '0.1' }] }));
    expect((await mlflow.post(`logged-models/${id}/params`, { params: [{ key: 'depth', value: '4' }] })).status).toBe(
      400,
    );
    const got = (await ok(mlflow.get<{ model: ModelJson }>(`logged-models/${id}`))).model;
    expect(got.info.tags).toEqual([{ key: 'stage', value: 'candidate' }]);
    expect(got.data.params).toEqual([
      { key: 'depth', value: '3' },
      { key: 'lr', value: '0.1' },
    ]);

    // The run lists the model it produced, over both APIs.
    await ok(mlflow.post('runs/outputs', { run_id: runId, models: [{ model_id: id, step: 7 }] }));
    const run = await ok(mlflow.get<{ run: Body }>('runs/get', { run_id: runId }));
    expect(run.run.outputs).toEqual({ model_outputs: [{ model_id: id, step: 7 }] });
    const produced = await api.call<{ loggedModels: { modelId: string }[] }>(
      'GET',
      `/api/v1/runs/${runId}/logged-models`,
    );
    expect(produced.body.loggedModels.map((m) => m.modelId)).toEqual([id]);

    expect((await mlflow.get(`logged-models/m-${'f'.repeat(32)}`)).status).toBe(404);
    expect((await mlflow.get('logged-models/not-an-id')).status).toBe(400);
    await ok(mlflow.delete(`logged-models/${id}`, { model_id: id }));
    expect((await mlflow.get(`logged-models/${id}`)).status).toBe(404);
    const search = await ok(
      mlflow.post<{ models?: ModelJson[] }>('logged-models/search', { experiment_ids: [experimentId] }),
    );
    expect(search.models).toBeUndefined();
    expect((await verify()).problems).toEqual([]);
  });

  it('searches by metrics of a dataset, params, tags and attributes, in the asked order, a page at a time', async () => {
    const { experimentId, runId } = await experimentWithRun('lm-search');
    const models: Record<string, string> = {};
    const specs = [
      { name: 'tree-a', lr: '0.1', team: 'a', eval: 0.9, train: 0.5 },
      { name: 'tree-b', lr: '0.2', team: 'b', eval: 0.7, train: 0.99 },
      { name: 'forest', lr: '0.1', team: 'b', eval: 0.8, train: 0.6 },
    ];
    for (const spec of specs) {
      const model = await logModel(experimentId, {
        name: spec.name,
        source_run_id: runId,
        params: [{ key: 'lr', value: spec.lr }],
        tags: [{ key: 'team', value: spec.team }],
      });
      models[spec.name] = model.info.model_id;
      for (const [dataset, value] of [
        ['eval-set', spec.eval],
        ['train-set', spec.train],
      ] as const) {
        await ok(
          mlflow.post('runs/log-metric', {
            run_id: runId,
            key: 'acc',
            value,
            timestamp: 1_700_000_000_100,
            step: 0,
            model_id: model.info.model_id,
            dataset_name: dataset,
            dataset_digest: `${dataset}-d1`,
          }),
        );
      }
    }
    await ok(mlflow.patch(`logged-models/${models['tree-a']}`, { status: 'LOGGED_MODEL_READY' }));
    const names = async (body: Body) => {
      const reply = await ok(
        mlflow.post<{ models?: ModelJson[]; next_page_token?: string }>('logged-models/search', {
          experiment_ids: [experimentId],
          ...body,
        }),
      );
      return (reply.models ?? []).map((m) => m.info.name);
    };
    // Without a dataset, a metric compares with every dataset's value.
    expect((await names({ filter: 'metrics.acc > 0.95' })).sort()).toEqual(['tree-b']);
    expect(await names({ filter: 'metrics.acc > 0.95', datasets: [{ dataset_name: 'eval-set' }] })).toEqual([]);
    expect(
      (
        await names({
          filter: 'metrics.acc >= 0.8',
          datasets: [{ dataset_name: 'eval-set', dataset_digest: 'eval-set-d1' }],
        })
      ).sort(),
    ).toEqual(['forest', 'tree-a']);
    expect(await names({ filter: "params.lr = '0.1' AND tags.team = 'b'" })).toEqual(['forest']);
    expect((await names({ filter: "name LIKE 'tree%'" })).sort()).toEqual(['tree-a', 'tree-b']);
    expect(await names({ filter: "status = 'LOGGED_MODEL_READY'" })).toEqual(['tree-a']);
    expect(await names({ filter: 'params.missing IS NULL AND metrics.acc < 0.55' })).toEqual(['tree-a']);
    expect(
      await names({ order_by: [{ field_name: 'metrics.acc', ascending: false, dataset_name: 'eval-set' }] }),
    ).toEqual(['tree-a', 'forest', 'tree-b']);
    expect(
      await names({ order_by: [{ field_name: 'metrics.acc', ascending: true, dataset_name: 'train-set' }] }),
    ).toEqual(['tree-a', 'forest', 'tree-b']);
    expect(await names({ order_by: [{ field_name: 'name' }] })).toEqual(['forest', 'tree-a', 'tree-b']);

    // Paging: one model a page, in order, until the token runs out.
    const paged: string[] = [];
    let token: string | undefined;
    do {
      const reply = await ok(
        mlflow.post<{ models?: ModelJson[]; next_page_token?: string }>('logged-models/search', {
          experiment_ids: [experimentId],
          order_by: [{ field_name: 'name', ascending: false }],
          max_results: 1,
          ...(token ? { page_token: token } : {}),
        }),
      );
      paged.push(...(reply.models ?? []).map((m) => m.info.name));
      token = reply.next_page_token;
    } while (token);
    expect(paged).toEqual(['tree-b', 'tree-a', 'forest']);

    // The model keeps the latest point per dataset, with the run and dataset it was logged for.
    const a = (await ok(mlflow.get<{ model: ModelJson }>(`logged-models/${models['tree-a']}`))).model;
    expect(a.data.metrics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'acc', value: 0.9, dataset_name: 'eval-set', run_id: runId }),
        expect.objectContaining({ key: 'acc', value: 0.5, dataset_name: 'train-set', run_id: runId }),
      ]),
    );

    for (const bad of [
      { filter: 'metrics.acc >' },
      { filter: "attributes.bogus = 'x'" },
      { order_by: [{ field_name: 'bogus' }] },
      { max_results: 0 },
    ]) {
      const reply = await mlflow.post('logged-models/search', { experiment_ids: [experimentId], ...bad });
      expect(reply.status, JSON.stringify(bad)).toBe(400);
      expect(reply.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    }
    const wrongModel = await mlflow.post('runs/log-metric', {
      run_id: runId,
      key: 'acc',
      value: 1,
      model_id: `m-${'a'.repeat(32)}`,
    });
    expect(wrongModel.status).toBe(404);
    expect((await verify()).problems).toEqual([]);
  });

  it('registers a version from models:/<id> with the model’s files, run and lineage, and serves it by alias', async () => {
    const { experimentId, runId } = await experimentWithRun('lm-registry');
    const model = await logModel(experimentId, { name: 'clf', source_run_id: runId });
    const id = model.info.model_id;
    await put(`${folderOf(model)}/MLmodel`, 'flavors: {}\n');
    await put(`${folderOf(model)}/model.pkl`, 'pickle-bytes');
    await ok(mlflow.post('registered-models/create', { name: 'clf-model' }));
    // A model whose files are still uploading cannot be frozen into a version.
    const pending = await mlflow.post('model-versions/create', {
      name: 'clf-model',
      source: `models:/${id}`,
      model_id: id,
    });
    expect(pending.status).toBe(400);
    await ok(mlflow.patch(`logged-models/${id}`, { status: 'LOGGED_MODEL_READY' }));
    const mismatch = await mlflow.post('model-versions/create', {
      name: 'clf-model',
      source: `models:/${id}`,
      model_id: `m-${'b'.repeat(32)}`,
    });
    expect(mismatch.status).toBe(400);

    const { model_version } = await ok(
      mlflow.post<{ model_version: Body }>('model-versions/create', {
        name: 'clf-model',
        source: `models:/${id}`,
        model_id: id,
      }),
    );
    expect(model_version).toMatchObject({ version: '1', source: `models:/${id}`, run_id: runId });
    const native = await api.call<{ modelVersion: Body }>('GET', '/api/v1/registered-models/clf-model/versions/1');
    expect(native.body.modelVersion).toMatchObject({ loggedModelId: id, fileCount: 2, sourceWithoutFiles: false });
    const tagged = (await ok(mlflow.get<{ model: ModelJson }>(`logged-models/${id}`))).model;
    expect(tagged.info.tags).toContainEqual({
      key: 'mlflow.modelVersions',
      value: '[{"name": "clf-model", "version": 1}]',
    });

    // The registered files never change: the model's folder refuses writes from now on.
    expect((await put(`${folderOf(model)}/model.pkl`, 'swapped')).status).toBe(400);

    // models:/clf-model@prod → version → its files through the proxy.
    await ok(mlflow.post('registered-models/alias', { name: 'clf-model', alias: 'prod', version: '1' }));
    const byAlias = await ok(
      mlflow.get<{ model_version: Body }>('registered-models/alias', { name: 'clf-model', alias: 'prod' }),
    );
    const { artifact_uri } = await ok(
      mlflow.get<{ artifact_uri: string }>('model-versions/get-download-uri', {
        name: 'clf-model',
        version: String(byAlias.model_version.version),
      }),
    );
    expect(artifact_uri).toBe(model.info.artifact_uri);
    const pkl = await fetch(`${api.url}/api/2.0/mlflow-artifacts/artifacts/${folderOf(model)}/model.pkl`);
    expect(await pkl.text()).toBe('pickle-bytes');

    // Lineage: run —produced→ logged model —derived_from→ version, and run —produced→ version.
    const upstream = await api.call<{ nodes: { id: string }[]; edges: { from: string; to: string; type: string }[] }>(
      'GET',
      `/api/v1/lineage/upstream?nodeId=${encodeURIComponent('model_version:clf-model/1')}`,
    );
    expect(upstream.status, JSON.stringify(upstream.body)).toBe(200);
    const edges = upstream.body.edges.map((e) => `${e.from} ${e.type} ${e.to}`);
    expect(edges).toEqual(
      expect.arrayContaining([
        `run:${runId} produced logged_model:${id}`,
        expect.stringMatching(new RegExp(`^logged_model:${id} derived_from model_version:`)),
        expect.stringMatching(new RegExp(`^run:${runId} produced model_version:`)),
      ]),
    );
    expect((await verify()).problems).toEqual([]);
  });

  it('registers a source without files as MLflow does, flagged for completeness and policies', async () => {
    await ok(mlflow.post('registered-models/create', { name: 'hollow' }));
    const created = await ok(
      mlflow.post<{ model_version: Body }>('model-versions/create', {
        name: 'hollow',
        source: 'mlflow-artifacts:/0/not-uploaded',
      }),
    );
    expect(created.model_version).toMatchObject({ version: '1', status: 'READY' });
    const native = await api.call<{ modelVersion: Body }>('GET', '/api/v1/registered-models/hollow/versions/1');
    expect(native.body.modelVersion).toMatchObject({ sourceWithoutFiles: true, fileCount: 0 });
    // Completeness counts the missing files against the version.
    const completeness = await api.call<{ linked: Record<string, boolean>; missing: string[]; score: number }>(
      'GET',
      '/api/v1/lineage/model-versions/hollow/1/completeness',
    );
    expect(completeness.body.linked.files).toBe(false);
    expect(completeness.body.missing).toContain('files');
    expect((await verify()).problems).toEqual([]);
  });

  it('reports a logged model, its file or its run link edited behind the log', async () => {
    const { experimentId, runId } = await experimentWithRun('lm-tamper');
    const model = await logModel(experimentId, {
      name: 'victim',
      source_run_id: runId,
      tags: [{ key: 'k', value: 'v' }],
    });
    const id = model.info.model_id;
    await put(`${folderOf(model)}/MLmodel`, 'flavors: {}\n');
    await ok(mlflow.post('runs/outputs', { run_id: runId, models: [{ model_id: id, step: 1 }] }));
    expect((await verify()).problems).toEqual([]);
    const store = await openStore(api.backendUri);
    try {
      const tamper = async (edit: () => Promise<unknown>, undo: () => Promise<unknown>, message: RegExp) => {
        await edit();
        const report = await verify();
        expect(report.problems.map((p) => p.message)).toEqual([expect.stringMatching(message)]);
        await undo();
        expect((await verify()).problems).toEqual([]);
      };
      const tag = () => store.db.updateTable('logged_model_tags').where('model_id', '=', id);
      await tamper(
        () => tag().set({ value: 'forged' }).execute(),
        () => tag().set({ value: 'v' }).execute(),
        new RegExp(`logged model ${id} .*changed`),
      );
      const status = () => store.db.updateTable('logged_models').where('model_id', '=', id);
      await tamper(
        () => status().set({ status: 'LOGGED_MODEL_READY' }).execute(),
        () => status().set({ status: 'LOGGED_MODEL_PENDING' }).execute(),
        /status/,
      );
      const file = () => store.db.updateTable('logged_model_files').where('model_id', '=', id);
      await tamper(
        () =>
          file()
            .set({ sha256: sha('forged') })
            .execute(),
        () =>
          file()
            .set({ sha256: sha('flavors: {}\n') })
            .execute(),
        /file 'MLmodel' of logged model .*changed/,
      );
      const link = () => store.db.updateTable('run_model_links').where('model_id', '=', id);
      await tamper(
        () => link().set({ step: 99 }).execute(),
        () => link().set({ step: 1 }).execute(),
        /produced logged model .*changed/,
      );
    } finally {
      await store.close();
    }
  });
});
