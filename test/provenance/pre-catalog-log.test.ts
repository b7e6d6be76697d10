import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/server.js';
import { auditVerify } from '../../src/cli/audit-command.js';
import { isAuditAction } from '../../src/domain/provenance/audit-events/catalog.js';
import type { VerificationReport } from '../../src/domain/provenance/verification-report.js';
import { openStore } from '../../src/store/open-store.js';

/*
 * test/fixtures/audit-v1/mnemo.db was written by the server as it was before audit events had a typed catalog (see
 * generate.ts there): every state in it is version 1 as those writers built it. The verifier must still pass it, must
 * still compare its states with the rows (not merely skip them), and must pass the same log once today's writers have
 * appended to it.
 */
const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'audit-v1');

type KeyDocument = { keys: { keyId: string; publicKey: string }[] };

describe('mnemo audit verify on a log written before the event catalog', () => {
  let dir: string;
  let uri: string;
  let keyFile: string;
  let fixtureKeys: KeyDocument;
  let server: RunningServer | undefined;

  const verify = async (key = keyFile) => {
    const result = await auditVerify({ backendStoreUri: uri, key, json: true });
    return { code: result.code, report: JSON.parse(result.stdout) as VerificationReport };
  };
  const call = async <T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${server!.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    expect(response.status, `${method} ${path}: ${text}`).toBeLessThan(300);
    return (text === '' ? {} : JSON.parse(text)) as T;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mnemo-audit-v1-'));
    await copyFile(join(FIXTURE, 'mnemo.db'), join(dir, 'mnemo.db'));
    uri = `sqlite:///${join(dir, 'mnemo.db')}`;
    keyFile = join(dir, 'trusted-keys.json');
    fixtureKeys = JSON.parse(await readFile(join(FIXTURE, 'trusted-keys.json'), 'utf8')) as KeyDocument;
    await writeFile(keyFile, JSON.stringify(fixtureKeys));
    // Opening it as the server does brings its schema up to date, as an upgrade would.
    await (await openStore(uri)).close();
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('holds only actions of the catalog', async () => {
    const store = await openStore(uri);
    try {
      const actions = await store.db.selectFrom('audit_events').select('action').distinct().execute();
      expect(actions.length).toBeGreaterThan(60);
      expect(actions.map((a) => a.action).filter((action) => !isAuditAction(action))).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('passes the untouched log, checkpoints signed by its keys included', async () => {
    const { code, report } = await verify();
    expect(report.problems).toEqual([]);
    expect(code).toBe(0);
    expect(report).toMatchObject({ events: 133, checkpoints: 2, entities: 22, lineage: 37, governance: 6 });
  });

  it('still compares the version 1 states with the rows: a deployment edited behind the log is found', async () => {
    const store = await openStore(uri);
    try {
      const deployment = await store.db
        .selectFrom('lineage_deployments')
        .select(['deployment_id', 'status'])
        .executeTakeFirstOrThrow();
      const target = await store.db
        .selectFrom('lineage_features')
        .select(['feature_id', 'name'])
        .executeTakeFirstOrThrow();
      await store.db
        .updateTable('lineage_deployments')
        .set({ status: 'RETIRED' })
        .where('deployment_id', '=', deployment.deployment_id)
        .execute();
      await store.db
        .updateTable('lineage_features')
        .set({ name: 'forged' })
        .where('feature_id', '=', target.feature_id)
        .execute();
      try {
        const { code, report } = await verify();
        expect(code).toBe(1);
        // Both states are version 1 as the old writers built them: a raw feature row, a camelCase deployment.
        expect(report.problems.map((p) => p.message)).toEqual([
          expect.stringMatching(
            /^feature 'forged' \(\w+\) was changed after event \d+: name is "forged" but the log recorded "spend_7d"$/,
          ),
          expect.stringMatching(
            new RegExp(
              `^deployment ${deployment.deployment_id} of model_version:\\w+/1 was changed after event \\d+: status is "RETIRED" but the log recorded "${deployment.status}"$`,
            ),
          ),
        ]);
      } finally {
        await store.db
          .updateTable('lineage_deployments')
          .set({ status: deployment.status })
          .where('deployment_id', '=', deployment.deployment_id)
          .execute();
        await store.db
          .updateTable('lineage_features')
          .set({ name: target.name })
          .where('feature_id', '=', target.feature_id)
          .execute();
      }
    } finally {
      await store.close();
    }
    expect((await verify()).code).toBe(0);
  });

  it('passes the log after today’s writers appended to it, old and new events alike', async () => {
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      backendStoreUri: uri,
      artifactsDestination: join(dir, 'artifacts'),
      signingKeyFile: join(dir, 'keys', 'signing-key.pem'),
      checkpointIntervalMinutes: 0,
    });
    // New entities of every lineage kind, and new events of entities the old log created.
    await call('POST', '/api/v1/lineage/datasets', { namespace: 's3://lake', name: 'refunds' });
    const version = (
      await call<{ datasetVersion: { versionId: string } }>('POST', '/api/v1/lineage/dataset-versions', {
        namespace: 's3://lake',
        name: 'refunds',
        version: '2025-01',
        digest: '0011223344556677',
      })
    ).datasetVersion.versionId;
    const codeRefId = (
      await call<{ id: string }>('POST', '/api/v1/lineage/code-refs', {
        repository: 'https://github.com/acme/refunds',
        commit: 'fedcba9876543210fedcba9876543210fedcba98',
      })
    ).id;
    const environmentId = (
      await call<{ id: string }>('POST', '/api/v1/lineage/environments', {
        os: 'linux',
        runtime: 'python 3.12',
        packages: {},
        hardware: { gpus: 0 },
      })
    ).id;
    await call('POST', '/api/v1/lineage/features', {
      name: 'refund_rate',
      version: '1',
      codeRefId,
      inputDatasetVersionIds: [version],
    });
    const targetId = (
      await call<{ deploymentTarget: { targetId: string } }>('POST', '/api/v1/lineage/deployment-targets', {
        name: 'prod-us',
        environmentId,
      })
    ).deploymentTarget.targetId;
    const deploymentId = (
      await call<{ deployment: { deploymentId: string } }>('POST', '/api/v1/lineage/deployments', {
        modelId: 'fraud-detector',
        version: 1,
        targetId,
        status: 'PENDING',
      })
    ).deployment.deploymentId;
    await call('PATCH', `/api/v1/lineage/deployments/${deploymentId}`, { status: 'ACTIVE' });
    const old = await server.store.db.selectFrom('lineage_deployments').select('deployment_id').execute();
    for (const { deployment_id } of old) {
      if (deployment_id !== deploymentId) {
        await call('PATCH', `/api/v1/lineage/deployments/${deployment_id}`, { status: 'RETIRED' });
      }
    }
    await call('PATCH', '/api/v1/registered-models/fraud-detector', { description: 'third cut' });
    await call('POST', '/api/v1/audit/checkpoints');
    const current = await call<KeyDocument>('GET', '/api/v1/keys');
    await server.close();
    server = undefined;

    const allKeys = join(dir, 'all-keys.json');
    const keys = [...fixtureKeys.keys, ...current.keys.map(({ keyId, publicKey }) => ({ keyId, publicKey }))];
    await writeFile(
      allKeys,
      JSON.stringify({ keys: keys.filter((k, i) => keys.findIndex((o) => o.keyId === k.keyId) === i) }),
    );
    const { code, report } = await verify(allKeys);
    expect(report.problems).toEqual([]);
    expect(code).toBe(0);
    expect(report.events).toBeGreaterThan(133);
    expect(report.checkpoints).toBe(3);
  });
});
