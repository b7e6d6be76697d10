import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { directoryDigest } from '../../src/domain/lineage/content-digest.js';
import { LineageQueryService } from '../../src/services/lineage/lineage-query-service.js';
import { LineageService } from '../../src/services/lineage/lineage-service.js';
import { ReconcileService } from '../../src/services/lineage/reconcile-service.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

// A real S3-compatible server on loopback: reconciliation reads the bucket over HTTP as it would read S3.
let s3: S3rver;
let s3Dir: string;
let client: S3Client;

beforeAll(async () => {
  s3Dir = await mkdtemp(join(tmpdir(), 'mnemo-s3-lake-'));
  s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: s3Dir,
    configureBuckets: [{ name: 'lake' }],
  });
  const { port } = await s3.run();
  vi.stubEnv('MNEMO_S3_ENDPOINT_URL', `http://127.0.0.1:${port}`);
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
  client = new S3Client({
    endpoint: process.env.MNEMO_S3_ENDPOINT_URL,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
});

afterAll(async () => {
  // Test files share a process: the endpoint and keys must not outlive this one.
  vi.unstubAllEnvs();
  await s3?.close();
  await rm(s3Dir, { recursive: true, force: true });
});

const put = (key: string, body: string) => client.send(new PutObjectCommand({ Bucket: 'lake', Key: key, Body: body }));

describe.each(backends)('reconciling data in S3 on $name', (backend) => {
  const api = useTestServer(backend);

  it('re-hashes objects and prefixes in the bucket, finds drift, missing data and unregistered objects', async () => {
    await put('raw/orders.csv', 'id\n1\n');
    await put('raw/customers.csv', 'id\n7\n');
    await put('raw/stray.csv', 'nobody registered me');
    await put('raw/gone.csv', 'soon gone');
    await put('images/a.png', 'png-a');
    await put('images/sub/b.png', 'png-b');
    const register = async (name: string, uri: string, digest: string) => {
      const { status, body } = await api.call<{ datasetVersion: { versionId: string } }>(
        'POST',
        '/api/v1/lineage/dataset-versions',
        { namespace: 's3://lake', name, version: 'v1', uri, digest },
      );
      expect(status).toBe(201);
      return body.datasetVersion.versionId;
    };
    const orders = await register('orders', 's3://lake/raw/orders.csv', `sha256:${sha256('id\n1\n')}`);
    const customers = await register('customers', 's3a://lake/raw/customers.csv', sha256('id\n7\n'));
    const gone = await register('gone', 's3://lake/raw/gone.csv', sha256('soon gone'));
    const images = await register(
      'images',
      's3://lake/images/',
      directoryDigest([
        { path: 'a.png', sha256: sha256('png-a') },
        { path: 'sub/b.png', sha256: sha256('png-b') },
      ]),
    );
    const elsewhere = await register('elsewhere', 's3://no-such-bucket/x.csv', sha256('x'));

    await put('raw/customers.csv', 'id\n8\n');
    await client.send(new DeleteObjectCommand({ Bucket: 'lake', Key: 'raw/gone.csv' }));

    const store = api.server.store;
    const deps = { store, unitOfWork: api.server.services.unitOfWork, now: Date.now };
    const service = new ReconcileService(deps, new LineageService(deps), new LineageQueryService(deps));
    const hashed: string[] = [];
    const report = await service.reconcileData({
      recordDrift: true,
      onProgress: (p) => {
        if (p.phase === 'hash') hashed.push(p.file.path);
      },
    });

    expect(report.unchanged.map((c) => c.versionId).sort()).toEqual([orders, images].sort());
    expect(report.modified).toEqual([
      expect.objectContaining({ versionId: customers, observedDigest: `sha256:${sha256('id\n8\n')}` }),
    ]);
    expect(report.missing.map((c) => c.versionId)).toEqual([gone]);
    expect(report.skipped).toContainEqual({
      versionId: elsewhere,
      uri: 's3://no-such-bucket/x.csv',
      reason: expect.stringContaining('cannot be read'),
    });
    expect(report.unregistered).toEqual(['s3://lake/raw/stray.csv']);
    expect(hashed).toContain('s3://lake/images/sub/b.png');

    const drifted = await api.call<{ datasetVersion: { drift: { status: string } } }>(
      'GET',
      `/api/v1/lineage/dataset-versions/${customers}`,
    );
    expect(drifted.body.datasetVersion.drift.status).toBe('modified');
  });
});
