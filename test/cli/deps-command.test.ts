import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineageClient } from '../../src/sdk/lineage.js';
import type { DependentsJson } from '../../src/sdk/wire/dependency-shapes.js';
import type { PackageImpactJson } from '../../src/sdk/wire/package-impact-shapes.js';
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

describe.each(backends)('mnemo deps and mnemo targets in a child process on $name', (backend) => {
  const api = useTestServer(backend);
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mnemo-cli-deps-'));
    const run = await (await given(api).experiment('scoring')).run();
    await upload(api, run.runId, 'model/model.bin', 'weights');
    await given(api).registeredModel('scorer');
    await given(api).modelVersion('scorer', run.runId, 'model');
    await ok(api, 'PUT', '/api/v1/registered-models/scorer/versions/1/dependencies', {
      files: [{ name: 'requirements.txt', content: 'numpy>=1.24,<2\nscikit-learn~=1.3.0\n' }],
    });
    const target = await new LineageClient(api.url).registerDeploymentTarget({ name: 'edge' });
    await new LineageClient(api.url).recordDeployment({ modelId: 'scorer', version: 1, targetId: target.id });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('sets a target environment from a file and checks a version against it: exit 0, then 1 with reasons', async () => {
    const good = join(dir, 'requirements.txt');
    await writeFile(good, 'numpy==1.26.4\nscikit-learn==1.3.2\n');
    const set = await mnemo(['targets', 'env', 'set', 'edge', '--file', good], api.url);
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout).toContain('version 1');

    const pass = await mnemo(['deps', 'check', '--model', 'scorer', '--version', '1', '--target', 'edge'], api.url);
    expect([pass.code, pass.stdout.trim()]).toEqual([0, 'scorer v1 is compatible with edge']);

    const lock = join(dir, 'pip-list.json');
    await writeFile(
      lock,
      JSON.stringify([
        { name: 'numpy', version: '2.0.0' },
        { name: 'scikit-learn', version: '1.4.0' },
      ]),
    );
    expect((await mnemo(['targets', 'env', 'set', 'edge', '--file', lock], api.url)).code).toBe(0);
    const fail = await mnemo(
      ['deps', 'check', '--model', 'scorer', '--version', '1', '--target', 'edge', '--json'],
      api.url,
    );
    expect(fail.code).toBe(1);
    const answer = JSON.parse(fail.stdout) as { compatible: boolean; violations: { package: string; found: string }[] };
    expect(answer.compatible).toBe(false);
    expect(answer.violations.map((v) => [v.package, v.found])).toEqual([
      ['numpy', '2.0.0'],
      ['scikit-learn', '1.4.0'],
    ]);
  });

  it('answers what-if and resolve, and shows declarations', async () => {
    const breaks = await mnemo(['deps', 'what-if', '--all-targets', '--set', 'numpy==2.1.0', '--json'], api.url);
    expect(breaks.code).toBe(1);
    expect((JSON.parse(breaks.stdout) as { breaks: { model: string }[] }).breaks.map((b) => b.model)).toEqual([
      'scorer',
    ]);
    const fine = await mnemo(['deps', 'what-if', '--target', 'edge', '--set', 'pandas==2.2.2'], api.url);
    expect([fine.code, fine.stdout.trim()]).toEqual([0, '0 deployment(s) would break across 1 target(s)']);

    const resolved = await mnemo(['deps', 'resolve', '--target', 'edge', '--json'], api.url);
    expect(resolved.code).toBe(0);
    const packages = (JSON.parse(resolved.stdout) as { packages: { package: string; newest: string | null }[] })
      .packages;
    expect(packages.find((p) => p.package === 'numpy')?.newest).toBe('1.26.4');

    const shown = await mnemo(['deps', 'show', '--model', 'scorer', '--version', '1'], api.url);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('numpy >=1.24,<2');
  });

  it('exits 2 on errors: a bad report names its line, an unknown target is reported', async () => {
    const bad = join(dir, 'freeze.txt');
    await writeFile(bad, 'numpy==1.26.4\ntorch>=2\n');
    const refused = await mnemo(['targets', 'env', 'set', 'edge', '--file', bad], api.url);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('freeze.txt:2:6');
    const unknown = await mnemo(
      ['deps', 'check', '--model', 'scorer', '--version', '1', '--target', 'nowhere'],
      api.url,
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("'nowhere' does not exist");
    const usage = await mnemo(['deps', 'what-if', '--set', 'numpy'], api.url);
    expect(usage.code).toBe(2);
  });

  it('lists dependents of a package range: exit 1 with the versions and deployments, 0 when none, 2 on bad input', async () => {
    // edge now runs numpy 2.0.0; scorer v1 declares numpy>=1.24,<2 (and numpy 1.26.4 has been seen on edge before).
    const below = await mnemo(['deps', 'dependents', '--package', 'numpy', '--specifier', '<2.0', '--json'], api.url);
    expect(below.code).toBe(1);
    const answer = JSON.parse(below.stdout) as DependentsJson;
    expect(answer.modelVersions.map((v) => [v.model, v.version, v.declarations[0]?.affectedWitness])).toEqual([
      ['scorer', 1, '1.26.4'],
    ]);
    expect(answer.affectedDeployments).toEqual([]);

    const above = await mnemo(['deps', 'dependents', '--package', 'numpy', '--specifier', '>=2.0'], api.url);
    expect(above.code).toBe(1);
    expect(above.stdout.split('\n').map((line) => line.trimEnd())).toEqual([
      '1 model version(s) depend on numpy >=2.0; 1 deployment(s) run an affected version',
      '  scorer v1 [None]',
      '    ✗ deployed on edge with numpy 2.0.0',
      '',
    ]);

    const none = await mnemo(
      ['deps', 'dependents', '--package', 'numpy', '--specifier', '<2.0', '--stage', 'Production'],
      api.url,
    );
    expect([none.code, none.stdout.trim()]).toEqual([
      0,
      '0 model version(s) depend on numpy <2.0; 0 deployment(s) run an affected version',
    ]);
    const bad = await mnemo(['deps', 'dependents', '--package', 'numpy', '--specifier', '=>2'], api.url);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('PEP 440');
  });

  it('tells what a range of a package touches: exit 1 with versions, targets and deployments, 0 when none, 2 on bad input', async () => {
    // As above: edge runs numpy 2.0.0, where scorer v1 (stage None, numpy>=1.24,<2) is deployed.
    const below = await mnemo(['deps', 'impact', '--package', 'numpy', '--range', '<2.0', '--json'], api.url);
    expect(below.code).toBe(1);
    const answer = JSON.parse(below.stdout) as PackageImpactJson;
    expect(answer.modelVersions.map((v) => [v.model, v.version, v.declarations[0]?.witness])).toEqual([
      ['scorer', 1, '1.24'],
    ]);
    expect([answer.targets, answer.deployments]).toEqual([[], []]);

    const above = await mnemo(['deps', 'impact', '--package', 'numpy', '--range', '>=2.0'], api.url);
    expect(above.code).toBe(1);
    expect(above.stdout.split('\n').map((line) => line.trimEnd())).toEqual([
      'numpy >=2.0: 0 model version(s) admit it, 1 target(s) and 1 deployment(s) run it',
      '  target edge runs numpy 2.0.0',
      '  ✗ scorer v1 [None] deployed on edge (numpy 2.0.0)',
      '',
    ]);

    const none = await mnemo(
      ['deps', 'impact', '--package', 'numpy', '--range', '<2.0', '--stage', 'Production'],
      api.url,
    );
    expect([none.code, none.stdout.trim()]).toEqual([
      0,
      'numpy <2.0: 0 model version(s) admit it, 0 target(s) and 0 deployment(s) run it',
    ]);
    const bad = await mnemo(['deps', 'impact', '--package', 'numpy', '--range', '=>2'], api.url);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("versions: '=>2' at column 1 is not a PEP 440 specifier");
  });

  // Last: the version it registers declares numpy too, which the dependents answers above do not expect.
  it("shows what a version declares from its source run's environment, and where the run disagrees", async () => {
    const run = await (await given(api).experiment('pinned-runs')).run();
    await ok(api, 'POST', `/api/v1/runs/${run.runId}/environment`, {
      os: 'Linux',
      runtime: 'python 3.11.9',
      packages: { numpy: '1.26.4', 'scikit-learn': '1.4.2' },
      hardware: {},
    });
    await upload(api, run.runId, 'model/requirements.txt', 'numpy>=2\n');
    await given(api).registeredModel('pinned');
    await given(api).modelVersion('pinned', run.runId, 'model');
    const shown = await mnemo(['deps', 'show', '--model', 'pinned', '--version', '1'], api.url);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('numpy >=2  [requirements.txt:1]');
    expect(shown.stdout).toContain(`python ==3.11.*  [run_environment of run ${run.runId}]`);
    // The file names a package, so the rest of what the run had installed is not pinned.
    expect(shown.stdout).not.toContain('scikit-learn');
    expect(shown.stdout).toContain(
      `! numpy is declared differently: >=2 in requirements.txt:1 vs ==1.26.4 in run_environment of run ${run.runId}`,
    );
  });
});
