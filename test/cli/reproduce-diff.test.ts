import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Difference } from '../../src/domain/tracking/reproduction.js';
import type { WireRunDiff } from '../../src/sdk/wire/run-diff-shapes.js';
import { backends } from '../support/backends.js';
import { CLI_BUNDLE } from '../support/cli-bundle.js';
import { useTestServer } from '../support/test-server.js';

const exec = promisify(execFile);
const CLI_TIMEOUT = 120_000;
const digestOf = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

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
  /** Data the runs read, outside the repository so it leaves the checkout clean. */
  let data: string;
  const git = (...args: string[]) =>
    exec('git', ['-c', 'user.name=Ana', '-c', 'user.email=ana@example.org', ...args], { cwd: repo });
  beforeAll(async () => {
    repo = await mkdtemp(join(tmpdir(), 'mnemo-reproduce-'));
    data = await mkdtemp(join(tmpdir(), 'mnemo-reproduce-data-'));
    await git('init', '--quiet', '--initial-branch', 'main');
    await writeFile(join(repo, 'train.js'), TRAIN);
    await git('add', 'train.js');
    await git('commit', '--quiet', '-m', 'first');
  });
  afterAll(async () => {
    await rm(repo, { recursive: true, force: true });
    await rm(data, { recursive: true, force: true });
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

    // A read this file as it is; B recorded other bytes under the same name.
    await writeFile(join(data, 'train.csv'), 'x\n1\n');
    const train = pathToFileURL(join(data, 'train.csv')).href;
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
      recordCapture(a, here.packages, here.runtime, `${train}@${digestOf('x\n1\n')}`),
      recordCapture(
        b,
        { ...here.packages, 'mnemo-test-only-package': '1.0.0' },
        here.runtime,
        `${train}@${digestOf('x\n2\n')}`,
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
    expect(diff.data).toEqual([{ key: train, a: digestOf('x\n1\n'), b: digestOf('x\n2\n') }]);
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
    expect(reportB.differences.map((d) => d.aspect)).toEqual(['commit', 'uncommitted changes', 'package', 'input']);

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

  it('hashes the inputs a run read again, naming each that changed or is gone, and passes them to a new run', {
    timeout: 8 * CLI_TIMEOUT,
  }, async () => {
    const env = { MNEMO_TRACKING_URI: api.url };
    const work = await mkdtemp(join(tmpdir(), 'mnemo-reproduce-inputs-'));
    try {
      await writeFile(join(work, 'train.csv'), 'x\n1\n');
      await writeFile(join(work, 'labels.csv'), 'y\n0\n');
      // The script's output is its input's bytes, shouted: what a new run writes follows what it read.
      await writeFile(
        join(work, 'fit.js'),
        "const fs = require('node:fs'); fs.writeFileSync('model.txt', fs.readFileSync('train.csv', 'utf8').toUpperCase());",
      );
      const ran = await mnemo(
        [
          'run',
          '--experiment',
          'inputs',
          '--input',
          'train.csv',
          '--input',
          'labels.csv',
          '--output',
          'model.txt',
          '--',
          process.execPath,
          'fit.js',
        ],
        work,
        env,
      );
      expect(ran.code, ran.stderr).toBe(0);
      const runId = runIdOf(ran.stderr)!;
      const train = pathToFileURL(join(work, 'train.csv')).href;
      const labels = pathToFileURL(join(work, 'labels.csv')).href;
      const model = pathToFileURL(join(work, 'model.txt')).href;
      const reproduce = async () => {
        const checked = await mnemo(['reproduce', runId, '--json'], work, env);
        const report = JSON.parse(checked.stdout) as {
          recipe: { inputs: unknown[]; outputs: unknown[] };
          differences: Difference[];
        };
        return { code: checked.code, report };
      };

      // Nothing touched: the same bytes, no difference.
      const same = await reproduce();
      expect(same.code, JSON.stringify(same.report.differences)).toBe(0);
      expect(same.report.recipe.inputs).toEqual([
        { role: 'input', uri: train, digest: digestOf('x\n1\n') },
        { role: 'input', uri: labels, digest: digestOf('y\n0\n') },
      ]);
      expect(same.report.recipe.outputs).toEqual([{ role: 'output', uri: model, digest: digestOf('X\n1\n') }]);

      // An edited input is named with the digest it had and the one it has now.
      await writeFile(join(work, 'train.csv'), 'x\n2\n');
      const edited = await reproduce();
      expect(edited.code).toBe(1);
      expect(edited.report.differences).toEqual([
        {
          aspect: 'input',
          what: `${train} changed since the run read it`,
          recorded: digestOf('x\n1\n'),
          current: digestOf('x\n2\n'),
        },
      ]);
      const table = await mnemo(['reproduce', runId], work, env);
      expect(table.code).toBe(1);
      expect(table.stdout).toContain(`${train} changed since the run read it`);

      // Run again, the new run records the data it really read and wrote.
      const again = await mnemo(['reproduce', runId, '--exec'], work, env);
      expect(again.code, again.stderr).toBe(0);
      const rerunId = /mnemo: run (\w+) is derived_from run/.exec(again.stderr)?.[1];
      const rerun = await api.call<{ run: { tags: Record<string, string> } }>('GET', `/api/v1/runs/${rerunId}`);
      expect(rerun.body.run.tags).toMatchObject({
        'mnemo.input.0': `${train}@${digestOf('x\n2\n')}`,
        'mnemo.input.1': `${labels}@${digestOf('y\n0\n')}`,
        'mnemo.output.0': `${model}@${digestOf('X\n2\n')}`,
      });

      // A deleted input is missing.
      await unlink(join(work, 'labels.csv'));
      const deleted = await reproduce();
      expect(deleted.code).toBe(1);
      expect(deleted.report.differences).toEqual([
        expect.objectContaining({ aspect: 'input', what: `${train} changed since the run read it` }),
        { aspect: 'input', what: `${labels} is missing`, recorded: digestOf('y\n0\n'), current: null },
      ]);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
