import { describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { mlflowCalls } from './support/mlflow-calls.js';

describe.each(backends)('MLflow API prefixes and request handling on $name', (backend) => {
  const api = useTestServer(backend);

  it('serves the same API under /api/2.0/mlflow, /ajax-api/2.0/mlflow and the legacy /api/2.0/preview/mlflow', async () => {
    const ids: string[] = [];
    for (const prefix of ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow', '/api/2.0/preview/mlflow']) {
      const mlflow = mlflowCalls(api, prefix);
      const created = await mlflow.post<{ experiment_id: string }>('experiments/create', { name: `prefix${prefix}` });
      expect(created.status, prefix).toBe(200);
      ids.push(created.body.experiment_id);
      const got = await mlflow.get<{ experiment: { name: string } }>('experiments/get', {
        experiment_id: created.body.experiment_id,
      });
      expect(got.body.experiment.name).toBe(`prefix${prefix}`);
      const duplicate = await mlflow.post('experiments/create', { name: `prefix${prefix}` });
      expect(duplicate.status, prefix).toBe(400);
    }
    expect(new Set(ids).size).toBe(3);
  });

  it('answers malformed JSON with 400 INVALID_PARAMETER_VALUE (MLflow answers an HTML 500)', async () => {
    const reply = await api.call('POST', '/api/2.0/mlflow/experiments/create', '{"name": ');
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    const batch = await api.call('POST', '/api/2.0/mlflow/runs/log-batch', '{"run_id": "x", "metrics": [');
    expect(batch.status).toBe(400);
  });

  it('accepts only JSON bodies, as MLflow does', async () => {
    const response = await fetch(`${api.url}/api/2.0/mlflow/experiments/create`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"name": "as-text"}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    const found = await mlflowCalls(api).get('experiments/get-by-name', { experiment_name: 'as-text' });
    expect(found.status).toBe(404);
  });

  it('answers unknown endpoints and wrong methods with 404 ENDPOINT_NOT_FOUND', async () => {
    const unknown = await api.call('POST', '/api/2.0/mlflow/experiments/frobnicate', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error_code: 'ENDPOINT_NOT_FOUND' });
    const wrongMethod = await api.call('GET', '/api/2.0/mlflow/runs/create');
    expect(wrongMethod.status).toBe(404);
  });

  it('keeps the native API’s own statuses beside MLflow’s', async () => {
    await api.call('POST', '/api/v1/experiments', { name: 'native-dup' });
    const native = await api.call('POST', '/api/v1/experiments', { name: 'native-dup' });
    expect(native.status).toBe(409);
    const mlflow = await api.call('POST', '/api/2.0/mlflow/experiments/create', { name: 'native-dup' });
    expect(mlflow.status).toBe(400);
  });
});
