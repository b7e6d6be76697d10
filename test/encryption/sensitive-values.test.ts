import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/server.js';
import { auditVerify } from '../../src/cli/audit-command.js';
import { parseSecretKey } from '../../src/domain/webhooks/secret-box.js';
import { openStore } from '../../src/store/open-store.js';
import { backends } from '../support/backends.js';
import { type Caller, given, ok } from '../support/builders.js';

const SECRET_PARAM = 'postgres://etl:hunter2-param@warehouse/prod';
const SECRET_TAG = 'vip-customer-tag-7f3a';
const SECRET_MLFLOW_TAG = 'ada@example.invalid';
const SECRET_MLFLOW_PARAM = 'mysql://root:s3cr3t-mlflow@db';
const PLAINTEXTS = [SECRET_PARAM, SECRET_TAG, SECRET_MLFLOW_TAG, SECRET_MLFLOW_PARAM, 'hunter2', 's3cr3t'];

const hexKey = () => randomBytes(32).toString('hex');

function callerOf(url: string): Caller {
  return {
    async call(method, path, body) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as never };
    },
  };
}

describe.each(backends)('sensitive params and tags are stored encrypted on $name', (backend) => {
  const oldKey = hexKey();
  const newKey = hexKey();
  const oldKeyId = parseSecretKey(oldKey).keyId;
  const newKeyId = parseSecretKey(newKey).keyId;
  let uri: string;
  let drop: () => Promise<void>;
  let artifacts: string;
  let server: RunningServer | undefined;
  let api: Caller;
  let experimentId: string;
  let runId: string;
  const otherRuns: string[] = [];

  async function start(
    keys: string | undefined,
    sensitiveKeys?: string,
    rotateEncryptionOnStart = true,
  ): Promise<void> {
    await server?.close();
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      backendStoreUri: uri,
      artifactsDestination: artifacts,
      encryptionKey: keys,
      sensitiveKeys,
      rotateEncryptionOnStart,
    });
    api = callerOf(server.url);
  }

  /** Every stored param and tag value, and the whole audit log, as the database holds them. */
  async function rawRows(): Promise<{ values: { run_id: string; key: string; value: string }[]; audit: string }> {
    const store = await openStore(uri);
    try {
      const params = await store.db.selectFrom('run_params').selectAll().execute();
      const tags = await store.db.selectFrom('run_tags').selectAll().execute();
      const events = await store.db.selectFrom('audit_events').selectAll().execute();
      const states = await store.db.selectFrom('audit_states').selectAll().execute();
      return { values: [...params, ...tags], audit: JSON.stringify([events, states]) };
    } finally {
      await store.close();
    }
  }

  async function editStoredParam(key: string, edit: (value: string) => string): Promise<() => Promise<void>> {
    const store = await openStore(uri);
    try {
      const row = await store.db
        .selectFrom('run_params')
        .selectAll()
        .where('run_id', '=', runId)
        .where('key', '=', key)
        .executeTakeFirstOrThrow();
      await store.db
        .updateTable('run_params')
        .set({ value: edit(row.value) })
        .where('run_id', '=', runId)
        .where('key', '=', key)
        .execute();
      return async () => {
        const again = await openStore(uri);
        await again.db
          .updateTable('run_params')
          .set({ value: row.value })
          .where('run_id', '=', runId)
          .where('key', '=', key)
          .execute();
        await again.close();
      };
    } finally {
      await store.close();
    }
  }

  const readRunEverywhere = async (id: string) => {
    const native = await ok<{ run: unknown }>(api, 'GET', `/api/v1/runs/${id}`);
    const mlflow = await ok<{ run: unknown }>(api, 'GET', `/api/2.0/mlflow/runs/get?run_id=${id}`);
    return JSON.stringify([native, mlflow]);
  };

  beforeAll(async () => {
    const db = await backend.createMigrated();
    uri = db.uri;
    drop = db.drop;
    artifacts = await mkdtemp(join(tmpdir(), 'mnemo-test-artifacts-'));
    await start(oldKey, '*.connection_string');
    const experiment = await given(api).experiment('billing');
    experimentId = experiment.experimentId;
    await ok(api, 'PUT', `/api/v1/experiments/${experimentId}/sensitive-keys`, { patterns: ['customer.*'] });
    const run = await experiment.run({ runName: 'nightly', tags: { 'customer.segment': SECRET_TAG } });
    runId = run.runId;
    await run.log({
      params: { 'warehouse.connection_string': SECRET_PARAM, lr: '0.01' },
      tags: { team: 'billing' },
    });
    await ok(api, 'POST', '/api/2.0/mlflow/runs/set-tag', {
      run_id: runId,
      key: 'customer.email',
      value: SECRET_MLFLOW_TAG,
    });
    await ok(api, 'POST', '/api/2.0/mlflow/runs/log-parameter', {
      run_id: runId,
      key: 'source.connection_string',
      value: SECRET_MLFLOW_PARAM,
    });
    // Enough runs that a rotation pass takes several steps, with readers in between.
    for (let i = 0; i < 60; i++) {
      const other = await experiment.run({ runName: `r${i}` });
      await other.log({ params: { 'warehouse.connection_string': `${SECRET_PARAM}-${i}` } });
      otherRuns.push(other.runId);
    }
  });

  afterAll(async () => {
    await server?.close();
    await drop?.();
    await rm(artifacts, { recursive: true, force: true });
  });

  it('keeps the plaintext out of the stored rows and out of the audit log', async () => {
    const { values, audit } = await rawRows();
    for (const row of values) for (const secret of PLAINTEXTS) expect(row.value).not.toContain(secret);
    for (const secret of PLAINTEXTS) expect(audit).not.toContain(secret);
    const own = values.filter((v) => v.run_id === runId);
    const sealed = own.filter((v) => v.value.startsWith('mnemo-sealed:')).map((v) => v.key);
    expect(sealed.sort()).toEqual([
      'customer.email',
      'customer.segment',
      'source.connection_string',
      'warehouse.connection_string',
    ]);
    expect(own.find((v) => v.key === 'lr')!.value).toBe('0.01');
    expect(audit).toMatch(/mnemo-sealed:sha256:[0-9a-f]{64}/);
  });

  it('gives readers the plaintext through native and MLflow reads and searches', async () => {
    const single = await readRunEverywhere(runId);
    for (const secret of [SECRET_PARAM, SECRET_TAG, SECRET_MLFLOW_TAG, SECRET_MLFLOW_PARAM]) {
      expect(single).toContain(secret);
    }
    expect(single).not.toContain('mnemo-sealed:');
    const native = await ok(api, 'POST', '/api/v1/runs/search', { experimentIds: [experimentId], maxResults: 100 });
    const many = await ok(api, 'POST', '/api/v1/runs/get', { runIds: [runId] });
    const mlflow = await ok(api, 'POST', '/api/2.0/mlflow/runs/search', { experiment_ids: [experimentId] });
    for (const reply of [native, many, mlflow]) {
      expect(JSON.stringify(reply)).toContain(SECRET_PARAM);
      expect(JSON.stringify(reply)).not.toContain('mnemo-sealed:');
    }
  });

  it('refuses to compare or sort a sensitive value in a search, naming the key', async () => {
    const filtered = await api.call('POST', '/api/v1/runs/search', {
      experimentIds: [experimentId],
      filter: `params."warehouse.connection_string" = '${SECRET_PARAM}'`,
    });
    expect(filtered.status).toBe(400);
    expect(JSON.stringify(filtered.body)).toMatch(/warehouse\.connection_string.*sensitive/);
    const ordered = await api.call('POST', '/api/2.0/mlflow/runs/search', {
      experiment_ids: [experimentId],
      order_by: ['tags.`customer.segment` ASC'],
    });
    expect(ordered.status).toBe(400);
    expect(JSON.stringify(ordered.body)).toMatch(/customer\.segment/);
    const present = await ok<{ runs: unknown[] }>(api, 'POST', '/api/v1/runs/search', {
      experimentIds: [experimentId],
      filter: `tags."customer.segment" IS NOT NULL`,
    });
    expect(present.runs).toHaveLength(1);
  });

  it('accepts a sensitive param logged again with its value and refuses another without echoing either', async () => {
    await ok(api, 'POST', `/api/v1/runs/${runId}/batch`, { params: { 'warehouse.connection_string': SECRET_PARAM } });
    const changed = await api.call('POST', `/api/v1/runs/${runId}/batch`, {
      params: { 'warehouse.connection_string': 'postgres://other' },
    });
    expect(changed.status).toBe(400);
    expect(JSON.stringify(changed.body)).not.toContain('hunter2');
    expect(JSON.stringify(changed.body)).not.toContain('postgres://other');
  });

  it('refuses plain values that pose as encrypted ones and the pattern tag through the tag routes', async () => {
    const posing = await api.call('POST', `/api/v1/runs/${runId}/batch`, { tags: { note: 'mnemo-sealed:v1.x' } });
    expect(posing.status).toBe(400);
    const long = await api.call('POST', `/api/v1/runs/${runId}/batch`, {
      tags: { 'customer.notes': 'n'.repeat(1501) },
    });
    expect(long.status).toBe(400);
    expect(JSON.stringify(long.body)).toMatch(/customer\.notes.*1501 bytes/);
    await ok(api, 'POST', `/api/v1/runs/${runId}/batch`, {
      tags: { 'customer.notes': randomBytes(750).toString('hex') },
    });
    const tag = await api.call('PUT', `/api/v1/experiments/${experimentId}/tags`, {
      tags: { 'mnemo.sensitive_keys': '' },
    });
    expect(tag.status).toBe(400);
    const setting = await ok<{ patterns: string[]; serverPatterns: string[] }>(
      api,
      'GET',
      `/api/v1/experiments/${experimentId}/sensitive-keys`,
    );
    expect(setting).toMatchObject({ patterns: ['customer.*'], serverPatterns: ['*.connection_string'] });
  });

  it('verifies the log against encrypted rows and finds an edited one', async () => {
    const clean = await auditVerify({ backendStoreUri: uri });
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    const undo = await editStoredParam(
      'warehouse.connection_string',
      // A different character where one is replaced, whatever the random ciphertext held there.
      (v) => `${v.slice(0, -3)}${v.at(-3) === 'A' ? 'B' : 'A'}${v.slice(-2)}`,
    );
    try {
      const tampered = await auditVerify({ backendStoreUri: uri });
      expect(tampered.code).toBe(1);
      expect(tampered.stderr).toMatch(new RegExp(`run ${runId}: param 'warehouse.connection_string'`));
      expect(tampered.stderr).not.toContain('hunter2');
    } finally {
      await undo();
    }
    expect((await auditVerify({ backendStoreUri: uri })).code).toBe(0);
  });

  const storedKeyIds = async () =>
    new Set(
      (await rawRows()).values.filter((v) => v.value.startsWith('mnemo-sealed:')).map((v) => v.value.split('.')[1]),
    );

  it('reads values under the old and the new key alike while both are configured', async () => {
    await start(`${newKey},${oldKey}`, '*.connection_string', false);
    await ok(api, 'POST', `/api/v1/runs/${runId}/batch`, { tags: { 'customer.since': '2019-under-new-key' } });
    expect(await storedKeyIds()).toEqual(new Set([oldKeyId, newKeyId]));
    const text = await readRunEverywhere(runId);
    expect(text).toContain(SECRET_PARAM);
    expect(text).toContain('2019-under-new-key');
    expect((await auditVerify({ backendStoreUri: uri })).code).toBe(0);
  });

  it('moves every value to a new key in the background while reads go on, and the log still verifies', async () => {
    await start(`${newKey},${oldKey}`, '*.connection_string');
    let reads = 0;
    for (;;) {
      // Read while the pass runs (it started with the server): every value opens under whichever key it has now.
      const status = await ok<{ rotation: { running: boolean; error: string | null } }>(
        api,
        'GET',
        '/api/v1/encryption',
      );
      const text = await readRunEverywhere(otherRuns[reads % otherRuns.length]!);
      expect(text).toContain(`${SECRET_PARAM}-${reads % otherRuns.length}`);
      reads += 1;
      if (!status.rotation.running) {
        expect(status.rotation.error).toBeNull();
        break;
      }
    }
    const status = await ok<{ sealedValues: Record<string, number>; rotation: { currentKeyId: string } }>(
      api,
      'GET',
      '/api/v1/encryption',
    );
    expect(status.rotation.currentKeyId).toBe(newKeyId);
    // Six values of the first run and one param for each of the other sixty.
    expect(status.sealedValues).toEqual({ [newKeyId]: 66 });
    const { values, audit } = await rawRows();
    expect(await storedKeyIds()).toEqual(new Set([newKeyId]));
    expect(values.some((v) => v.value.includes(oldKeyId))).toBe(false);
    for (const secret of PLAINTEXTS) expect(audit).not.toContain(secret);
    expect(await readRunEverywhere(runId)).toContain(SECRET_MLFLOW_PARAM);
    const verified = await auditVerify({ backendStoreUri: uri });
    expect(verified.code, verified.stderr).toBe(0);
    // With only the new key the old one is no longer needed.
    await start(newKey, '*.connection_string');
    expect(await readRunEverywhere(runId)).toContain(SECRET_TAG);
  });

  it('seals values of keys that became sensitive when a pass runs', async () => {
    const plain = await given(api).inExperiment(experimentId).run({ runName: 'late' });
    await plain.log({ params: { 'billing.account': 'acct-424242', 'billing.notes': 'x'.repeat(2000) } });
    await ok(api, 'PUT', `/api/v1/experiments/${experimentId}/sensitive-keys`, {
      patterns: ['customer.*', 'billing.*'],
    });
    await ok(api, 'POST', '/api/v1/encryption/rotate');
    await server!.services.encryption.rotation.settled();
    // Too long to encrypt: left as it was, and counted for the operator.
    const { rotation } = await ok<{ rotation: { leftPlain: number } }>(api, 'GET', '/api/v1/encryption');
    expect(rotation.leftPlain).toBe(1);
    const { values } = await rawRows();
    expect(values.find((v) => v.run_id === plain.runId && v.key === 'billing.account')!.value).toMatch(
      /^mnemo-sealed:/,
    );
    expect(await readRunEverywhere(plain.runId)).toContain('acct-424242');
    expect((await auditVerify({ backendStoreUri: uri })).code).toBe(0);
  });

  it('refuses to start with sensitive keys but no key, and refuses patterns on a server without one', async () => {
    await expect(
      startServer({
        host: '127.0.0.1',
        port: 0,
        backendStoreUri: uri,
        artifactsDestination: artifacts,
        sensitiveKeys: 'a.*',
      }),
    ).rejects.toThrow(/no encryption key/);
    await start(undefined);
    const refused = await api.call('PUT', `/api/v1/experiments/${experimentId}/sensitive-keys`, { patterns: ['x.*'] });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toMatch(/no encryption key/);
    // The experiment's patterns still hold: a sensitive value is refused rather than stored in plain text.
    const write = await api.call('POST', `/api/v1/runs/${runId}/batch`, { tags: { 'customer.plan': 'gold' } });
    expect(write.status).toBe(400);
    expect(JSON.stringify(write.body)).toMatch(/customer\.plan.*sensitive/);
  });
  it('seals params and tags the run schema marks x-sensitive, whatever the patterns say', async () => {
    await start(newKey, '*.connection_string');
    await ok(api, 'POST', '/api/v1/schemas/run:billing/versions', {
      schema: {
        type: 'object',
        properties: {
          params: { type: 'object', properties: { api_token: { type: 'string', 'x-sensitive': true } } },
          tags: { type: 'object', properties: { reviewer: { type: 'string', 'x-sensitive': true } } },
        },
      },
    });
    const run = await given(api).inExperiment(experimentId).run({ runName: 'annotated' });
    await run.log({ params: { api_token: 'tok-annotated-5e5e', reviewer: 'param-not-marked' } });
    await ok(api, 'POST', '/api/2.0/mlflow/runs/set-tag', {
      run_id: run.runId,
      key: 'reviewer',
      value: 'rev-annotated-6f6f',
    });
    const { values, audit } = await rawRows();
    const own = values.filter((v) => v.run_id === run.runId);
    expect(
      own
        .filter((v) => v.value.startsWith('mnemo-sealed:'))
        .map((v) => v.key)
        .sort(),
    ).toEqual(['api_token', 'reviewer']);
    // The annotation names a param: a param of the tag's name is not sealed by it.
    expect(own.find((v) => v.key === 'reviewer' && v.value === 'param-not-marked')).toBeDefined();
    for (const secret of ['tok-annotated-5e5e', 'rev-annotated-6f6f']) {
      expect(JSON.stringify(own)).not.toContain(secret);
      expect(audit).not.toContain(secret);
    }
    const text = await readRunEverywhere(run.runId);
    expect(text).toContain('tok-annotated-5e5e');
    expect(text).toContain('rev-annotated-6f6f');
    const filtered = await api.call('POST', '/api/v1/runs/search', {
      experimentIds: [experimentId],
      filter: `params.api_token = 'tok-annotated-5e5e'`,
    });
    expect(filtered.status).toBe(400);
    expect(JSON.stringify(filtered.body)).toMatch(/api_token.*sensitive/);
    const misplaced = await api.call('POST', '/api/v1/schemas/run/versions', {
      schema: { type: 'object', properties: { name: { type: 'string', 'x-sensitive': true } } },
    });
    expect(misplaced.status).toBe(400);
    expect((await auditVerify({ backendStoreUri: uri })).code).toBe(0);
  });

  it("takes the marks of the experiment's own run schema, else of the `run` schema", async () => {
    await start(newKey);
    const marking = (param: string) => ({
      schema: {
        type: 'object',
        properties: { params: { type: 'object', properties: { [param]: { type: 'string', 'x-sensitive': true } } } },
      },
    });
    await ok(api, 'POST', '/api/v1/schemas/run/versions', marking('shared_secret'));
    await ok(api, 'POST', '/api/v1/schemas/run:ledger/versions', marking('own_secret'));
    const ledger = await given(api).experiment('ledger');
    const other = await given(api).experiment('forecasting');
    const own = await given(api).inExperiment(ledger.experimentId).run({ runName: 'own-schema' });
    const shared = await given(api).inExperiment(other.experimentId).run({ runName: 'shared-schema' });
    const params = { shared_secret: 'shared-7a7a', own_secret: 'own-8b8b' };
    await own.log({ params });
    await shared.log({ params });
    const { values } = await rawRows();
    const sealed = (runId: string) =>
      values
        .filter((v) => v.run_id === runId && v.value.startsWith('mnemo-sealed:'))
        .map((v) => v.key)
        .sort();
    expect(sealed(own.runId)).toEqual(['own_secret']);
    expect(sealed(shared.runId)).toEqual(['shared_secret']);
    // And a search of both experiments refuses to compare either.
    for (const key of ['own_secret', 'shared_secret']) {
      const search = await api.call('POST', '/api/v1/runs/search', {
        experimentIds: [ledger.experimentId, other.experimentId],
        filter: `params.${key} = 'x'`,
      });
      expect(search.status).toBe(400);
    }
  });
});
