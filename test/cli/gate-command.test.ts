import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upload } from '../registry/registry-helpers.js';
import { backends } from '../support/backends.js';
import { given, ok } from '../support/builders.js';
import { CLI_BUNDLE } from '../support/cli-bundle.js';
import { useTestServer } from '../support/test-server.js';

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real entry point in a child process, as a CI job would start it. */
function mnemo(args: string[], trackingUri: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BUNDLE, ...args], {
      env: { ...process.env, MNEMO_TRACKING_URI: trackingUri, MNEMO_TRACKING_TOKEN: '', MLFLOW_TRACKING_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.each(backends)('mnemo gate and mnemo policies in a child process on $name', (backend) => {
  const api = useTestServer(backend);
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mnemo-cli-policies-'));
    const run = await (await given(api).experiment('scoring')).run();
    await run.log({ metrics: [{ key: 'auc', value: 0.82, step: 0 }] });
    await upload(api, run.runId, 'model/model.bin', 'weights');
    await given(api).registeredModel('scorer');
    await given(api).modelVersion('scorer', run.runId, 'model');
    await given(api).modelVersion('scorer', run.runId, 'model');
    // Version 2 carries a failed fairness check: the built-in rules keep it out of Production.
    await ok(api, 'POST', '/api/v1/registered-models/scorer/versions/2/checks', {
      checks: [{ kind: 'fairness', name: 'equal opportunity', passed: false, slice: 'sex' }],
    });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 0 on pass, 1 on fail with every reason, 2 on error', { timeout: 120_000 }, async () => {
    const pass = await mnemo(['gate', '--model', 'scorer', '--version', '1', '--stage', 'Production'], api.url);
    expect(pass.stderr).toBe('');
    expect(pass.code).toBe(0);
    expect(pass.stdout).toContain('PASS: scorer version 1 → stage Production');

    const fail = await mnemo(['gate', '--model', 'scorer', '--version', '2', '--stage', 'Production'], api.url);
    expect(fail.code).toBe(1);
    expect(fail.stdout).toContain('FAIL: scorer version 2 → stage Production');
    expect(fail.stdout).toContain('builtin.recorded-checks-passed/fairness-checks-passed (built-in)');
    expect(fail.stdout).toContain('saw version.checks = [');

    const json = await mnemo(
      ['gate', '--model', 'scorer', '--version', '2', '--stage', 'Production', '--json'],
      api.url,
    );
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout) as { passed: boolean; verdict: { failures: { rule: string }[] } };
    expect(parsed.passed).toBe(false);
    expect(parsed.verdict.failures.map((f) => f.rule)).toEqual(['fairness-checks-passed']);

    const unknown = await mnemo(['gate', '--model', 'nobody', '--version', '1', '--stage', 'Production'], api.url);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Registered Model with name=nobody not found');

    const noVersion = await mnemo(['gate', '--model', 'scorer', '--version', '9', '--alias', 'canary'], api.url);
    expect(noVersion.code).toBe(2);
    expect(noVersion.stderr).toContain('Model Version (name=scorer, version=9) not found');

    const unreachable = await mnemo(
      ['gate', '--model', 'scorer', '--version', '1', '--alias', 'champion'],
      'http://127.0.0.1:9',
    );
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain('could not reach a Mnemo server at http://127.0.0.1:9');

    // Nothing moved.
    const version = await ok<{ modelVersion: { stage: string } }>(
      api,
      'GET',
      '/api/v1/registered-models/scorer/versions/2',
    );
    expect(version.modelVersion.stage).toBe('None');
  });

  it('puts, tests, lists and deletes policies', { timeout: 120_000 }, async () => {
    const file = join(dir, 'champion.json');
    await writeFile(
      file,
      JSON.stringify({ target: { alias: 'champion' }, rules: [{ name: 'auc', expression: 'run.metrics.auc >= 0.9' }] }),
    );
    const put = await mnemo(['policies', 'put', 'champion-auc', '--file', file, '--for-model', 'scorer'], api.url);
    expect(put.stderr).toBe('');
    expect(put.stdout).toContain("Saved policy 'champion-auc' version 1 on alias 'champion'");

    const broken = await mnemo(
      ['policies', 'put', 'broken', '--stage', 'Staging', '--rule', 'auc=run.metrics.auc >='],
      api.url,
    );
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain("Rule 'auc' does not compile at line 1, column 19");

    const tested = await mnemo(['policies', 'test', 'champion-auc', '--model', 'scorer', '--version', '1'], api.url);
    expect(tested.code).toBe(1);
    expect(tested.stdout).toContain('saw run.metrics.auc = 0.82');

    const gate = await mnemo(['gate', '--model', 'scorer', '--version', '1', '--alias', 'champion'], api.url);
    expect(gate.code).toBe(1);
    expect(gate.stdout).toContain('champion-auc/auc: run.metrics.auc >= 0.9');

    const list = await mnemo(['policies', 'list', '--model', 'scorer'], api.url);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/champion-auc\s+1\s+alias 'champion'\s+scorer/);
    expect((await mnemo(['policies', 'delete', 'champion-auc'], api.url)).code).toBe(0);
    expect((await mnemo(['gate', '--model', 'scorer', '--version', '1', '--alias', 'champion'], api.url)).code).toBe(0);
  });
});
