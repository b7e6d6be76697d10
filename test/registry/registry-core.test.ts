import { describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import {
  createRun,
  type ErrorBody,
  type ModelBody,
  modelSource,
  sha256,
  upload,
  type VersionBody,
} from './registry-helpers.js';

type Manifest = { manifestDigest: string; files: { path: string; size: number; sha256: string }[] };
type Transition = { fromStage: string | null; toStage: string; actor: string; reason: string | null; time: number };

describe.each(backends)('model registry core over HTTP on $name', (backend) => {
  const api = useTestServer(backend);

  async function createModel(name: string, extra: Record<string, unknown> = {}) {
    const response = await api.call<{ registeredModel: ModelBody }>('POST', '/api/v1/registered-models', {
      name,
      ...extra,
    });
    expect(response.status).toBe(201);
    return response.body.registeredModel;
  }

  async function createVersion(name: string, body: Record<string, unknown>) {
    return api.call<{ modelVersion: VersionBody }>(
      'POST',
      `/api/v1/registered-models/${encodeURIComponent(name)}/versions`,
      body,
    );
  }

  it('creates a model with its model card, reads it back and refuses a duplicate name', async () => {
    const created = await createModel('fraud-detector', {
      description: 'Scores card transactions',
      ownerTeam: 'risk',
      purpose: 'block fraudulent payments',
      algorithmFamily: 'gradient boosting',
      taskType: 'binary-classification',
      intendedUse: 'online scoring of card payments',
      limitations: 'not validated for wire transfers',
      latencyBudgetMs: 25,
      regulatoryFlags: ['pci-dss', 'gdpr'],
      tags: { domain: 'payments' },
    });
    expect(created).toMatchObject({
      name: 'fraud-detector',
      ownerTeam: 'risk',
      latencyBudgetMs: 25,
      regulatoryFlags: ['gdpr', 'pci-dss'],
      tags: { domain: 'payments' },
      aliases: {},
    });
    const read = await api.call<{ registeredModel: ModelBody }>('GET', '/api/v1/registered-models/fraud-detector');
    expect(read.body.registeredModel).toEqual(created);

    const duplicate = await api.call<ErrorBody>('POST', '/api/v1/registered-models', { name: 'fraud-detector' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');

    const unknown = await api.call<ErrorBody>('GET', '/api/v1/registered-models/no-such-model');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    const badBudget = await api.call<ErrorBody>('POST', '/api/v1/registered-models', {
      name: 'negative',
      latencyBudgetMs: -3,
    });
    expect(badBudget.status).toBe(400);
  });

  it('registers versions from run artifacts with a server-computed manifest whose digest follows the bytes', async () => {
    await createModel('manifested');
    const runId = await createRun(api, 'manifest-experiment');
    await upload(api, runId, 'model/model.pkl', 'weights-v1');
    await upload(api, runId, 'model/conf/params.json', '{"depth":6}');

    const first = await createVersion('manifested', { source: `runs:/${runId}/model`, releaseNotes: 'first cut' });
    expect(first.status).toBe(201);
    expect(first.body.modelVersion).toMatchObject({
      name: 'manifested',
      version: 1,
      stage: 'None',
      runId,
      status: 'READY',
      fileCount: 2,
      totalSize: 'weights-v1'.length + '{"depth":6}'.length,
      releaseNotes: 'first cut',
    });
    const manifest = await api.call<Manifest>('GET', '/api/v1/registered-models/manifested/versions/1/manifest');
    expect(manifest.body.files).toEqual([
      { path: 'conf/params.json', size: 11, sha256: sha256('{"depth":6}') },
      { path: 'model.pkl', size: 10, sha256: sha256('weights-v1') },
    ]);
    expect(manifest.body.manifestDigest).toBe(first.body.modelVersion.manifestDigest);

    // Same bytes: same digest. One byte changed in one file: a different digest.
    const same = await createVersion('manifested', { source: `runs:/${runId}/model`, runId });
    expect(same.body.modelVersion.manifestDigest).toBe(first.body.modelVersion.manifestDigest);
    // Registered files never change, so the changed byte goes into a copy of the folder.
    await upload(api, runId, 'model-v2/model.pkl', 'weights-v1');
    await upload(api, runId, 'model-v2/conf/params.json', '{"depth":7}');
    const changed = await createVersion('manifested', { source: `runs:/${runId}/model-v2` });
    expect(changed.body.modelVersion.version).toBe(3);
    expect(changed.body.modelVersion.manifestDigest).not.toBe(first.body.modelVersion.manifestDigest);
    // A renamed file changes it too, even with identical bytes.
    await upload(api, runId, 'other/conf/params.json', '{"depth":6}');
    await upload(api, runId, 'other/weights.pkl', 'weights-v1');
    const renamed = await createVersion('manifested', { source: `runs:/${runId}/other` });
    expect(renamed.body.modelVersion.manifestDigest).not.toBe(first.body.modelVersion.manifestDigest);

    // The same files addressed through the artifact root give the same manifest.
    const run = await api.call<{ run: { artifactUri: string } }>('GET', `/api/v1/runs/${runId}`);
    const viaRoot = await createVersion('manifested', { source: `${run.body.run.artifactUri}/model-v2` });
    expect(viaRoot.status).toBe(201);
    expect(viaRoot.body.modelVersion.manifestDigest).toBe(changed.body.modelVersion.manifestDigest);
  });

  it('refuses sources outside the artifact root and changes nothing', async () => {
    await createModel('confined');
    for (const source of [
      'file:///etc/',
      '/etc/passwd',
      's3://bucket/model',
      'mlflow-artifacts:/../../etc',
      'mlflow-artifacts://evil-host/0/x',
      'mlflow-artifacts:/0/%2e%2e/x',
      'runs:/abc/../../etc',
    ]) {
      const refused = await createVersion('confined', { source });
      expect(refused.status, source).toBe(400);
      expect(refused.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    }
    const missingRun = await createVersion('confined', { source: 'runs:/0123456789abcdef0123456789abcdef/model' });
    expect(missingRun.status).toBe(404);
    const unknownModel = await createVersion('nobody', { source: await modelSource(api, 'confined/x') });
    expect(unknownModel.status).toBe(404);
    const versions = await api.call<{ modelVersions: VersionBody[] }>(
      'GET',
      '/api/v1/registered-models/confined/versions',
    );
    expect(versions.body.modelVersions).toEqual([]);
    // The refused attempts used no version numbers.
    const ok = await createVersion('confined', { source: await modelSource(api, 'confined/model') });
    expect(ok.body.modelVersion.version).toBe(1);
    expect(ok.body.modelVersion).toMatchObject({ sourceWithoutFiles: false });
    // A source without files is registered as MLflow registers it, and the version says it vouches for nothing.
    const empty = await createVersion('confined', { source: 'mlflow-artifacts:/0/nothing-here' });
    expect(empty.status, JSON.stringify(empty.body)).toBe(201);
    expect(empty.body.modelVersion).toMatchObject({ version: 2, fileCount: 0, sourceWithoutFiles: true });
  });

  it('numbers 20 concurrent registrations 1..20 with no gaps or duplicates', async () => {
    await createModel('concurrent');
    const sources = await Promise.all(Array.from({ length: 20 }, (_, i) => modelSource(api, `c/${i}`)));
    const results = await Promise.all(sources.map((source) => createVersion('concurrent', { source })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const numbers = results.map((r) => r.body.modelVersion.version).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // Each number went to the request that asked for its source.
    for (const result of results) {
      const stored = await api.call<{ modelVersion: VersionBody }>(
        'GET',
        `/api/v1/registered-models/concurrent/versions/${result.body.modelVersion.version}`,
      );
      expect(stored.body.modelVersion.source).toBe(result.body.modelVersion.source);
    }
  });

  it('answers concurrent creations of one name with one 201 and 409 for the rest, never 500', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => api.call('POST', '/api/v1/registered-models', { name: 'raced' })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array(9).fill(409)]);
  });

  it('answers malformed registry requests with 400 and changes nothing', async () => {
    const cases: [string, string, unknown][] = [
      ['GET', '/api/v1/registered-models/x/versions/abc', undefined],
      ['GET', '/api/v1/registered-models/x/versions/0', undefined],
      ['POST', '/api/v1/registered-models', { name: 'm', metadata: [1, 2] }],
      ['POST', '/api/v1/registered-models', { name: 'm', regulatoryFlags: 'gdpr' }],
      ['POST', '/api/v1/registered-models', { name: '' }],
      ['POST', '/api/v1/registered-models', { name: 'bad\u0001name' }],
      ['POST', '/api/v1/registered-models', '{"name": '],
      ['POST', '/api/v1/registered-models/search', { maxResults: 0 }],
      ['POST', '/api/v1/registered-models/search', { pageToken: 'not-a-token!' }],
      ['POST', '/api/v1/model-versions/search', { filter: "version_number > 'abc'" }],
      ['POST', '/api/v1/schemas/model/versions', { schema: 'not a schema' }],
      ['POST', '/api/v1/schemas/widget/versions', { schema: {} }],
      ['GET', '/api/v1/registry/completeness?kind=dataset', undefined],
    ];
    for (const [method, path, body] of cases) {
      const response = await api.call<ErrorBody>(method, path, body);
      expect(response.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(response.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    const models = await api.call<{ registeredModels: ModelBody[] }>('POST', '/api/v1/registered-models/search', {
      filter: "name = 'm'",
    });
    expect(models.body.registeredModels).toEqual([]);
  });

  it('transitions stages, archives existing versions on request and keeps a status history', async () => {
    await createModel('staged');
    for (let i = 0; i < 3; i++) await createVersion('staged', { source: await modelSource(api, `s/${i}`) });
    const move = (version: number, body: Record<string, unknown>) =>
      api.call<{ modelVersion: VersionBody }>(
        'POST',
        `/api/v1/registered-models/staged/versions/${version}/stage`,
        body,
      );
    expect((await move(1, { stage: 'Production' })).body.modelVersion.stage).toBe('Production');
    expect((await move(2, { stage: 'production', reason: 'beats v1 on recall' })).body.modelVersion.stage).toBe(
      'Production',
    );
    const archiving = await move(3, { stage: 'Production', archiveExistingVersions: true });
    expect(archiving.body.modelVersion.stage).toBe('Production');
    const all = await api.call<{ modelVersions: VersionBody[] }>('GET', '/api/v1/registered-models/staged/versions');
    expect(all.body.modelVersions.map((v) => [v.version, v.stage])).toEqual([
      [1, 'Archived'],
      [2, 'Archived'],
      [3, 'Production'],
    ]);

    const history = await api.call<{ transitions: Transition[] }>(
      'GET',
      '/api/v1/registered-models/staged/versions/2/history',
    );
    expect(history.body.transitions.map((t) => [t.fromStage, t.toStage, t.actor])).toEqual([
      [null, 'None', 'anonymous'],
      ['None', 'Production', 'anonymous'],
      ['Production', 'Archived', 'anonymous'],
    ]);
    expect(history.body.transitions[1]!.reason).toBe('beats v1 on recall');
    expect(history.body.transitions[2]!.reason).toContain('version 3');

    const latest = await api.call<{ modelVersions: VersionBody[] }>(
      'GET',
      '/api/v1/registered-models/staged/latest-versions',
    );
    expect(latest.body.modelVersions.map((v) => [v.version, v.stage])).toEqual([
      [2, 'Archived'],
      [3, 'Production'],
    ]);
    const onlyProduction = await api.call<{ modelVersions: VersionBody[] }>(
      'GET',
      '/api/v1/registered-models/staged/latest-versions?stages=Production,Staging',
    );
    expect(onlyProduction.body.modelVersions.map((v) => v.version)).toEqual([3]);

    const badStage = await move(1, { stage: 'Canary' });
    expect(badStage.status).toBe(400);
    expect((badStage.body as unknown as ErrorBody).message).toContain('None, Staging, Production, Archived');
    const badArchive = await move(1, { stage: 'Archived', archiveExistingVersions: true });
    expect(badArchive.status).toBe(400);
    const missing = await move(9, { stage: 'Staging' });
    expect(missing.status).toBe(404);
    const after = await api.call<{ modelVersions: VersionBody[] }>('GET', '/api/v1/registered-models/staged/versions');
    expect(after.body.modelVersions).toEqual(all.body.modelVersions);
  });

  it('sets, resolves, moves and deletes aliases, and refuses them on deleted versions', async () => {
    await createModel('aliased');
    await createVersion('aliased', { source: await modelSource(api, 'a/1') });
    await createVersion('aliased', { source: await modelSource(api, 'a/2') });
    const set = await api.call<{ modelVersion: VersionBody }>(
      'PUT',
      '/api/v1/registered-models/aliased/aliases/champion',
      { version: 1 },
    );
    expect(set.status).toBe(200);
    expect(set.body.modelVersion.aliases).toEqual(['champion']);
    const resolved = await api.call<{ modelVersion: VersionBody }>(
      'GET',
      '/api/v1/registered-models/aliased/aliases/champion',
    );
    expect(resolved.body.modelVersion.version).toBe(1);
    await api.call('PUT', '/api/v1/registered-models/aliased/aliases/champion', { version: '2' });
    const moved = await api.call<{ registeredModel: ModelBody }>('GET', '/api/v1/registered-models/aliased');
    expect(moved.body.registeredModel.aliases).toEqual({ champion: 2 });

    for (const alias of ['latest', 'v3', 'has space']) {
      const refused = await api.call('PUT', `/api/v1/registered-models/aliased/aliases/${encodeURIComponent(alias)}`, {
        version: 1,
      });
      expect(refused.status, alias).toBe(400);
    }

    expect((await api.call('DELETE', '/api/v1/registered-models/aliased/versions/2')).status).toBe(200);
    const gone = await api.call<ErrorBody>('GET', '/api/v1/registered-models/aliased/aliases/champion');
    expect(gone.status).toBe(404);
    const onDeleted = await api.call<ErrorBody>('PUT', '/api/v1/registered-models/aliased/aliases/champion', {
      version: 2,
    });
    expect(onDeleted.status).toBe(404);
    expect(onDeleted.body.message).toContain('deleted');
    const readDeleted = await api.call<ErrorBody>('GET', '/api/v1/registered-models/aliased/versions/2');
    expect(readDeleted.status).toBe(404);
    // Numbers are never reused after a deletion.
    const next = await createVersion('aliased', { source: await modelSource(api, 'a/3') });
    expect(next.body.modelVersion.version).toBe(3);
    expect((await api.call('DELETE', '/api/v1/registered-models/aliased/aliases/nope')).status).toBe(404);
  });

  it('tags, updates, renames, searches and deletes models and versions', async () => {
    const runId = await createRun(api, 'search-experiment');
    await upload(api, runId, 'm/model.bin', 'weights');
    await createModel('search-alpha', { tags: { team: 'risk' } });
    await createModel('search-beta', { tags: { team: 'vision' } });
    await createVersion('search-alpha', { source: `runs:/${runId}/m`, tags: { framework: 'xgboost' } });
    await createVersion('search-beta', { source: await modelSource(api, 'b/1') });

    const byName = await api.call<{ registeredModels: ModelBody[] }>('POST', '/api/v1/registered-models/search', {
      filter: "name LIKE 'search-%'",
      orderBy: ['name DESC'],
    });
    expect(byName.body.registeredModels.map((m) => m.name)).toEqual(['search-beta', 'search-alpha']);
    const byTag = await api.call<{ registeredModels: ModelBody[] }>(
      'GET',
      `/api/v1/registered-models?filter=${encodeURIComponent("tags.team = 'risk'")}`,
    );
    expect(byTag.body.registeredModels.map((m) => m.name)).toEqual(['search-alpha']);
    const byRun = await api.call<{ modelVersions: VersionBody[] }>('POST', '/api/v1/model-versions/search', {
      filter: `run_id = '${runId}'`,
    });
    expect(byRun.body.modelVersions.map((v) => [v.name, v.version])).toEqual([['search-alpha', 1]]);
    const byVersionName = await api.call<{ modelVersions: VersionBody[] }>('POST', '/api/v1/model-versions/search', {
      filter: "name = 'search-beta' and tags.framework = 'xgboost'",
    });
    expect(byVersionName.body.modelVersions).toEqual([]);
    const badFilter = await api.call<ErrorBody>('POST', '/api/v1/registered-models/search', { filter: 'owner = 1' });
    expect(badFilter.status).toBe(400);

    const tagged = await api.call<{ modelVersion: VersionBody }>(
      'PUT',
      '/api/v1/registered-models/search-alpha/versions/1/tags',
      { tags: { validated: 'yes' } },
    );
    expect(tagged.body.modelVersion.tags).toEqual({ framework: 'xgboost', validated: 'yes' });
    const untagged = await api.call<{ modelVersion: VersionBody }>(
      'DELETE',
      '/api/v1/registered-models/search-alpha/versions/1/tags/framework',
    );
    expect(untagged.body.modelVersion.tags).toEqual({ validated: 'yes' });

    await createVersion('search-alpha', { source: await modelSource(api, 'b/2') });
    const deprecated = await api.call<{ modelVersion: VersionBody }>(
      'PATCH',
      '/api/v1/registered-models/search-alpha/versions/1',
      { deprecatedBy: 2, sunsetTime: 1_900_000_000_000, releaseNotes: 'superseded' },
    );
    expect(deprecated.body.modelVersion.deprecation).toEqual({ deprecatedBy: 2, sunsetTime: 1_900_000_000_000 });
    const selfDeprecated = await api.call('PATCH', '/api/v1/registered-models/search-alpha/versions/1', {
      deprecatedBy: 1,
    });
    expect(selfDeprecated.status).toBe(400);
    const missingSuccessor = await api.call('PATCH', '/api/v1/registered-models/search-alpha/versions/1', {
      deprecatedBy: 7,
    });
    expect(missingSuccessor.status).toBe(404);

    const updated = await api.call<{ registeredModel: ModelBody }>('PATCH', '/api/v1/registered-models/search-alpha', {
      description: 'renamed soon',
      ownerTeam: null,
    });
    expect(updated.body.registeredModel).toMatchObject({ description: 'renamed soon', ownerTeam: null });

    const renamed = await api.call<{ registeredModel: ModelBody }>(
      'POST',
      '/api/v1/registered-models/search-alpha/rename',
      { newName: 'search-gamma' },
    );
    expect(renamed.body.registeredModel.name).toBe('search-gamma');
    const clash = await api.call('POST', '/api/v1/registered-models/search-gamma/rename', { newName: 'search-beta' });
    expect(clash.status).toBe(409);
    const versionsAfterRename = await api.call<{ modelVersions: VersionBody[] }>(
      'GET',
      '/api/v1/registered-models/search-gamma/versions',
    );
    expect(versionsAfterRename.body.modelVersions.map((v) => v.name)).toEqual(['search-gamma', 'search-gamma']);

    expect((await api.call('DELETE', '/api/v1/registered-models/search-gamma')).status).toBe(200);
    expect((await api.call('GET', '/api/v1/registered-models/search-gamma')).status).toBe(404);
    const afterDelete = await api.call<{ modelVersions: VersionBody[] }>('POST', '/api/v1/model-versions/search', {
      filter: `run_id = '${runId}'`,
    });
    expect(afterDelete.body.modelVersions).toEqual([]);
  });

  it('records an audit event for every registry change', async () => {
    await createModel('audited');
    await createVersion('audited', { source: await modelSource(api, 'audit/1') });
    await api.call('POST', '/api/v1/registered-models/audited/versions/1/stage', { stage: 'Staging' });
    await api.call('PUT', '/api/v1/registered-models/audited/aliases/champion', { version: 1 });
    const db = api.server.store.db;
    const model = await db
      .selectFrom('registered_models')
      .select('model_id')
      .where('name', '=', 'audited')
      .executeTakeFirstOrThrow();
    const events = await db
      .selectFrom('audit_events')
      .select(['action', 'entity_kind', 'entity_id', 'actor'])
      .where('entity_id', 'like', `${model.model_id}%`)
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.action)).toEqual([
      'registered_model.create',
      'model_version.create',
      'model_version.transition_stage',
      'registered_model.set_alias',
    ]);
    expect(events.every((e) => e.actor === 'anonymous')).toBe(true);
  });
});
