import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import { newRun } from '../mlflow/support/mlflow-calls.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

describe.each(backends)('the files behind a registered model version never change, on $name', (backend) => {
  const api = useTestServer(backend);
  const proxy = (path: string) => `${api.url}/api/2.0/mlflow-artifacts/artifacts/${path}`;
  const native = (runId: string, path: string) => `${api.url}/api/v1/runs/${runId}/artifacts/${path}`;
  const send = async (method: string, url: string, body?: string) => {
    const response = await fetch(url, { method, body });
    const text = await response.text();
    return { status: response.status, text, url };
  };

  /** A run with a model folder, registered as version 1 of `name` from runs:/<run>/model. */
  async function registeredRun(name: string, extra: Record<string, string> = {}) {
    const { experimentId, runId } = await newRun(api, name);
    const root = `${experimentId}/${runId}/artifacts`;
    expect((await send('PUT', proxy(`${root}/model/model.pkl`), 'original bytes')).status).toBe(200);
    for (const [path, body] of Object.entries(extra)) {
      expect((await send('PUT', proxy(`${root}/model/${path}`), body)).status).toBe(200);
    }
    expect((await send('PUT', proxy(`${root}/notes/readme.txt`), 'free to change')).status).toBe(200);
    expect((await api.call('POST', '/api/2.0/mlflow/registered-models/create', { name })).status).toBe(200);
    const version = await api.call('POST', '/api/2.0/mlflow/model-versions/create', {
      name,
      source: `runs:/${runId}/model`,
      run_id: runId,
    });
    expect(version.status, JSON.stringify(version.body)).toBe(200);
    return { experimentId, runId, root };
  }

  it('refuses overwrites, new files and deletes under the source on every route', async () => {
    const { experimentId, runId, root } = await registeredRun('frozen');
    const refusals = [
      await send('PUT', native(runId, 'model/model.pkl'), 'swapped bytes'),
      await send('PUT', native(runId, 'model/extra.bin'), 'smuggled file'),
      await send('PUT', proxy(`${root}/model/model.pkl`), 'swapped bytes'),
      await send('DELETE', native(runId, 'model/model.pkl')),
      await send('DELETE', native(runId, 'model')),
      await send('DELETE', proxy(`${root}/model`)),
      await send('DELETE', proxy(root)),
      await send('DELETE', proxy(`${experimentId}/${runId}`)),
      await send('DELETE', proxy(experimentId)),
    ];
    for (const refused of refusals) {
      // The same refusal on both surfaces, with each surface's status for INVALID_STATE (MLflow's is 400).
      expect(refused.status, refused.text).toBe(refused.url.includes('/mlflow-artifacts/') ? 400 : 409);
      expect(JSON.parse(refused.text)).toMatchObject({
        error_code: 'INVALID_STATE',
        message: expect.stringMatching(/registered model version frozen\/1/),
      });
    }
    expect(await (await fetch(proxy(`${root}/model/model.pkl`))).text()).toBe('original bytes');
    expect((await fetch(proxy(`${root}/model/extra.bin`))).status).toBe(404);

    // Files beside the source stay the run's to change.
    expect((await send('PUT', native(runId, 'notes/readme.txt'), 'changed')).status).toBe(201);
    expect((await send('DELETE', native(runId, 'notes'))).status).toBe(204);

    // Once the version is deleted, nothing vouches for the files any more.
    const deleted = await api.call('DELETE', '/api/2.0/mlflow/model-versions/delete', { name: 'frozen', version: '1' });
    expect(deleted.status).toBe(200);
    expect((await send('PUT', native(runId, 'model/model.pkl'), 'retrained')).status).toBe(201);
    expect((await auditVerify({ backendStoreUri: api.backendUri })).code).toBe(0);
  });

  it("does not delete runs' files by deleting the directory above them", async () => {
    const { experimentId, runId } = await newRun(api, 'unregistered');
    const root = `${experimentId}/${runId}/artifacts`;
    expect((await send('PUT', proxy(`${root}/data.csv`), 'a,b\n1,2\n')).status).toBe(200);
    const refused = await send('DELETE', proxy(experimentId));
    expect(refused.status, refused.text).toBe(400);
    expect(JSON.parse(refused.text).error_code).toBe('INVALID_STATE');
    expect(JSON.parse(refused.text).message).toContain(`holds the artifacts of run ${runId}`);
    expect(await (await fetch(proxy(`${root}/data.csv`))).text()).toBe('a,b\n1,2\n');

    // Deleting the run's own artifact directory goes through the run, which forgets its recorded digests.
    expect((await send('DELETE', proxy(root))).status).toBe(200);
    expect((await fetch(proxy(`${root}/data.csv`))).status).toBe(404);
    const listed = await api.call<{ files: unknown[] }>('GET', `/api/v1/runs/${runId}/artifacts`);
    expect(listed.body.files).toEqual([]);
    const verified = await auditVerify({ backendStoreUri: api.backendUri });
    expect(verified.code, verified.stderr).toBe(0);
  });

  it('serves registered files only as their manifest records them', async () => {
    const weights = 'w'.repeat(1_000_000);
    const { runId, root } = await registeredRun('checked', { 'weights.bin': weights });
    const onDisk = join(api.artifactsDir, root, 'model/model.pkl');
    const download = async (url: string) => {
      const response = await fetch(url);
      try {
        return { status: response.status, text: await response.text() };
      } catch (error) {
        return { status: response.status, text: undefined, error };
      }
    };
    const urls = [
      proxy(`${root}/model/model.pkl`),
      native(runId, 'model/model.pkl'),
      `${api.url}/ajax-api/2.0/mlflow/model-versions/get-artifact?name=checked&version=1&path=model.pkl`,
    ];
    for (const url of urls) expect(await download(url)).toEqual({ status: 200, text: 'original bytes' });

    // Same length, other bytes: a small file is refused whole; a large one is cut off before its last bytes, so no
    // client ever completes a download of bytes the manifest never saw.
    await writeFile(onDisk, 'ORIGINAL BYTES');
    for (const url of urls) {
      const answer = await download(url);
      expect(answer.status, url).toBeGreaterThanOrEqual(400);
      expect(answer.status, url).toBeLessThan(500);
      expect(answer.text).toMatch(/does not match its manifest sha256/);
    }
    await writeFile(join(api.artifactsDir, root, 'model/weights.bin'), `${weights.slice(0, -1)}W`);
    for (const url of [proxy(`${root}/model/weights.bin`), native(runId, 'model/weights.bin')]) {
      const answer = await download(url);
      expect(answer.status, url).toBe(200);
      expect(answer.text, url).toBeUndefined();
    }
    // Another length: refused before any byte is sent.
    await writeFile(onDisk, 'rewritten with a different size');
    for (const url of urls) {
      const answer = await download(url);
      expect(answer.status, url).toBeGreaterThanOrEqual(400);
      expect(answer.status, url).toBeLessThan(500);
      expect(answer.text).toMatch(/changed since it was registered/);
    }
    // A file planted in the source behind the server's back is not part of the version.
    await writeFile(join(api.artifactsDir, root, 'model/planted.pkl'), 'planted');
    expect((await download(proxy(`${root}/model/planted.pkl`))).status).toBe(404);
    await writeFile(onDisk, 'original bytes');
    expect(await download(urls[0]!)).toEqual({ status: 200, text: 'original bytes' });
  });

  it('refuses proxy uploads to a deleted run, as the native route does', async () => {
    const { experimentId, runId } = await newRun(api, 'gone');
    expect((await api.call('POST', '/api/2.0/mlflow/runs/delete', { run_id: runId })).status).toBe(200);
    const proxied = await send('PUT', proxy(`${experimentId}/${runId}/artifacts/late.txt`), 'late');
    expect(proxied.status, proxied.text).toBe(400);
    expect(JSON.parse(proxied.text).error_code).toBe('INVALID_STATE');
    expect((await send('PUT', native(runId, 'late.txt'), 'late')).status).toBe(409);
  });
});
