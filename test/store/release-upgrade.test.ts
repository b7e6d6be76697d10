import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/server.js';
import { auditVerify } from '../../src/cli/audit-command.js';
import type { SnapshotManifest } from '../../src/domain/backup/dump-format.js';
import type { VerificationReport } from '../../src/domain/provenance/verification-report.js';
import { restoreSnapshot } from '../../src/store/backup/restore-snapshot.js';
import { backends, type CreatedDatabase } from '../support/backends.js';

/*
 * test/fixtures/release-0.1/snapshot was written by release 0.1 (see generate.ts there) and is never regenerated:
 * every later release must take that store — restored at 0.1's schema, then upgraded by this release's migrations —
 * with its audit log still verifying and its data still served. A release that breaks an upgrade path fails here.
 */
const SNAPSHOT = join(import.meta.dirname, '..', 'fixtures', 'release-0.1', 'snapshot');

// biome-ignore lint/suspicious/noExplicitAny: replies are read along paths the assertions then check
type Body = Record<string, any>;

describe.each(backends)('a release 0.1 store upgraded on $name', (backend) => {
  let database: CreatedDatabase;
  let dir: string;
  let manifest: SnapshotManifest;
  let server: RunningServer;

  const get = async (path: string): Promise<Body> => {
    const response = await fetch(`${server.url}${path}`);
    expect(response.status, path).toBe(200);
    return (await response.json()) as Body;
  };

  beforeAll(async () => {
    database = await backend.create();
    dir = await mkdtemp(join(tmpdir(), 'mnemo-release-upgrade-'));
    manifest = await restoreSnapshot({
      snapshot: SNAPSHOT,
      backendStoreUri: database.uri,
      artifactsDestination: join(dir, 'artifacts'),
      progress: () => {},
    });
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      backendStoreUri: database.uri,
      artifactsDestination: join(dir, 'artifacts'),
      signingKeyFile: join(dir, 'signing-key.pem'),
      checkpointIntervalMinutes: 0,
    });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('verifies its audit log against the keys it was signed with, up to the recorded head', async () => {
    const recorded = JSON.parse(await readFile(join(SNAPSHOT, 'manifest.json'), 'utf8')) as SnapshotManifest;
    const keys = join(dir, 'trusted-keys.json');
    await writeFile(
      keys,
      JSON.stringify({ keys: recorded.signingKeys.map(({ keyId, publicKey }) => ({ keyId, publicKey })) }),
    );
    const result = await auditVerify({ backendStoreUri: database.uri, key: keys, json: true });
    const report = JSON.parse(result.stdout) as VerificationReport;
    expect(report.problems).toEqual([]);
    expect(result.code).toBe(0);
    expect(manifest.auditHead).toEqual(recorded.auditHead);
  });

  it('serves what 0.1 stored: runs and their metric series, the registry, users and comments', async () => {
    const experiment = (await get('/api/2.0/mlflow/experiments/get-by-name?experiment_name=churn')).experiment;
    const search = await fetch(`${server.url}/api/2.0/mlflow/runs/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ experiment_ids: [experiment.experiment_id] }),
    });
    const [run] = ((await search.json()) as Body).runs;
    expect(run.info.run_name).toBe('gbm');
    expect(run.data.params).toEqual([{ key: 'depth', value: '6' }]);
    const loss = await get(
      `/api/2.0/mlflow/metrics/get-history?run_id=${run.info.run_id}&metric_key=loss&max_results=5000`,
    );
    expect(loss.metrics).toHaveLength(3000);
    expect(loss.metrics[2999]).toMatchObject({ step: 2999, value: 1 / 3000 });
    const odd = await get(`/api/2.0/mlflow/metrics/get-history?run_id=${run.info.run_id}&metric_key=odd`);
    // As MLflow answers them: NaN spelled out, ±Infinity as the largest finite doubles.
    expect(odd.metrics.map((m: Body) => m.value)).toEqual(['NaN', Number.MAX_VALUE, -Number.MAX_VALUE]);

    const version = (await get('/api/2.0/mlflow/model-versions/get?name=fraud-detector&version=2')).model_version;
    expect(version.version).toBe('2');
    const comments = await get('/api/v1/registered-models/fraud-detector/versions/2/comments');
    expect(comments.comments.map((c: Body) => c.body)).toEqual(['Approved for staging']);
    const users = await get('/api/v1/users');
    expect(users.users.map((u: Body) => u.name)).toContain('ana');
    const milestones = await get(`/api/v1/experiments/${experiment.experiment_id}/milestones`);
    expect(milestones.milestones[0]).toMatchObject({ name: 'ship', metricKey: 'loss' });
  });
});
