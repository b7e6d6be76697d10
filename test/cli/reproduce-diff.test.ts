import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Difference } from '../../src/domain/tracking/reproduction.js';
import type { WireRunDiff } from '../../src/sdk/wire/run-diff-shapes.js';
import { backends } from '../support/backends.js';
import { CLI_BUNDLE } from '../support/cli-bundle.js';
import { useTestServer } from '../support/test-server.js';

const exec = promisify(execFile);
const CLI_TIMEOUT = 120_000;

/** The real `mnemo` from the sources, run in `cwd` with only the tracking variables given here. */
async function mnemo(args: string[], cwd: string, env: Record<string, string>) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('MLFLOW_') && !key.startsWith('MNEMO_')),
  );
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI_BUNDLE, ...args], {
      cwd,
      env: { ...clean, ...env },
      timeout: CLI_TIMEOUT,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** A training script that logs its learning rate and a falling loss to the run it is given, over HTTP. */
const TRAIN = `
const env = process.env;
const lr = Number(process.argv[2]);
const metrics = [0, 1, 2].map((step) => ({ key: 'loss', value: (1 - lr) / (step + 1), step, timestamp: 1 + step }));
fetch(env.MLFLOW_TRACKING_URI + '/api/v1/runs/' + env.MLFLOW_RUN_ID + '/batch', {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ params: { lr: String(lr) }, metrics }),
}).then((r) => process.exit(r.ok ? 0 : 9));
`;

/** The Python packages here as `mnemo run` records them, so a recorded environment can match this one. */
async function packagesHere(): Promise<{ runtime: string; packages: Record<string, string> }> {
  try {
    const version = (await exec('python3', ['-c', 'import platform; print(platform.python_version())'])).stdout.trim();
    const { stdout } = await exec('python3', ['-m', 'pip', 'list', '--format=json', '--disable-pip-version-check'], {
      maxBuffer: 64 * 1024 * 1024,
    });
    const listed = JSON.parse(stdout) as { name: string; version: string }[];
    return {
      runtime: `python ${version}`,
      packages: Object.fromEntries(listed.map((p) => [p.name.toLowerCase(), p.version])),
    };
  } catch {
    return { runtime: `node ${process.version}`, packages: {} };
  }
}

// Listing the packages starts Python and pip, which takes seconds on a busy machine: once for both backends.
let packagesListed: ReturnType<typeof packagesHere> | undefined;

describe.each(backends)('mnemo diff and mnemo reproduce on real runs on $name', (backend) => {
  const api = useTestServer(backend);
  let repo: string;
  const git = (...args: string[]) =>
    exec('git', ['-c', 'user.name=Ana', '-c', 'user.email=ana@example.org', ...args], { cwd: repo });
  beforeAll(async () => {
    repo = await mkdtemp(join(tmpdir(), 'mnemo-reproduce-'));
    await git('init', '--quiet', '--initial-branch', 'main');
    await writeFile(join(repo, 'train.js'), TRAIN);
    await git('add', 'train.js');
    await git('commit', '--quiet', '-m', 'first');
  });
  afterAll(async () => {
    await rm(repo, { recursive: true, force: true });
  });

  /** Links an environment to a run and names the data it read, as `mnemo run` capture records them. */
  async function recordCapture(runId: string, packages: Record<string, string>, runtime: string, input: string) {
    const environment = await api.call<{ id: string }>('POST', '/api/v1/lineage/environments', {
      os: 'Linux',
      runtime,
      packages,
      hardware: {},
    });
    expect(environment.status).toBeLessThan(300);
    const tagged = await api.call('POST', `/api/v1/runs/${runId}/batch`, {
      tags: { 'mnemo.environment.id': environment.body.id, 'mnemo.input.0': input },
    });
    expect(tagged.status).toBe(200);
  }

  const runIdOf = (stderr: string) => /mnemo: run (\w+) in experiment/.exec(stderr)?.[1];

  it('compares runs that differ in params, metrics, tags, code, environment and data, and checks a checkout against each', {
    timeout: 8 * CLI_TIMEOUT,
  }, async () => {
    const env = { MNEMO_TRACKING_URI: api.url };
    packagesListed ??= packagesHere();
    const first = (await git('rev-parse', 'HEAD')).stdout.trim();

    const [here, ranA] = await Promise.all([
      packagesListed,
      mnemo(['run', '--experiment', 'pairs', '--', process.execPath, 'train.js', '0.1'], repo, env),
    ]);
    expect(ranA.code, ranA.stderr).toBe(0);
    const a = runIdOf(ranA.stderr)!;

    await writeFile(join(repo, 'train.js'), `${TRAIN}\n// tuned\n`);
    await git('commit', '--quiet', '-am', 'second');
    await writeFile(join(repo, 'train.js'), `${TRAIN}\n// tuned, and edited\n`);
    const ranB = await mnemo(
      ['run', '--experiment', 'pairs', '--run-name', 'tuned', '--', process.execPath, 'train.js', '0.5'],
      repo,
      env,
    );
    expect(ranB.code, ranB.stderr).toBe(0);
    const b = runIdOf(ranB.stderr)!;

    await Promise.all([
      recordCapture(a, here.packages, here.runtime, '/data/train.csv@sha256:1111'),
      recordCapture(
        b,
        { ...here.packages, 'mnemo-test-only-package': '1.0.0' },
        here.runtime,
        '/data/train.csv@sha256:2222',
      ),
    ]);

    // Reading the runs changes nothing, so the two views of the diff are asked for at once.
    const [asJson, asTable] = await Promise.all([
      mnemo(['diff', a, b, '--json'], repo, env),
      mnemo(['diff', a, b], repo, env),
    ]);
    expect(asJson.code, asJson.stderr).toBe(0);
    const diff = JSON.parse(asJson.stdout) as WireRunDiff;
    expect(diff.params).toEqual([{ key: 'lr', a: '0.1', b: '0.5' }]);
    const loss = diff.metrics.find((m) => m.key === 'loss')!;
    expect(loss.final.a).toBeCloseTo(0.3);
    expect(loss.final.b).toBeCloseTo(0.5 / 3);
    expect(loss.best.a).toBeCloseTo(0.3);
    // B ran with uncommitted changes, so its diff digest is recorded too.
    expect(diff.code.map((c) => c.field)).toEqual(['commit', 'dirty', 'diffDigest']);
    expect(diff.code[0]!.a).toBe(first);
    expect(diff.environment?.packages.added).toEqual([{ name: 'mnemo-test-only-package', version: '1.0.0' }]);
    expect(diff.data).toEqual([{ key: '/data/train.csv', a: 'sha256:1111', b: 'sha256:2222' }]);
    expect(diff.tags.map((t) => t.key)).toContain('mnemo.command');

    expect(asTable.stdout).toMatch(/Params\s+PARAM\s+A\s+B\s+lr\s+0\.1\s+0\.5/);
    expect(asTable.stdout).toContain('mnemo-test-only-package');

    // Back at the first commit, clean: run A is reproducible here, run B is not.
    await git('checkout', '--quiet', '--', 'train.js');
    await git('checkout', '--quiet', first);
    // Checking the checkout against a run changes neither, so the three checks run at once.
    const [reproducibleA, notB, reportBJson] = await Promise.all([
      mnemo(['reproduce', a, '--json'], repo, env),
      mnemo(['reproduce', b], repo, env),
      mnemo(['reproduce', b, '--json'], repo, env),
    ]);
    expect(reproducibleA.code, reproducibleA.stdout + reproducibleA.stderr).toBe(0);
    const reportA = JSON.parse(reproducibleA.stdout) as { recipe: { command: string }; differences: Difference[] };
    expect(reportA.recipe.command).toContain('train.js 0.1');
    expect(reportA.differences).toEqual([]);

    expect(notB.code).toBe(1);
    expect(notB.stdout).toContain('train.js 0.5');
    expect(notB.stdout).toMatch(/lr\s+0\.5/);
    const reportB = JSON.parse(reportBJson.stdout) as {
      differences: Difference[];
    };
    expect(reportB.differences.map((d) => d.aspect)).toEqual(['commit', 'uncommitted changes', 'package']);

    // Running A again here makes a new run of the same experiment, derived from A in lineage.
    const again = await mnemo(['reproduce', a, '--exec'], repo, env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('match what the run recorded');
    const c = /mnemo: run (\w+) is derived_from run/.exec(again.stderr)?.[1];
    expect(c).toBeDefined();
    const rerun = await api.call<{
      run: { experimentId: string; params: Record<string, string>; tags: Record<string, string> };
    }>('GET', `/api/v1/runs/${c}`);
    expect(rerun.body.run.params).toEqual({ lr: '0.1' });
    expect(rerun.body.run.tags['mnemo.reproducedFrom']).toBe(a);
    expect(rerun.body.run.tags['mnemo.command']).toBe(reportA.recipe.command);
    const original = await api.call<{ run: { experimentId: string } }>('GET', `/api/v1/runs/${a}`);
    expect(rerun.body.run.experimentId).toBe(original.body.run.experimentId);
    const graph = await api.call('GET', `/api/v1/lineage?nodeId=${encodeURIComponent(`run:${c}`)}&depth=1`);
    expect(graph.status).toBe(200);
    expect(JSON.stringify(graph.body)).toMatch(new RegExp(`run:${a}[^]*derived_from|derived_from[^]*run:${a}`));
    expect((await mnemo(['diff', a, c!, '--json'], repo, env)).stdout).toContain('"params": []');
  });
});
