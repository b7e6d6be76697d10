import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import { newRun } from '../mlflow/support/mlflow-calls.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

describe.each(backends)('artifact size limits, on $name', (backend) => {
  const api = useTestServer(backend, { server: { uploadLimits: { maxFileBytes: 1_000, maxRunBytes: 2_500 } } });
  const bytes = (n: number) => 'x'.repeat(n);

  it('refuses a file over the limit while it streams, keeping nothing of it', async () => {
    const { experimentId, runId } = await newRun(api, 'big-files');
    const native = await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/big.bin`, {
      method: 'PUT',
      body: bytes(1_001),
    });
    expect(native.status).toBe(413);
    expect(await native.json()).toMatchObject({
      error_code: 'RESOURCE_EXHAUSTED',
      message: /limit of 1000 bytes per file/,
    });
    const proxied = await fetch(
      `${api.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/big.bin`,
      {
        method: 'PUT',
        body: bytes(50_000),
      },
    );
    expect(proxied.status).toBe(413);
    expect((await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/big.bin`)).status).toBe(404);
    const listed = await api.call<{ files: unknown[] }>('GET', `/api/v1/runs/${runId}/artifacts`);
    expect(listed.body.files).toEqual([]);
    const leftovers = (await readdir(api.artifactsDir, { recursive: true })).filter((f) => f.includes('.upload-'));
    expect(leftovers).toEqual([]);
  });

  it("counts a run's files together, and a replaced file only once", async () => {
    const { runId } = await newRun(api, 'run-total');
    const put = (path: string, size: number) =>
      fetch(`${api.url}/api/v1/runs/${runId}/artifacts/${path}`, { method: 'PUT', body: bytes(size) });
    expect((await put('a.bin', 900)).status).toBe(201);
    expect((await put('b.bin', 900)).status).toBe(201);
    const third = await put('c.bin', 900);
    expect(third.status).toBe(413);
    expect(((await third.json()) as { message: string }).message).toMatch(
      /limit per run is 2500 bytes, so 'c.bin' may have at most 700/,
    );
    expect((await put('c.bin', 700)).status).toBe(201);
    expect((await put('a.bin', 900)).status).toBe(201);
    expect((await put('a.bin', 1_000)).status).toBe(413);
    expect((await api.call<{ files: unknown[] }>('GET', `/api/v1/runs/${runId}/artifacts`)).body.files).toHaveLength(3);
    const verified = await auditVerify({ backendStoreUri: api.backendUri });
    expect(verified.code, verified.stderr).toBe(0);
  });
});
