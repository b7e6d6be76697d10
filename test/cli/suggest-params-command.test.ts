import { describe, expect, it } from 'vitest';
import type { ParamSuggestions } from '../../src/sdk/wire/search-shapes.js';
import { backends } from '../support/backends.js';
import { ok } from '../support/builders.js';
import { CLI_TIMEOUT, runMnemo } from '../support/mnemo-cli.js';
import { useTestServer } from '../support/test-server.js';

describe.each(backends)('mnemo suggest-params on $name', (backend) => {
  const api = useTestServer(backend);

  async function experimentWithRun(name: string, params: Record<string, string>, metrics: Record<string, number>) {
    const { experiment } = await ok<{ experiment: { experimentId: string } }>(api, 'POST', '/api/v1/experiments', {
      name,
      tags: { task_type: 'classification' },
    });
    const { run } = await ok<{ run: { runId: string } }>(api, 'POST', '/api/v1/runs', {
      experimentId: experiment.experimentId,
      runName: `${name}-best`,
    });
    await ok(api, 'POST', `/api/v1/runs/${run.runId}/batch`, {
      params,
      metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, step: 0, timestamp: 1 })),
    });
    await ok(api, 'PATCH', `/api/v1/runs/${run.runId}`, { status: 'FINISHED' });
  }

  it('prints starters as a table or JSON, ranks by --metric, and fails clearly on an unknown experiment', {
    timeout: CLI_TIMEOUT,
  }, async () => {
    await experimentWithRun('churn-new', {}, {});
    await experimentWithRun('churn-xgb', { depth: '8', eta: '0.05' }, { auc: 0.93, val_loss: 0.4 });
    await experimentWithRun('churn-rf', { trees: '300' }, { auc: 0.9, val_loss: 0.2 });
    const env = { MNEMO_TRACKING_URI: api.url };

    const table = await runMnemo(['suggest-params', '--experiment', 'churn-new'], process.cwd(), env);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/churn-xgb-best[\s\S]*0\.93[\s\S]*depth=8 eta=0\.05[\s\S]*churn-rf-best/);
    expect(table.stdout).toContain("same task type 'classification'");

    const json = await runMnemo(
      ['suggest-params', '--experiment', 'churn-new', '--metric', 'val_loss', '--json'],
      process.cwd(),
      env,
    );
    expect(json.code).toBe(0);
    const reply = JSON.parse(json.stdout) as ParamSuggestions;
    expect(reply.metricKey).toBe('val_loss');
    expect(reply.suggestions.map((s) => [s.runName, s.metric.value])).toEqual([
      ['churn-rf-best', 0.2],
      ['churn-xgb-best', 0.4],
    ]);

    const missing = await runMnemo(['suggest-params', '--experiment', 'no-such'], process.cwd(), env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("No experiment named 'no-such'");
  });
});
