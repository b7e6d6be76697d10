import { describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

/** Deep JSON as text: building it as an object and stringifying would itself need a deep stack. */
const deepObjectText = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe.each(backends)('text the stores cannot keep faithfully, on $name', (backend) => {
  const api = useTestServer(backend);

  const raw = async (method: string, path: string, body?: string) => {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body,
    });
    return { status: response.status, body: (await response.json()) as { error_code?: string; message?: string } };
  };

  it('refuses lone surrogates in lineage declarations with 400, and the log still verifies', async () => {
    const answer = await api.call('POST', '/api/v1/lineage/model-versions', { modelId: '\uD800x', version: 1 });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringMatching(/body\.modelId: contains a lone UTF-16 surrogate \(U\+D800\)/),
    });
    const dataset = await api.call('POST', '/api/v1/lineage/dataset-versions', {
      namespace: 'file',
      name: 'x\uDC00',
      version: '1',
    });
    expect(dataset.status).toBe(400);
    expect((await auditVerify({ backendStoreUri: api.backendUri })).code).toBe(0);
  });

  it('refuses a lone surrogate in an MLflow registered model name without committing it', async () => {
    const created = await api.call('POST', '/api/2.0/mlflow/registered-models/create', { name: 'm\uDBFF' });
    expect(created.status).toBe(400);
    expect(created.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    const listed = await api.call<{ registered_models?: unknown[] }>('GET', '/api/2.0/mlflow/registered-models/search');
    expect(listed.status).toBe(200);
    expect(listed.body.registered_models ?? []).toEqual([]);
    const surrogateKey = await api.call('POST', '/api/2.0/mlflow/registered-models/create', {
      name: 'fine',
      tags: [{ key: 'k\uD83D', value: 'v' }],
    });
    expect(surrogateKey.status).toBe(400);
    expect((await api.call('GET', '/api/2.0/mlflow/registered-models/get?name=fine')).status).toBe(404);
  });

  it('refuses NUL in bodies, path parameters and query strings alike on both databases', async () => {
    const named = await api.call('POST', '/api/v1/experiments', { name: 'nul\u0000name' });
    expect(named.status).toBe(400);
    expect(named.body.message).toMatch(/body\.name: contains a NUL character/);
    const inPath = await raw('GET', '/api/v1/runs/abc%00def');
    expect(inPath.status).toBe(400);
    expect(inPath.body.message).toMatch(/path\.\S+: contains a NUL/);
    const inQuery = await raw('GET', '/api/2.0/mlflow/experiments/get-by-name?experiment_name=a%00b');
    expect(inQuery.status).toBe(400);
    expect(inQuery.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: /query\.experiment_name/ });
    const inArtifactPath = await raw('GET', '/api/2.0/mlflow-artifacts/artifacts/0/x%00y');
    expect(inArtifactPath.status).toBe(400);
    expect((await auditVerify({ backendStoreUri: api.backendUri })).code).toBe(0);
  });

  it('caps JSON nesting in free-form fields, naming the field, and stores nothing', async () => {
    const body = `{"name":"deep-model","metadata":${deepObjectText(2_500)}}`;
    const deep = await raw('POST', '/api/v1/registered-models', body);
    expect(deep.status).toBe(400);
    expect(deep.body.message).toMatch(/body\.metadata(\.a)+: is nested more than 64 levels deep/);
    expect((await api.call('GET', '/api/v1/registered-models/deep-model')).status).toBe(404);

    const facets = `{"eventType":"COMPLETE","eventTime":"2024-05-01T00:00:00Z","producer":"p","schemaURL":"s",
      "run":{"runId":"01890000-0000-7000-8000-000000000000","facets":{"x":${deepObjectText(10_000)}}},
      "job":{"namespace":"n","name":"j"}}`;
    const openLineage = await raw('POST', '/api/v1/lineage', facets);
    expect(openLineage.status).toBe(400);
    expect(openLineage.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    const shallow = await api.call('POST', '/api/v1/registered-models', {
      name: 'shallow-model',
      metadata: JSON.parse(deepObjectText(20)),
    });
    expect(shallow.status).toBe(201);
    expect((await auditVerify({ backendStoreUri: api.backendUri })).code).toBe(0);
  });

  it("answers the router's own refusals in the API's error shape", async () => {
    const badUrl = await raw('GET', '/api/v1/runs/%E0%A4%A');
    expect(badUrl.status).toBe(400);
    expect(badUrl.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.any(String) });
    const longParam = await fetch(`${api.url}/api/v1/runs/${'r'.repeat(500)}`);
    expect(longParam.status).toBeLessThan(500);
    expect(await longParam.json()).toMatchObject({ error_code: expect.any(String), message: expect.any(String) });
  });
});
