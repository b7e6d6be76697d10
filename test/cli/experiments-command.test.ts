import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, callAs, grant, ok, userWithToken } from '../access/access-fixture.js';
import { backends } from '../support/backends.js';
import { CLI_BUNDLE } from '../support/cli-bundle.js';
import { useTestServer } from '../support/test-server.js';

const root = join(import.meta.dirname, '../..');

/** Runs the real `mnemo` against one server as the holder of `token`, with no other tracking variables. */
function mnemo(
  url: string,
  token: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('MLFLOW_') && !key.startsWith('MNEMO_')),
  );
  const child = spawn(process.execPath, [CLI_BUNDLE, ...args], {
    cwd: root,
    env: { ...inherited, MNEMO_TRACKING_URI: url, MNEMO_TRACKING_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.each(backends)('mnemo experiments require on $name', (backend) => {
  const t = useTestServer(backend, {
    server: { auth: { enabled: true, adminToken: ADMIN_TOKEN, defaultRole: null } },
  });

  it('lets managers require run metadata, lists incomplete runs with exit code 1, and refuses readers', {
    timeout: 120_000,
  }, async () => {
    await ok(callAs(t.url, ADMIN_TOKEN, 'POST', '/api/v1/teams', { name: 'ml' }));
    const manager = await userWithToken(t.url, 'maya', { teams: ['ml'] });
    const reader = await userWithToken(t.url, 'rudi');
    const created = await ok(
      callAs<{ experiment: { experimentId: string } }>(t.url, ADMIN_TOKEN, 'POST', '/api/v1/experiments', {
        name: 'churn',
      }),
    );
    const exp = created.experiment.experimentId;
    await grant(t.url, { role: 'manager', team: 'ml', experiment: exp });
    await grant(t.url, { role: 'reader', user: 'rudi', experiment: exp });

    const set = await mnemo(t.url, manager, [
      'experiments',
      'require',
      'churn',
      '--param',
      'seed',
      '--negative-note',
      '--negative-when',
      'auc<0.6',
    ]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toBe(
      `Runs of experiment:${exp} must now carry: param seed; a note when negative (mnemo.result=negative, auc < 0.6)\n`,
    );
    const team = await mnemo(t.url, ADMIN_TOKEN, ['experiments', 'require', '--team', 'ml', '--dataset-input']);
    expect(team.code, team.stderr).toBe(0);
    const refused = await mnemo(t.url, reader, ['experiments', 'require', 'churn', '--param', 'x']);
    expect(refused.code).toBe(3);
    const usage = await mnemo(t.url, manager, ['experiments', 'require', 'churn', '--negative-when', 'auc=0.6']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--negative-when takes metric<value or metric>value');

    const shown = await mnemo(t.url, reader, ['experiments', 'requirements', 'churn']);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('param seed; a dataset input; a note when negative');

    const clean = await mnemo(t.url, reader, ['experiments', 'incomplete', exp]);
    expect(clean.code, clean.stderr).toBe(0);
    const run = await ok(
      callAs<{ run: { runId: string } }>(t.url, ADMIN_TOKEN, 'POST', '/api/v1/runs', {
        experimentId: exp,
        runName: 'lucky',
      }),
    );
    await ok(
      callAs(t.url, ADMIN_TOKEN, 'POST', `/api/v1/runs/${run.run.runId}/batch`, {
        metrics: [{ key: 'auc', value: 0.5 }],
      }),
    );
    await ok(callAs(t.url, ADMIN_TOKEN, 'PATCH', `/api/v1/runs/${run.run.runId}`, { status: 'FINISHED' }));
    const incomplete = await mnemo(t.url, reader, ['experiments', 'incomplete', 'churn']);
    expect(incomplete.code, incomplete.stderr).toBe(1);
    expect(incomplete.stdout).toContain('params.seed, inputs, tags.mlflow.note.content');

    // Lifting the team's requirement judges the team's finished runs again.
    const teamLifted = await mnemo(t.url, ADMIN_TOKEN, ['experiments', 'unrequire', '--team', 'ml']);
    expect(teamLifted.code, teamLifted.stderr).toBe(0);
    const still = await mnemo(t.url, reader, ['experiments', 'incomplete', 'churn', '--json']);
    expect(still.code).toBe(1);
    expect(JSON.parse(still.stdout)[0].missing.map((m: { field: string }) => m.field)).toEqual([
      'params.seed',
      'tags.mlflow.note.content',
    ]);

    const removed = await mnemo(t.url, manager, ['experiments', 'unrequire', 'churn']);
    expect(removed.code, removed.stderr).toBe(0);
  });
});
