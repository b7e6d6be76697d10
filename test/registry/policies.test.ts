import { describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import { backends } from '../support/backends.js';
import { given, ok } from '../support/builders.js';
import { useTestServer } from '../support/test-server.js';
import { upload } from './registry-helpers.js';

interface Failure {
  policy: string;
  builtin: boolean;
  rule: string;
  expression: string;
  error: string | null;
  seen: Record<string, unknown>;
}
interface Refusal {
  error_code: string;
  message: string;
  failures: Failure[];
  rule?: string;
  position?: { line: number; column: number; offset: number };
}
interface Gate {
  passed: boolean;
  verdict: { passed: boolean; failures: Failure[]; policies: { name: string; builtin: boolean }[] };
  approval: unknown;
}

const FAIRNESS =
  'model.protected_attributes.all(a, version.checks.exists(c, c.kind == "fairness" && c.slice == a && c.passed))';
const NEGATIVE_RESULTS = '"negative_results" in run.tags || run.note.contains("Negative results")';

describe.each(backends)('promotion policies over HTTP on $name', (backend) => {
  const api = useTestServer(backend);
  const v = (model: string, version: number) => `/api/v1/registered-models/${model}/versions/${version}`;

  /** A model whose versions come from a run with an AUC, declaring two protected attributes. */
  async function modelWithVersion(name: string, auc: number): Promise<{ runId: string }> {
    const experiment = await given(api).experiment(`${name}-training`);
    const run = await experiment.run();
    await run.log({ metrics: [{ key: 'auc', value: auc, step: 0 }], params: { depth: '6' } });
    await run.finish();
    await upload(api, run.runId, 'model/model.bin', `weights of ${name}`);
    await given(api).registeredModel(name, { metadata: { protected_attributes: ['sex', 'age'] } });
    await given(api).modelVersion(name, run.runId, 'model');
    return { runId: run.runId };
  }

  const fairness = (model: string, version: number, slice: string, passed: boolean) =>
    ok(api, 'POST', `${v(model, version)}/checks`, {
      checks: [{ kind: 'fairness', name: 'demographic parity', passed, value: 0.03, threshold: 0.05, slice }],
    });

  it('blocks a promotion naming every failed rule with the values it saw, then lets the fixed version through', async () => {
    const { runId } = await modelWithVersion('credit', 0.87);
    const put = await api.call<{ version: number; rules: unknown[] }>('PUT', '/api/v1/policies/prod-quality', {
      description: 'What Production needs',
      target: { stage: 'Production' },
      rules: [
        { name: 'auc', expression: 'run.metrics.auc >= 0.85' },
        { name: 'fairness-per-protected-attribute', expression: FAIRNESS },
        { name: 'negative-results-documented', expression: NEGATIVE_RESULTS },
      ],
    });
    expect(put.status).toBe(200);
    expect(put.body.version).toBe(1);
    await fairness('credit', 1, 'sex', true);

    const refused = await api.call<Refusal>('POST', `${v('credit', 1)}/stage`, { stage: 'Production' });
    expect(refused.status).toBe(409);
    expect(refused.body.error_code).toBe('POLICY_FAILED');
    expect(refused.body.failures.map((f) => `${f.policy}/${f.rule}`)).toEqual([
      'prod-quality/fairness-per-protected-attribute',
      'prod-quality/negative-results-documented',
    ]);
    const [fairnessFailure, notesFailure] = refused.body.failures;
    expect(fairnessFailure!.seen['model.protected_attributes']).toEqual(['sex', 'age']);
    expect(fairnessFailure!.seen['version.checks']).toEqual([expect.objectContaining({ slice: 'sex', passed: true })]);
    expect(notesFailure!.seen).toEqual({ 'run.tags': expect.any(Object), 'run.note': '' });
    expect(refused.body.message).toContain('negative-results-documented');
    // Nothing changed.
    const unchanged = await ok<{ modelVersion: { stage: string } }>(api, 'GET', v('credit', 1));
    expect(unchanged.modelVersion.stage).toBe('None');

    // MLflow clients hear the same refusal in MLflow's error shape.
    const mlflow = await api.call<Refusal>('POST', '/api/2.0/mlflow/model-versions/transition-stage', {
      name: 'credit',
      version: '1',
      stage: 'Production',
      archive_existing_versions: false,
    });
    expect(mlflow.status).toBe(400);
    expect(mlflow.body.error_code).toBe('INVALID_STATE');
    expect(mlflow.body.message).toContain('prod-quality/fairness-per-protected-attribute');
    expect(mlflow.body.message).toContain('saw model.protected_attributes=["sex","age"]');

    // Each refusal is on the record: who tried to move what where, and which rules stopped it.
    const refusals = await ok<{ events: { state: { name: string; target: unknown; failures: { rule: string }[] } }[] }>(
      api,
      'GET',
      '/api/v1/audit/events?action=model_version.policy_refusal',
    );
    expect(refusals.events.map((e) => [e.state.name, e.state.target, e.state.failures.map((f) => f.rule)])).toEqual([
      ['credit', { stage: 'Production' }, ['fairness-per-protected-attribute', 'negative-results-documented']],
      ['credit', { stage: 'Production' }, ['fairness-per-protected-attribute', 'negative-results-documented']],
    ]);

    await fairness('credit', 1, 'age', true);
    await ok(api, 'POST', '/api/2.0/mlflow/runs/set-tag', {
      run_id: runId,
      key: 'mlflow.note.content',
      value: 'Negative results: gradient boosting with depth 12 overfit',
    });
    const moved = await api.call<{ modelVersion: { stage: string } }>('POST', `${v('credit', 1)}/stage`, {
      stage: 'Production',
    });
    expect(moved.status).toBe(200);
    expect(moved.body.modelVersion.stage).toBe('Production');
  });

  it('refuses a policy that does not compile, with the position of the error', async () => {
    const refused = await api.call<Refusal>('PUT', '/api/v1/policies/broken', {
      target: { stage: 'Staging' },
      rules: [
        { name: 'fine', expression: 'true' },
        { name: 'auc', expression: 'run.metrics.auc >=\n  ' },
      ],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(refused.body.rule).toBe('auc');
    expect(refused.body.position).toEqual({ line: 2, column: 3, offset: 21 });
    expect(refused.body.message).toMatch(/Rule 'auc' does not compile at line 2, column 3/);
    const unknown = await api.call<Refusal>('PUT', '/api/v1/policies/broken', {
      target: { stage: 'Staging' },
      rules: [{ name: 'typo', expression: 'runs.metrics.auc > 0.5' }],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('Unknown variable: runs');
    expect((await api.call('GET', '/api/v1/policies/broken')).status).toBe(404);
  });

  it('stops a version with a failed fairness check from reaching Production by default; an override is recorded', async () => {
    await modelWithVersion('churn', 0.9);
    await fairness('churn', 1, 'sex', false);

    const refused = await api.call<Refusal>('POST', `${v('churn', 1)}/stage`, { stage: 'Production' });
    expect(refused.status).toBe(409);
    // The global policy of the first test applies here too; the built-in rule is what the failed check trips.
    expect(refused.body.failures.filter((f) => f.builtin)).toEqual([
      expect.objectContaining({
        policy: 'builtin.recorded-checks-passed',
        builtin: true,
        rule: 'fairness-checks-passed',
      }),
    ]);
    // Staging is not protected.
    expect((await api.call('POST', `${v('churn', 1)}/stage`, { stage: 'Staging' })).status).toBe(200);
    const unchanged = await ok<{ modelVersion: { stage: string } }>(api, 'GET', v('churn', 1));
    expect(unchanged.modelVersion.stage).toBe('Staging');

    const blank = await api.call<Refusal>('POST', `${v('churn', 1)}/stage`, {
      stage: 'Production',
      override: { reason: ' ' },
    });
    expect(blank.status).toBe(400);

    const overridden = await api.call<{ modelVersion: { stage: string } }>('POST', `${v('churn', 1)}/stage`, {
      stage: 'Production',
      override: { reason: 'Parity gap accepted by the risk board, ticket RISK-12' },
    });
    expect(overridden.status).toBe(200);
    expect(overridden.body.modelVersion.stage).toBe('Production');
    const events = await ok<{ events: { action: string; state: Record<string, unknown> }[] }>(
      api,
      'GET',
      '/api/v1/audit/events?action=model_version.policy_override',
    );
    expect(events.events).toEqual([
      expect.objectContaining({
        action: 'model_version.policy_override',
        state: expect.objectContaining({
          name: 'churn',
          version: 1,
          target: { stage: 'Production' },
          reason: 'Parity gap accepted by the risk board, ticket RISK-12',
          failures: expect.arrayContaining([expect.objectContaining({ rule: 'fairness-checks-passed' })]),
        }),
      }),
    ]);
  });

  it('evaluates policies on aliases, per model, and through the gate and tests without changing anything', async () => {
    await modelWithVersion('fraud', 0.8);
    const perModel = await api.call<{ model: string }>('PUT', '/api/v1/policies/fraud-champion', {
      model: 'fraud',
      target: { alias: 'champion' },
      rules: [{ name: 'auc', expression: 'run.metrics.auc >= 0.9' }],
    });
    expect(perModel.status).toBe(200);
    expect(perModel.body.model).toBe('fraud');

    const gate = await ok<Gate>(api, 'POST', `${v('fraud', 1)}/gate`, { alias: 'champion' });
    expect(gate.passed).toBe(false);
    expect(gate.verdict.failures).toEqual([
      expect.objectContaining({ policy: 'fraud-champion', rule: 'auc', seen: { 'run.metrics.auc': 0.8 } }),
    ]);
    // The gate reports the approval state too: no protection rule holds the champion alias here.
    expect(gate.approval).toEqual({ required: false, approvals: 0, needed: 0, satisfied: true });
    // Another model's champion is not governed by it.
    expect((await ok<Gate>(api, 'POST', `${v('credit', 1)}/gate`, { alias: 'champion' })).passed).toBe(true);

    const refused = await api.call<Refusal>('PUT', '/api/v1/registered-models/fraud/aliases/champion', { version: 1 });
    expect(refused.status).toBe(409);
    expect(refused.body.failures.map((f) => f.rule)).toEqual(['auc']);
    const mlflow = await api.call<Refusal>('POST', '/api/2.0/mlflow/registered-models/alias', {
      name: 'fraud',
      alias: 'champion',
      version: '1',
    });
    expect(mlflow.status).toBe(400);
    expect((await api.call('GET', '/api/v1/registered-models/fraud/aliases/champion')).status).toBe(404);

    const tried = await ok<{ passed: boolean; failures: Failure[] }>(api, 'POST', `${v('fraud', 1)}/policy-test`, {
      rules: [{ name: 'lenient', expression: 'run.metrics.auc >= 0.75 && run.params.depth == "6"' }],
    });
    expect(tried).toMatchObject({ passed: true, failures: [] });
    const stored = await ok<{ passed: boolean }>(api, 'POST', `${v('fraud', 1)}/policy-test`, {
      policy: 'fraud-champion',
    });
    expect(stored.passed).toBe(false);

    const listed = await ok<{ policies: { name: string; builtin: boolean }[] }>(
      api,
      'GET',
      '/api/v1/policies?model=fraud',
    );
    expect(listed.policies.map((p) => p.name)).toEqual([
      'builtin.recorded-checks-passed',
      'fraud-champion',
      'prod-quality',
    ]);
    const second = await ok<{ version: number }>(api, 'PUT', '/api/v1/policies/fraud-champion', {
      model: 'fraud',
      target: { alias: 'champion' },
      rules: [{ name: 'auc', expression: 'run.metrics.auc >= 0.75' }],
    });
    expect(second.version).toBe(2);
    expect((await api.call('PUT', '/api/v1/registered-models/fraud/aliases/champion', { version: 1 })).status).toBe(
      200,
    );
    expect((await api.call('DELETE', '/api/v1/policies/builtin.recorded-checks-passed')).status).toBe(400);
    expect((await api.call('DELETE', '/api/v1/policies/fraud-champion')).status).toBe(200);
    expect((await api.call('GET', '/api/v1/policies/fraud-champion')).status).toBe(404);
  });

  it('keeps the audit trail verifiable', async () => {
    const result = await auditVerify({ backendStoreUri: api.backendUri });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
