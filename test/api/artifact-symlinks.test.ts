import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRun } from '../mlflow/support/mlflow-calls.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

describe.each(backends)('symbolic links inside the artifact root are never followed, on $name', (backend) => {
  const api = useTestServer(backend);
  let outside: string;
  let runId: string;
  let root: string;

  beforeAll(async () => {
    outside = await mkdtemp(join(tmpdir(), 'mnemo-outside-'));
    await writeFile(join(outside, 'secret.txt'), 'not for clients');
    const run = await newRun(api, 'links');
    runId = run.runId;
    root = `${run.experimentId}/${run.runId}/artifacts`;
    // A real file makes the run's folder exist; then links are planted beside it, as in a shared folder.
    expect(
      (await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/ok.txt`, { method: 'PUT', body: 'ok' })).status,
    ).toBe(201);
    await symlink(join(outside, 'secret.txt'), join(api.artifactsDir, root, 'link.txt'));
    await symlink(outside, join(api.artifactsDir, root, 'linkdir'));
    await mkdir(join(api.artifactsDir, root, 'model'), { recursive: true });
    await symlink(join(outside, 'secret.txt'), join(api.artifactsDir, root, 'model', 'weights.bin'));
  });
  afterAll(() => rm(outside, { recursive: true, force: true }));

  const native = (path: string) => `${api.url}/api/v1/runs/${runId}/artifacts/${path}`;
  const proxy = (path: string) => `${api.url}/api/2.0/mlflow-artifacts/artifacts/${root}/${path}`;

  it('does not read through a link to a file or a folder', async () => {
    for (const url of [
      native('link.txt'),
      proxy('link.txt'),
      native('linkdir/secret.txt'),
      proxy('linkdir/secret.txt'),
    ]) {
      const response = await fetch(url);
      const text = await response.text();
      expect(text, url).not.toContain('not for clients');
      expect(response.status, url).toBeGreaterThanOrEqual(400);
      expect(response.status, url).toBeLessThan(500);
    }
  });

  it('does not list, write or delete through a linked folder', async () => {
    const listed = await api.call<{ files: { path: string }[] }>('GET', `/api/v1/runs/${runId}/artifacts`);
    expect(listed.body.files.map((f) => f.path)).toEqual(['model', 'ok.txt']);
    const inside = await fetch(`${api.url}/api/v1/runs/${runId}/artifacts?path=linkdir`);
    expect(inside.status).toBe(400);

    const written = await fetch(native('linkdir/planted.txt'), { method: 'PUT', body: 'x' });
    expect(written.status).toBe(400);
    expect(existsSync(join(outside, 'planted.txt'))).toBe(false);
    const proxied = await fetch(proxy('linkdir/planted.txt'), { method: 'PUT', body: 'x' });
    expect(proxied.status).toBe(400);
    expect(existsSync(join(outside, 'planted.txt'))).toBe(false);

    expect((await fetch(native('linkdir/secret.txt'), { method: 'DELETE' })).status).toBe(400);
    expect((await fetch(proxy('linkdir/secret.txt'), { method: 'DELETE' })).status).toBe(400);
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('not for clients');
  });

  it('does not register a model whose files are links', async () => {
    expect((await api.call('POST', '/api/2.0/mlflow/registered-models/create', { name: 'linked' })).status).toBe(200);
    const version = await api.call<{ model_version?: { version: string } }>(
      'POST',
      '/api/2.0/mlflow/model-versions/create',
      { name: 'linked', source: `runs:/${runId}/model/weights.bin`, run_id: runId },
    );
    expect(version.status).toBeGreaterThanOrEqual(400);
    expect(version.status).toBeLessThan(500);
    const viaFolder = await api.call('POST', '/api/2.0/mlflow/model-versions/create', {
      name: 'linked',
      source: `runs:/${runId}/linkdir`,
      run_id: runId,
    });
    expect(viaFolder.status).toBeGreaterThanOrEqual(400);
    expect(viaFolder.status).toBeLessThan(500);
  });
});
