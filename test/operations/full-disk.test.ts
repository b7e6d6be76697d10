import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, open, readdir, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/server.js';
import { verifyAuditTrail } from '../../src/services/provenance/verify/audit-verifier.js';

const M = '/api/2.0/mlflow';
const VOLUME_BYTES = 24 * 1024 * 1024;

/** A small tmpfs volume of its own; mounting needs root, which the CI machine has. */
function mountVolume(path: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${VOLUME_BYTES}`, 'tmpfs', path], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Takes every free byte of the volume with one file, so the next write of any size fails with ENOSPC. */
async function fillVolume(path: string): Promise<void> {
  const handle = await open(path, 'w');
  const block = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) await handle.write(block);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  // What is left is smaller than a block: take it byte by byte.
  try {
    for (;;) await handle.write(Buffer.alloc(512, 1));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    await handle.close();
  }
}

const base = await mkdtemp(join(tmpdir(), 'mnemo-full-disk-'));
const volume = join(base, 'volume');
await mkdir(volume);
const mounted = mountVolume(volume);
if (!mounted) await rm(base, { recursive: true, force: true });

/**
 * The server's SQLite file and artifact folder live on a small volume that the test fills. Writes that find no space
 * answer 507 and keep nothing of themselves; every write acknowledged before stays; once space is back the server
 * takes writes again without a restart.
 */
describe.skipIf(!mounted)('a full disk under the SQLite store and the artifact folder', () => {
  const filler = join(volume, 'filler');
  let server: RunningServer;
  let experimentId: string;
  let runId: string;

  const call = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  const upload = async (name: string, bytes: number) => {
    const response = await fetch(
      `${server.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/${name}`,
      { method: 'PUT', body: Buffer.alloc(bytes, 7) },
    );
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  /** One hundred parameters of 6,000 characters: 600 kB a batch, each batch's parameters all named after it. */
  const paramBatch = (batch: number) => ({
    run_id: runId,
    params: Array.from({ length: 100 }, (_, p) => ({
      key: `b${batch}_p${p}`,
      value: `${batch}:${p}:`.padEnd(6000, String.fromCharCode(97 + ((batch + p) % 26))),
    })),
  });
  const storedParams = async () => {
    const run = await call<{ run: { data: { params?: { key: string; value: string }[] } } }>(
      'GET',
      `${M}/runs/get?run_id=${runId}`,
    );
    return run.body.run.data.params ?? [];
  };

  beforeAll(async () => {
    await mkdir(join(volume, 'db'));
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      backendStoreUri: `sqlite:///${join(volume, 'db', 'mnemo.db')}`,
      artifactsDestination: join(volume, 'artifacts'),
      signingKeyFile: join(base, 'signing.key'),
    });
    experimentId = (await call<{ experiment_id: string }>('POST', `${M}/experiments/create`, { name: 'full' })).body
      .experiment_id;
    runId = (
      await call<{ run: { info: { run_id: string } } }>('POST', `${M}/runs/create`, { experiment_id: experimentId })
    ).body.run.info.run_id;
  });
  afterAll(async () => {
    await server?.close();
    execFileSync('umount', [volume]);
    await rmdir(volume);
    await rm(base, { recursive: true, force: true });
  });

  it('answers 507 to writes that find no space, keeps every acknowledged one whole, and recovers when space returns', async () => {
    expect((await upload('before.bin', 256 * 1024)).status).toBe(200);
    await fillVolume(filler);

    // An upload that cannot be written: 507, and no file, whole or partial, left behind.
    const refusedUpload = await upload('model.bin', 1024 * 1024);
    expect(refusedUpload.status).toBe(507);
    expect(refusedUpload.body).toMatchObject({ error_code: 'INSUFFICIENT_STORAGE' });
    expect(refusedUpload.body.message).toMatch(/out of storage space; nothing from this request was stored/);
    const runFolder = join(volume, 'artifacts', experimentId, runId, 'artifacts');
    expect(await readdir(runFolder)).toEqual(['before.bin']);

    // Parameter batches until the database cannot grow: SQLite may still reuse space it holds (its write-ahead log
    // keeps its size), so some batches may be taken first; the volume is far smaller than all of them together.
    const acknowledged: number[] = [];
    let refusedBatch: number | undefined;
    for (let batch = 0; batch < VOLUME_BYTES / 600_000 + 5 && refusedBatch === undefined; batch++) {
      const answer = await call('POST', `${M}/runs/log-batch`, paramBatch(batch));
      if (answer.status === 200) acknowledged.push(batch);
      else {
        expect(answer.status).toBe(507);
        expect(answer.body).toMatchObject({ error_code: 'INSUFFICIENT_STORAGE' });
        refusedBatch = batch;
      }
    }
    expect(refusedBatch).toBeDefined();
    const refused = refusedBatch as number;

    // Reads go on; the refused batch left no parameter behind, the acknowledged ones are all there.
    const whileFull = await storedParams();
    expect(whileFull.filter((p) => p.key.startsWith(`b${refused}_`))).toEqual([]);
    expect(whileFull).toHaveLength(acknowledged.length * 100);

    // Space returns: the same requests now succeed, without a restart.
    await rm(filler);
    expect((await call('POST', `${M}/runs/log-batch`, paramBatch(refused))).status).toBe(200);
    expect((await upload('model.bin', 1024 * 1024)).status).toBe(200);
    const after = await storedParams();
    expect(after).toHaveLength((acknowledged.length + 1) * 100);
    for (const batch of [...acknowledged, refused]) {
      const expected = paramBatch(batch).params;
      const got = new Map(after.filter((p) => p.key.startsWith(`b${batch}_`)).map((p) => [p.key, p.value]));
      expect(got).toEqual(new Map(expected.map((p) => [p.key, p.value])));
    }
    expect((await readdir(runFolder)).sort()).toEqual(['before.bin', 'model.bin']);
    expect((await verifyAuditTrail(server.store.db)).problems).toEqual([]);
  });
});
