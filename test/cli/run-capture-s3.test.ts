import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryDigest } from '../../src/domain/lineage/content-digest.js';
import { LineageClient, Mnemo } from '../../src/sdk/index.js';
import { backends } from '../support/backends.js';
import { CLI_TIMEOUT, runMnemo } from '../support/mnemo-cli.js';
import { useTestServer } from '../support/test-server.js';

const hex = (text: string) => createHash('sha256').update(text).digest('hex');

// A real S3-compatible server on loopback: `mnemo run` hashes objects by reading them over HTTP, as it would S3.
let s3: S3rver;
let s3Dir: string;
let work: string;
let s3Env: Record<string, string>;

beforeAll(async () => {
  s3Dir = await mkdtemp(join(tmpdir(), 'mnemo-s3-capture-'));
  work = await mkdtemp(join(tmpdir(), 'mnemo-s3-work-'));
  s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: s3Dir,
    configureBuckets: [{ name: 'lake' }],
  });
  const { port } = await s3.run();
  s3Env = {
    MNEMO_S3_ENDPOINT_URL: `http://127.0.0.1:${port}`,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_REGION: 'us-east-1',
  };
  const client = new S3Client({
    endpoint: s3Env.MNEMO_S3_ENDPOINT_URL,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  const put = (key: string, body: string) =>
    client.send(new PutObjectCommand({ Bucket: 'lake', Key: key, Body: body }));
  await put('raw/orders.csv', 'id\n1\n');
  await put('images/a.png', 'png-a');
  await put('images/sub/b.png', 'png-b');
  await put('models/out.bin', 'weights');
});

afterAll(async () => {
  await s3?.close();
  await rm(s3Dir, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

describe.each(backends)('mnemo run with data in S3 on $name', (backend) => {
  const api = useTestServer(backend);

  it(
    'hashes objects and prefixes, and refuses an object that is not there before running anything',
    async () => {
      const run = (args: string[]) => runMnemo(['run', '--tracking-uri', api.url, ...args], work, s3Env);
      const missing = await run(['--input', 's3://lake/raw/none.csv', '--', 'node', '-e', 'console.log("ran")']);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('s3://lake/raw/none.csv does not exist');
      expect(missing.stdout).toBe('');

      const result = await run([
        '--input',
        's3://lake/raw/orders.csv',
        '--input',
        's3a://lake/images/',
        '--output',
        's3://lake/models/out.bin',
        '--',
        'node',
        '-e',
        '0',
      ]);
      expect(result.code, result.stderr).toBe(0);
      const runId = /mnemo: run ([0-9a-f]{32})/.exec(result.stderr)![1]!;
      const tags = (await new Mnemo({ url: api.url }).getRun(runId)).tags;
      const images = directoryDigest([
        { path: 'a.png', sha256: hex('png-a') },
        { path: 'sub/b.png', sha256: hex('png-b') },
      ]);
      expect(tags).toMatchObject({
        'mnemo.input.0': `s3://lake/raw/orders.csv@sha256:${hex('id\n1\n')}`,
        'mnemo.input.1': `s3://lake/images@${images}`,
        'mnemo.output.0': `s3://lake/models/out.bin@sha256:${hex('weights')}`,
      });
      const lineage = new LineageClient(api.url);
      const [orders] = await lineage.datasetVersions({ namespace: 's3://lake', name: 'raw/orders.csv' });
      expect(orders).toMatchObject({ uri: 's3://lake/raw/orders.csv', digest: `sha256:${hex('id\n1\n')}` });
      const up = await lineage.upstream(`run:${runId}`, { depth: 1 });
      expect(up.nodes.filter((n) => n.path[0]?.type === 'consumed').map((n) => n.id)).toContain(orders!.nodeId);

      // Reproducing it reads the same objects again; with S3 out of reach it says so rather than call them the same.
      const inputDifferences = async (env: Record<string, string>) => {
        const checked = await runMnemo(['reproduce', '--tracking-uri', api.url, runId, '--json'], work, env);
        const report = JSON.parse(checked.stdout) as { differences: { aspect: string; what: string }[] };
        return { code: checked.code, inputs: report.differences.filter((d) => d.aspect === 'input') };
      };
      expect(await inputDifferences(s3Env)).toEqual({ code: 0, inputs: [] });
      const unreachable = await inputDifferences({ ...s3Env, MNEMO_S3_ENDPOINT_URL: 'http://127.0.0.1:1' });
      expect(unreachable.code).toBe(1);
      expect(unreachable.inputs.map((d) => d.what.replace(/checked: .*/, 'checked'))).toEqual([
        's3://lake/raw/orders.csv could not be checked',
        's3://lake/images could not be checked',
      ]);
    },
    3 * CLI_TIMEOUT,
  );
});
