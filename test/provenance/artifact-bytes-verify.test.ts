import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import { newRun } from '../mlflow/support/mlflow-calls.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

describe.each(backends)('mnemo audit verify --artifacts on $name', (backend) => {
  const api = useTestServer(backend);

  it('re-hashes registered model files and run artifacts, and names what changed or vanished', async () => {
    const { experimentId, runId } = await newRun(api, 'bytes');
    const root = `${experimentId}/${runId}/artifacts`;
    const put = (path: string, body: string) =>
      fetch(`${api.url}/api/v1/runs/${runId}/artifacts/${path}`, { method: 'PUT', body });
    expect((await put('model/model.pkl', 'weights')).status).toBe(201);
    expect((await put('model/MLmodel', 'flavors: {}')).status).toBe(201);
    expect((await put('notes.txt', 'notes')).status).toBe(201);
    expect((await api.call('POST', '/api/2.0/mlflow/registered-models/create', { name: 'hashed' })).status).toBe(200);
    const created = await api.call('POST', '/api/2.0/mlflow/model-versions/create', {
      name: 'hashed',
      source: `runs:/${runId}/model`,
      run_id: runId,
    });
    expect(created.status).toBe(200);
    const verify = () => auditVerify({ backendStoreUri: api.backendUri, artifactsDestination: api.artifactsDir });

    const clean = await verify();
    expect(clean.stderr).toBe('');
    expect(clean.stdout).toMatch(/OK: .*; 5 artifact files re-hashed/);
    // Without --artifacts the bytes are not read: a changed file goes unnoticed by the log check alone.
    await writeFile(join(api.artifactsDir, root, 'model/model.pkl'), 'WEIGHTS');
    await rm(join(api.artifactsDir, root, 'notes.txt'));
    expect((await auditVerify({ backendStoreUri: api.backendUri })).code).toBe(0);

    const tampered = await verify();
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain(`model version hashed/1: '${root}/model/model.pkl' changed: 7 bytes with sha256`);
    expect(tampered.stderr).toContain(`run ${runId}: '${root}/model/model.pkl' changed`);
    expect(tampered.stderr).toContain(`run ${runId}: '${root}/notes.txt' is missing from the artifact store`);

    expect(
      await auditVerify({ backendStoreUri: api.backendUri, artifactsDestination: join(api.artifactsDir, 'nope') }),
    ).toMatchObject({
      code: 2,
      stderr: /no artifact store at/,
    });
  });
});
