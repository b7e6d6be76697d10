import { describe, expect, it } from 'vitest';
import { newRun } from '../mlflow/support/mlflow-calls.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

describe.each(backends)('artifact paths and locations the stores cannot take, on $name', (backend) => {
  const api = useTestServer(backend);

  it('refuses over-long path segments with 400 on every artifact route, and takes a PUT without a body as an empty file', async () => {
    const { experimentId, runId } = await newRun(api, 'long-names');
    const long = 'a'.repeat(256);
    const answers = [
      await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/${long}/f.txt`, { method: 'PUT', body: 'x' }),
      await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/${long}`),
      await fetch(`${api.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/${long}`, {
        method: 'PUT',
        body: 'x',
      }),
      await fetch(`${api.url}/api/v1/runs/${runId}/artifacts?path=${long}`),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(400);
      expect(await answer.json()).toMatchObject({ message: /segment longer than 255 bytes/ });
    }
    expect(
      (await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/${'b'.repeat(255)}`, { method: 'PUT', body: 'x' }))
        .status,
    ).toBe(201);
    const empty = await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/empty.txt`, { method: 'PUT' });
    expect(empty.status).toBe(201);
    expect(await empty.json()).toMatchObject({ artifact: { path: 'empty.txt', size: 0 } });
  });

  it('refuses experiment artifact locations outside a folder of their own', async () => {
    const taken = await api.call<{ experiment_id: string }>('POST', '/api/2.0/mlflow/experiments/create', {
      name: 'owner',
      artifact_location: 'mlflow-artifacts:/team-a/owner',
    });
    expect(taken.status).toBe(200);
    for (const [location, why] of [
      ['mlflow-artifacts:/C:/Windows', /drive/],
      ['mlflow-artifacts://evil.example/x', /host part/],
      ['mlflow-artifacts:/a/%2e%2e/b', /encoded/],
      ['mlflow-artifacts:/a/../b', /'\.\.'/],
      ['file:///etc', /artifact root/],
      ['mlflow-artifacts:/team-a/owner', /overlaps the artifacts of experiment 'owner'/],
      ['mlflow-artifacts:/team-a/owner/inside', /overlaps/],
      ['mlflow-artifacts:/team-a', /overlaps/],
    ] as const) {
      const refused = await api.call<{ message: string }>('POST', '/api/2.0/mlflow/experiments/create', {
        name: `try-${location}`,
        artifact_location: location,
      });
      expect(refused.status, location).toBe(400);
      expect(refused.body.message, location).toMatch(why);
    }
    const beside = await api.call('POST', '/api/v1/experiments', {
      name: 'beside',
      artifactLocation: 'mlflow-artifacts:/team-a/other',
    });
    expect(beside.status).toBe(201);
  });
});
