import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

describe.each(backends)('artifacts on $name', (backend) => {
  const api = useTestServer(backend);

  async function newRun(): Promise<{ runId: string; experimentId: string }> {
    const exp = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', {
      name: `artifacts-${Math.random()}`,
    });
    const run = await api.call<{ run: { runId: string; experimentId: string } }>('POST', '/api/v1/runs', {
      experimentId: exp.body.experiment.experimentId,
    });
    return run.body.run;
  }

  const put = (runId: string, path: string, body: Uint8Array | string) =>
    fetch(`${api.url}/api/v1/runs/${runId}/artifacts/${path}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body,
    });

  it('uploads, lists with sha256, downloads byte-for-byte and deletes', async () => {
    const { runId, experimentId } = await newRun();
    const weights = new Uint8Array(300_000).map((_, i) => (i * 7919) % 256);
    const uploaded = await put(runId, 'model/weights.bin', weights);
    expect(uploaded.status).toBe(201);
    const sha256 = createHash('sha256').update(weights).digest('hex');
    expect(await uploaded.json()).toEqual({
      artifact: { path: 'model/weights.bin', isDir: false, size: weights.length, sha256 },
    });
    await put(runId, 'model/config.json', '{"layers": 3}');
    await put(runId, 'notes.txt', 'hello');

    const root = await api.call<{ rootUri: string; files: unknown[] }>('GET', `/api/v1/runs/${runId}/artifacts`);
    expect(root.body.rootUri).toBe(`mlflow-artifacts:/${experimentId}/${runId}/artifacts`);
    expect(root.body.files).toEqual([
      { path: 'model', isDir: true, size: null, sha256: null },
      { path: 'notes.txt', isDir: false, size: 5, sha256: createHash('sha256').update('hello').digest('hex') },
    ]);
    const model = await api.call<{ files: { path: string; sha256: string | null }[] }>(
      'GET',
      `/api/v1/runs/${runId}/artifacts?path=model`,
    );
    expect(model.body.files.map((f) => f.path)).toEqual(['model/config.json', 'model/weights.bin']);
    expect(model.body.files[1]!.sha256).toBe(sha256);

    const downloaded = await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/model/weights.bin`);
    expect(downloaded.status).toBe(200);
    expect(new Uint8Array(await downloaded.arrayBuffer())).toEqual(weights);

    expect((await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/model`, { method: 'DELETE' })).status).toBe(204);
    const after = await api.call<{ files: { path: string }[] }>('GET', `/api/v1/runs/${runId}/artifacts`);
    expect(after.body.files.map((f) => f.path)).toEqual(['notes.txt']);
    expect((await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/model/weights.bin`)).status).toBe(404);
  });

  it('refuses paths that leave the run directory and writes nothing', async () => {
    const { runId } = await newRun();
    const attempts = [
      '../escape.txt',
      '..%2F..%2Fescape.txt',
      '%2e%2e/%2e%2e/escape.txt',
      'a/../../escape.txt',
      'a//b.txt',
      'a%5C..%5Cb.txt',
    ];
    for (const path of attempts) {
      const response = await put(runId, path, 'x');
      // Either the HTTP layer normalises the URL away from the route (404) or the path check refuses it (400).
      expect([400, 404], path).toContain(response.status);
      const body = (await response.json()) as { error_code: string };
      expect(body.error_code).toBeTruthy();
    }
    const listing = await api.call('GET', `/api/v1/runs/${runId}/artifacts?path=..`);
    expect(listing.status).toBe(400);
    const top = await readdir(api.artifactsDir);
    expect(top.some((name) => name.includes('escape'))).toBe(false);
  });

  it('stores JSON and text uploads as the exact bytes sent, whatever their content type', async () => {
    const { runId } = await newRun();
    const cases = [
      ['metrics.json', 'application/json', '{ "acc" : 0.9,\n  "loss": 1e-3 }'],
      ['notes.txt', 'text/plain; charset=utf-8', 'line one\r\nline two ✓'],
      ['empty.bin', 'application/octet-stream', ''],
    ] as const;
    for (const [path, type, text] of cases) {
      const response = await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/${path}`, {
        method: 'PUT',
        headers: { 'content-type': type },
        body: text,
      });
      expect(response.status, path).toBe(201);
      const downloaded = await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/${path}`);
      expect(await downloaded.text(), path).toBe(text);
    }
  });

  it('answers 404 for an unknown run or file', async () => {
    const { runId } = await newRun();
    expect((await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/none.txt`)).status).toBe(404);
    expect((await put('f'.repeat(32), 'x.txt', 'x')).status).toBe(404);
  });
});
