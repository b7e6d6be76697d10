import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import { newRun } from '../mlflow/support/mlflow-calls.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

// A real S3-compatible server on loopback; the store talks to it over HTTP with the AWS SDK, as it would to S3.
let s3: S3rver;
let s3Dir: string;
let endpoint: string;

beforeAll(async () => {
  s3Dir = await mkdtemp(join(tmpdir(), 'mnemo-s3-'));
  s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: s3Dir,
    configureBuckets: [{ name: 'ml' }],
  });
  const { port } = await s3.run();
  endpoint = `http://127.0.0.1:${port}`;
  vi.stubEnv('MNEMO_S3_ENDPOINT_URL', endpoint);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
});

afterAll(async () => {
  // Test files share a process: the endpoint and keys must not outlive this one.
  vi.unstubAllEnvs();
  await s3?.close();
  await rm(s3Dir, { recursive: true, force: true });
});

describe.each(backends.slice(0, 1))('artifacts in S3 ($name metadata)', (backend) => {
  const api = useTestServer(backend, { artifactsDestination: () => 's3://ml/team-a/artifacts' });

  it('uploads, lists, downloads and deletes through the bucket, recording sha256', async () => {
    const exp = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', { name: 's3' });
    const experimentId = exp.body.experiment.experimentId;
    const run = await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', { experimentId });
    const runId = run.body.run.runId;
    const data = new Uint8Array(6 * 1024 * 1024).map((_, i) => (i * 31) % 251);
    const put = await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/model/weights.bin`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: data,
    });
    expect(put.status).toBe(201);
    const sha256 = createHash('sha256').update(data).digest('hex');
    expect(((await put.json()) as { artifact: { sha256: string } }).artifact.sha256).toBe(sha256);
    await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/readme.md`, { method: 'PUT', body: '# model' });

    const client = new S3Client({
      endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const objects = await client.send(new ListObjectsV2Command({ Bucket: 'ml', Prefix: 'team-a/' }));
    expect(objects.Contents?.map((o) => o.Key).sort()).toEqual([
      `team-a/artifacts/${experimentId}/${runId}/artifacts/model/weights.bin`,
      `team-a/artifacts/${experimentId}/${runId}/artifacts/readme.md`,
    ]);

    const listing = await api.call<{ files: unknown[] }>('GET', `/api/v1/runs/${runId}/artifacts`);
    expect(listing.body.files).toEqual([
      { path: 'model', isDir: true, size: null, sha256: null },
      {
        path: 'readme.md',
        isDir: false,
        size: 7,
        sha256: createHash('sha256').update('# model').digest('hex'),
      },
    ]);
    const nested = await api.call<{ files: { path: string; size: number }[] }>(
      'GET',
      `/api/v1/runs/${runId}/artifacts?path=model`,
    );
    expect(nested.body.files).toMatchObject([{ path: 'model/weights.bin', size: data.length, sha256 }]);

    const download = await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/model/weights.bin`);
    expect(
      createHash('sha256')
        .update(new Uint8Array(await download.arrayBuffer()))
        .digest('hex'),
    ).toBe(sha256);
    expect((await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/missing.txt`)).status).toBe(404);

    expect((await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/model`, { method: 'DELETE' })).status).toBe(204);
    const after = await client.send(new ListObjectsV2Command({ Bucket: 'ml', Prefix: 'team-a/' }));
    expect(after.Contents?.map((o) => o.Key)).toEqual([
      `team-a/artifacts/${experimentId}/${runId}/artifacts/readme.md`,
    ]);
  });
});

describe.each(backends)('mnemo audit verify --artifacts over an S3 artifact store ($name metadata)', (backend) => {
  const destination = 's3://ml/verify/artifacts';
  const api = useTestServer(backend, { artifactsDestination: () => destination });

  it('re-hashes the objects the database vouches for and names a changed and a missing one', async () => {
    const { experimentId, runId } = await newRun(api, `s3-verify-${backend.name}`);
    const root = `${experimentId}/${runId}/artifacts`;
    const put = (path: string, body: string) =>
      fetch(`${api.url}/api/v1/runs/${runId}/artifacts/${path}`, { method: 'PUT', body });
    expect((await put('model/model.pkl', 'weights')).status).toBe(201);
    expect((await put('notes.txt', 'notes')).status).toBe(201);
    expect((await put('kept.txt', 'kept')).status).toBe(201);
    expect((await api.call('POST', '/api/2.0/mlflow/registered-models/create', { name: 'in-s3' })).status).toBe(200);
    const version = await api.call('POST', '/api/2.0/mlflow/model-versions/create', {
      name: 'in-s3',
      source: `runs:/${runId}/model`,
      run_id: runId,
    });
    expect(version.status).toBe(200);
    const verify = () => auditVerify({ backendStoreUri: api.backendUri, artifactsDestination: destination });

    const clean = await verify();
    expect(clean.stderr).toBe('');
    expect(clean.stdout).toMatch(/OK: .*; 4 artifact files re-hashed/);

    // Behind the server's back, straight in the bucket: one object rewritten, one deleted.
    const client = new S3Client({
      endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const key = (path: string) => `verify/artifacts/${root}/${path}`;
    await client.send(new PutObjectCommand({ Bucket: 'ml', Key: key('model/model.pkl'), Body: 'WEIGHTS' }));
    await client.send(new DeleteObjectCommand({ Bucket: 'ml', Key: key('notes.txt') }));

    const tampered = await verify();
    expect(tampered.code).toBe(1);
    const changed = createHash('sha256').update('WEIGHTS').digest('hex');
    expect(tampered.stderr).toContain(
      `model version in-s3/1: '${root}/model/model.pkl' changed: 7 bytes with sha256 ${changed}`,
    );
    expect(tampered.stderr).toContain(`run ${runId}: '${root}/model/model.pkl' changed`);
    expect(tampered.stderr).toContain(`run ${runId}: '${root}/notes.txt' is missing from the artifact store`);
    expect(tampered.stderr).not.toContain('kept.txt');
  });
});
