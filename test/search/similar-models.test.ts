import { beforeAll, describe, expect, it } from 'vitest';
import { SearchClient } from '../../src/sdk/search.js';
import type { SimilarModels } from '../../src/sdk/wire/search-shapes.js';
import { ADMIN_TOKEN, callAs, ok as okAs, userWithToken } from '../access/access-fixture.js';
import { upload } from '../registry/registry-helpers.js';
import { backends } from '../support/backends.js';
import { given, ok } from '../support/builders.js';
import { useTestServer } from '../support/test-server.js';

const summary = (reply: SimilarModels) => reply.models.map((m) => [m.name, m.score]);

describe.each(backends)('similar models on $name', (backend) => {
  const api = useTestServer(backend);

  beforeAll(async () => {
    const lab = await given(api).experiment('fraud-lab');
    const runs: Record<string, string> = {};
    for (const name of ['detector', 'scorer', 'other']) {
      runs[name] = (await lab.run({ runName: name })).runId;
      await upload(api, runs[name] as string, 'model/model.pkl', `weights-${name}`);
    }
    // Lineage: the detector's and the scorer's runs read the same transactions and the customer_age feature.
    const dataset = await ok<{ id: string; nodeId: string }>(api, 'POST', '/api/v1/lineage/dataset-versions', {
      namespace: 's3://lake',
      name: 'transactions',
      version: '2026-01',
    });
    const feature = await ok<{ nodeId: string }>(api, 'POST', '/api/v1/lineage/features', {
      name: 'customer_age',
      version: '1',
      inputDatasetVersionIds: [dataset.id],
    });
    for (const run of [runs.detector, runs.scorer]) {
      for (const from of [dataset.nodeId, feature.nodeId]) {
        await ok(api, 'POST', '/api/v1/lineage/edges', { from, to: `run:${run}`, type: 'consumed' });
      }
    }
    const models = given(api);
    await models.registeredModel('fraud-detector', {
      taskType: 'classification',
      algorithmFamily: 'gradient boosting',
      tags: { domain: 'payments' },
    });
    await models.registeredModel('fraud-scorer', { taskType: 'classification', algorithmFamily: 'linear' });
    await models.registeredModel('payments-ranker', { taskType: 'ranking', tags: { domain: 'payments' } });
    await models.registeredModel('image-tagger', { taskType: 'segmentation', tags: { domain: 'vision' } });
    await models.modelVersion('fraud-detector', runs.detector as string, 'model');
    await models.modelVersion('fraud-scorer', runs.scorer as string, 'model');
    await models.modelVersion('image-tagger', runs.other as string, 'model');
  });

  it('lists models sharing training data, features, task type and tags, most similar first, each with why', async () => {
    const reply = await ok<SimilarModels>(api, 'GET', '/api/v1/registered-models/fraud-detector/similar');
    // scorer: dataset 3 + feature 2 + task type 2; ranker: tag 1; the tagger shares nothing.
    expect(summary(reply)).toEqual([
      ['fraud-scorer', 7],
      ['payments-ranker', 1],
    ]);
    expect(reply.models[0]?.reasons).toEqual([
      "trained on the same dataset 'transactions'",
      "uses the same feature 'customer_age'",
      "same task type 'classification'",
    ]);
    expect(reply.models[1]?.reasons).toEqual(['shares tag domain=payments']);
    const sdk = new SearchClient({ url: api.url });
    expect(summary(await sdk.similarModels('fraud-detector', { limit: 1 }))).toEqual([['fraud-scorer', 7]]);
  });

  it('answers 404 for an unknown model and 400 for a bad limit', async () => {
    const missing = await api.call('GET', '/api/v1/registered-models/no-such/similar');
    expect(missing.status).toBe(404);
    for (const limit of ['0', 'x', '100']) {
      const bad = await api.call('GET', `/api/v1/registered-models/fraud-detector/similar?limit=${limit}`);
      expect([limit, bad.status]).toEqual([limit, 400]);
      expect((bad.body as { error_code?: string }).error_code).toBeTruthy();
    }
  });
});

describe.each(backends)('similar models and restrictions on $name', (backend) => {
  const api = useTestServer(backend, { server: { auth: { enabled: true, adminToken: ADMIN_TOKEN } } });
  let rita = '';

  beforeAll(async () => {
    rita = await userWithToken(api.url, 'rita');
    for (const name of ['churn-a', 'churn-b', 'churn-secret']) {
      await okAs(callAs(api.url, ADMIN_TOKEN, 'POST', '/api/v1/registered-models', { name, taskType: 'churn' }));
    }
    await okAs(
      callAs(api.url, ADMIN_TOKEN, 'PUT', '/api/v1/restrictions', { model: 'churn-secret', restricted: true }),
    );
  });

  it('never shows a restricted model to a caller who may not read it', async () => {
    const similar = (token: string) =>
      okAs(callAs<SimilarModels>(api.url, token, 'GET', '/api/v1/registered-models/churn-a/similar'));
    expect(summary(await similar(ADMIN_TOKEN))).toEqual([
      ['churn-b', 2],
      ['churn-secret', 2],
    ]);
    expect(summary(await similar(rita))).toEqual([['churn-b', 2]]);
    const hidden = await callAs(api.url, rita, 'GET', '/api/v1/registered-models/churn-secret/similar');
    expect([403, 404]).toContain(hidden.status);
  });
});
