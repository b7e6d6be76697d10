import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { mlflowCalls, newRun } from './support/mlflow-calls.js';

type FileInfo = { path: string; is_dir: boolean; file_size?: number };

describe.each(backends)('MLflow artifact proxy and artifacts/list on $name', (backend) => {
  const api = useTestServer(backend);
  const mlflow = mlflowCalls(api);
  const proxy = (path: string) => `${api.url}/api/2.0/mlflow-artifacts/artifacts/${path}`;
  const put = (path: string, body: string | Buffer, contentType = 'text/plain') =>
    fetch(proxy(path), { method: 'PUT', headers: { 'content-type': contentType }, body });

  it('uploads through the proxy into the run’s artifact URI, recording size and sha256', async () => {
    const { experimentId, runId } = await newRun(api, 'artifacts/upload');
    const root = `${experimentId}/${runId}/artifacts`;
    const binary = Buffer.from([0, 1, 2, 253, 254, 255]);
    const uploads: [string, string | Buffer, string][] = [
      ['model/model.pkl', binary, 'application/octet-stream'],
      // The client labels files by extension; a .json artifact is stored as sent, even when it is not valid JSON.
      ['meta/labels.json', '{"classes": ["a", "b"', 'application/json'],
      ['notes.txt', 'hello', 'text/plain'],
    ];
    for (const [path, body, type] of uploads) {
      const response = await put(`${root}/${path}`, body, type);
      expect(response.status, path).toBe(200);
      expect(await response.json()).toEqual({});
    }
    const pkl = await fetch(proxy(`${root}/model/model.pkl`));
    expect(pkl.status).toBe(200);
    expect(pkl.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await pkl.arrayBuffer())).toEqual(binary);
    expect(await (await fetch(proxy(`${root}/meta/labels.json`))).text()).toBe('{"classes": ["a", "b"');

    const native = await api.call<{ files: { path: string; sha256: string | null; size: number }[] }>(
      'GET',
      `/api/v1/runs/${runId}/artifacts?path=model`,
    );
    expect(native.body.files).toEqual([
      expect.objectContaining({
        path: 'model/model.pkl',
        size: 6,
        sha256: createHash('sha256').update(binary).digest('hex'),
      }),
    ]);
  });

  it('streams uploads larger than the JSON body limit', async () => {
    const { experimentId, runId } = await newRun(api, 'artifacts/large');
    const large = Buffer.alloc(5 * 1024 * 1024, 7);
    const path = `${experimentId}/${runId}/artifacts/weights.bin`;
    expect((await put(path, large, 'application/octet-stream')).status).toBe(200);
    const back = Buffer.from(await (await fetch(proxy(path))).arrayBuffer());
    expect(back.length).toBe(large.length);
    expect(back.equals(large)).toBe(true);
  });

  it('lists directories through the proxy, relative to the listed directory', async () => {
    const { experimentId, runId } = await newRun(api, 'artifacts/proxy-list');
    const root = `${experimentId}/${runId}/artifacts`;
    await put(`${root}/model/model.txt`, 'weights');
    await put(`${root}/model/conda.yaml`, 'deps: []');
    await put(`${root}/readme.md`, '# hi');
    const list = async (path: string) =>
      (await api.call<{ files?: FileInfo[] }>('GET', `/api/2.0/mlflow-artifacts/artifacts?path=${path}`)).body;
    expect(await list(root)).toEqual({
      files: [
        { path: 'model', is_dir: true },
        { path: 'readme.md', is_dir: false, file_size: 4 },
      ],
    });
    expect(await list(`${root}/model`)).toEqual({
      files: [
        { path: 'conda.yaml', is_dir: false, file_size: 8 },
        { path: 'model.txt', is_dir: false, file_size: 7 },
      ],
    });
    // Listing a file or a directory that does not exist is an empty listing, as in MLflow.
    expect(await list(`${root}/model/model.txt`)).toEqual({});
    expect(await list(`${root}/nothing-here`)).toEqual({});
  });

  it('lists a run’s artifacts with artifacts/list, paths relative to the run’s root', async () => {
    const { experimentId, runId } = await newRun(api, 'artifacts/list');
    const root = `${experimentId}/${runId}/artifacts`;
    await put(`${root}/model/model.txt`, 'weights');
    await put(`${root}/top.txt`, 'x');
    const top = await mlflow.get<{ root_uri: string; files?: FileInfo[] }>('artifacts/list', { run_id: runId });
    expect(top.status).toBe(200);
    expect(top.body).toEqual({
      root_uri: `mlflow-artifacts:/${root}`,
      files: [
        { path: 'model', is_dir: true },
        { path: 'top.txt', is_dir: false, file_size: 1 },
      ],
    });
    const nested = await mlflow.get<{ files?: FileInfo[] }>('artifacts/list', { run_uuid: runId, path: 'model' });
    expect(nested.body.files).toEqual([{ path: 'model/model.txt', is_dir: false, file_size: 7 }]);
    const empty = await mlflow.get('artifacts/list', { run_id: runId, path: 'none' });
    expect(empty.body).toEqual({ root_uri: `mlflow-artifacts:/${root}` });
    expect((await mlflow.get('artifacts/list', { run_id: 'f'.repeat(32) })).status).toBe(404);
    expect((await mlflow.get('artifacts/list', {})).status).toBe(400);
  });

  it('deletes artifacts through the proxy and forgets their digests', async () => {
    const { experimentId, runId } = await newRun(api, 'artifacts/delete');
    const root = `${experimentId}/${runId}/artifacts`;
    await put(`${root}/tmp/a.txt`, 'a');
    await put(`${root}/keep.txt`, 'k');
    const deleted = await fetch(proxy(`${root}/tmp/a.txt`), { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({});
    expect((await fetch(proxy(`${root}/tmp/a.txt`))).status).toBe(404);
    const native = await api.call<{ files: { path: string }[] }>('GET', `/api/v1/runs/${runId}/artifacts`);
    expect(native.body.files.map((f) => f.path)).toEqual(['keep.txt', 'tmp']);
    const digests = await api.server.store.db
      .selectFrom('artifacts')
      .select('path')
      .where('run_id', '=', runId)
      .execute();
    expect(digests.map((d) => d.path)).toEqual(['keep.txt']);
  });

  it('stores files outside any run, answers 404 for missing files and serves active content as text', async () => {
    const put1 = await put('shared/templates/page.html', '<script>alert(1)</script>', 'text/html');
    expect(put1.status).toBe(200);
    const page = await fetch(proxy('shared/templates/page.html'));
    expect(page.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const audited = await api.server.store.db
      .selectFrom('audit_events')
      .select('action')
      .where('entity_id', '=', 'shared/templates/page.html')
      .execute();
    expect(audited.map((a) => a.action)).toEqual(['artifact.upload']);
    const missing = await fetch(proxy('shared/none.txt'));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
    expect((await fetch(proxy('shared/templates/page.html'), { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(proxy('shared/templates/page.html'))).status).toBe(404);
  });

  it('answers a file used as a directory, or a directory overwritten by a file, with a 4xx and changes nothing', async () => {
    await put('conflicts/notes.txt', 'notes');
    const underFile = await put('conflicts/notes.txt/inner.txt', 'x');
    expect(underFile.status).toBe(400);
    expect(await underFile.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    const ontoDirectory = await put('conflicts', 'x');
    expect(ontoDirectory.status).toBe(400);
    expect((await fetch(proxy('conflicts/notes.txt/inner.txt'))).status).toBe(404);
    const removeUnderFile = await fetch(proxy('conflicts/notes.txt/inner.txt'), { method: 'DELETE' });
    expect(removeUnderFile.status).toBe(200);
    expect(await (await fetch(proxy('conflicts/notes.txt'))).text()).toBe('notes');
  });

  it('accepts an empty file and serves the proxy under /ajax-api too', async () => {
    const { experimentId, runId } = await newRun(api, 'artifacts/empty');
    const path = `${experimentId}/${runId}/artifacts/empty.txt`;
    expect((await fetch(proxy(path), { method: 'PUT' })).status).toBe(200);
    const viaAjax = await fetch(`${api.url}/ajax-api/2.0/mlflow-artifacts/artifacts/${path}`);
    expect(viaAjax.status).toBe(200);
    expect(await viaAjax.text()).toBe('');
  });
});
