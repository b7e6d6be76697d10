import { describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import type { VerificationReport } from '../../src/domain/provenance/verification-report.js';
import { newRun } from '../mlflow/support/mlflow-calls.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

/** Far deeper than any call stack: every layer of verification must walk such a value without recursing per level. */
const DEPTH = 100_000;

/** `{"x":{"x":…{leaf}…}}`, `depth` objects deep. */
function nested(depth: number, leaf: Record<string, unknown> = {}): Record<string, unknown> {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { x: value };
  return value;
}

/**
 * The API now refuses JSON nested more than 64 levels deep, but a database written before that cap can hold model
 * metadata, signatures and check details nested thousands of levels deep. Such records are written here through the
 * services, as the server wrote them then; `mnemo audit verify` must check them (and find an edit deep inside one)
 * instead of dying with "Maximum call stack size exceeded".
 */
describe.each(backends)('mnemo audit verify over records nested 100,000 levels deep, on $name', (backend) => {
  const api = useTestServer(backend);
  const verify = async () => {
    const result = await auditVerify({ backendStoreUri: api.backendUri, json: true });
    return { code: result.code, report: JSON.parse(result.stdout) as VerificationReport, stderr: result.stderr };
  };

  it('verifies them, and reports an edit made at the bottom of one', async () => {
    const { registry } = api.server.services;
    // Today's API refuses what is stored below, with a 400 naming the field.
    const refused = await api.call('POST', '/api/v1/registered-models', { name: 'deep', metadata: nested(100) });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toMatch(/metadata/);

    await registry.models.create({ name: 'deep', metadata: { tree: nested(DEPTH, { leaf: 'original' }) } });
    const { runId } = await newRun(api, 'deep-records');
    const upload = await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/model/model.pkl`, {
      method: 'PUT',
      body: 'x',
    });
    expect(upload.status).toBe(201);
    await registry.versions.create({
      name: 'deep',
      source: `runs:/${runId}/model`,
      runId,
      metadata: { tree: nested(DEPTH) },
      signature: { inputs: nested(DEPTH), outputs: nested(DEPTH) },
    });
    await registry.evaluations.recordChecks('deep', 1, [
      { kind: 'fairness', name: 'parity', passed: true, details: { tree: nested(DEPTH) } },
    ]);

    const clean = await verify();
    expect(clean.stderr).toBe('');
    expect(clean.report.problems).toEqual([]);
    expect(clean.code).toBe(0);

    // An edit at the very bottom of the stored metadata, behind the server's back.
    const db = api.server.store.db;
    const row = await db
      .selectFrom('registered_models')
      .select('metadata')
      .where('name', '=', 'deep')
      .executeTakeFirstOrThrow();
    expect(row.metadata).toContain('"leaf":"original"');
    const edit = (metadata: string) => db.updateTable('registered_models').set({ metadata }).where('name', '=', 'deep');
    await edit(row.metadata.replace('"leaf":"original"', '"leaf":"forged"')).execute();
    try {
      const tampered = await verify();
      expect(tampered.report.problems).toEqual([
        expect.objectContaining({ kind: 'entity-changed', message: expect.stringMatching(/metadata/) }),
      ]);
      expect(tampered.code).toBe(1);
    } finally {
      await edit(row.metadata).execute();
    }
    expect((await verify()).report.problems).toEqual([]);
  }, 120_000);
});
