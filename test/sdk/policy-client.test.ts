import { describe, expect, it } from 'vitest';
import { MnemoApiError, PolicyClient, RegistryClient } from '../../src/sdk/index.js';
import { upload } from '../registry/registry-helpers.js';
import { backends } from '../support/backends.js';
import { given } from '../support/builders.js';
import { useTestServer } from '../support/test-server.js';

describe.each(backends)('the SDK PolicyClient on $name', (backend) => {
  const api = useTestServer(backend);

  it('puts, tests and gates policies, and overrides them as an administrator', async () => {
    const run = await (await given(api).experiment('sdk-policies')).run();
    await run.log({ metrics: [{ key: 'auc', value: 0.7, step: 0 }] });
    await upload(api, run.runId, 'model/model.bin', 'weights');
    await given(api).registeredModel('ranker');
    await given(api).modelVersion('ranker', run.runId, 'model');

    const policies = new PolicyClient({ url: api.url });
    const registry = new RegistryClient({ url: api.url });
    const saved = await policies.put('ranker-staging', {
      model: 'ranker',
      target: { stage: 'Staging' },
      rules: [{ name: 'auc', expression: 'run.metrics.auc >= 0.8', description: 'good enough to try' }],
    });
    expect(saved).toMatchObject({ name: 'ranker-staging', version: 1, model: 'ranker', builtin: false });
    expect((await policies.get('ranker-staging')).rules).toEqual([
      { name: 'auc', expression: 'run.metrics.auc >= 0.8', description: 'good enough to try' },
    ]);

    const gate = await policies.gate('ranker', 1, { stage: 'Staging' });
    expect(gate.passed).toBe(false);
    expect(gate.verdict.failures[0]).toMatchObject({ rule: 'auc', seen: { 'run.metrics.auc': 0.7 } });
    const tried = await policies.test('ranker', 1, { rules: [{ name: 'lower', expression: 'run.metrics.auc > 0.5' }] });
    expect(tried.passed).toBe(true);

    const refused = await registry.transition('ranker', 1, 'Staging').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MnemoApiError);
    expect(refused).toMatchObject({ status: 409, errorCode: 'POLICY_FAILED' });
    const moved = await registry.transition('ranker', 1, 'Staging', { override: { reason: 'trial on 1% traffic' } });
    expect(moved.stage).toBe('Staging');

    const broken = await policies
      .put('ranker-broken', { target: { alias: 'champion' }, rules: [{ name: 'x', expression: 'run.metrics.' }] })
      .catch((error: unknown) => error);
    expect(broken).toMatchObject({ status: 400, errorCode: 'INVALID_PARAMETER_VALUE' });
    expect((broken as Error).message).toMatch(/Rule 'x' does not compile at line 1, column/);

    await policies.delete('ranker-staging');
    expect((await policies.list({ model: 'ranker' })).map((p) => p.name)).toEqual(['builtin.recorded-checks-passed']);
  });
});
