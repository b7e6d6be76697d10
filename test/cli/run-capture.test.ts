import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineageClient, Mnemo } from '../../src/sdk/index.js';
import { backends } from '../support/backends.js';
import { CLI_TIMEOUT, runMnemo } from '../support/mnemo-cli.js';
import { useTestServer } from '../support/test-server.js';

const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/run-capture');
const exec = promisify(execFile);
const sha256 = (bytes: Uint8Array | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');
/** The run id `mnemo run` announces on stderr. */
const runIdOf = (stderr: string) => /mnemo: run ([0-9a-f]{32}) in experiment/.exec(stderr)?.[1] ?? '';

describe.each(backends)('mnemo run capture on $name', (backend) => {
  const api = useTestServer(backend);
  let work: string;
  const client = () => new Mnemo({ url: api.url });
  const lineage = () => new LineageClient(api.url);
  const run = (args: string[], cwd = work, env: Record<string, string> = {}) =>
    runMnemo(['run', '--tracking-uri', api.url, ...args], cwd, env);

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'mnemo-capture-'));
    for (const file of ['train.py', 'wait-for-log.js', 'report-seed.js', 'transform.py']) {
      await copyFile(join(FIXTURES, file), join(work, file));
    }
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it(
    'captures a Python script logging through the MLflow variables: output, parsed metrics, seed, system metrics, resources and environment',
    async () => {
      const result = await run([
        '--experiment',
        'capture/python',
        '--parse-metrics',
        '--system-metrics-interval',
        '0.2',
        '--',
        'python3',
        'train.py',
      ]);
      expect(result.code, result.stderr).toBe(0);
      // The terminal sees the output unchanged.
      expect(result.stdout).toBe(
        'loss=1.0 step=0\nloss=0.5 step=1\nloss=0.3333333333333333 step=2\n{"val_loss": 0.5, "step": 2}\nhéllo wörld\n',
      );
      expect(result.stderr).toContain('warming down\n');
      const runId = runIdOf(result.stderr);
      const got = await client().getRun(runId);
      expect(got.status).toBe('FINISHED');

      // The log artifacts hold exactly what was printed.
      expect(text(await client().downloadArtifact(runId, 'logs/stdout.txt'))).toBe(result.stdout);
      expect(text(await client().downloadArtifact(runId, 'logs/stderr.txt'))).toBe('warming down\n');

      // Metric lines became points; the script's own metric and seed param arrived through the MLflow API.
      const loss = await client().metricHistory(runId, 'loss');
      expect(loss.map((m) => [m.step, m.value])).toEqual([
        [0, 1],
        [1, 0.5],
        [2, 1 / 3],
      ]);
      expect((await client().metricHistory(runId, 'val_loss')).map((m) => [m.step, m.value])).toEqual([[2, 0.5]]);
      expect(got.metrics.find((m) => m.key === 'accuracy')).toMatchObject({ value: 0.91, step: 5 });
      expect(got.params.seed).toBe('1234');
      expect(got.tags).toMatchObject({ 'mnemo.seed': '1234', 'mnemo.seed.source': 'param' });

      // System metrics under MLflow's names, at least one sample per series.
      const memory = await client().metricHistory(runId, 'system/system_memory_usage_megabytes');
      expect(memory.length).toBeGreaterThan(0);
      expect(memory[0]!.value).toBeGreaterThan(0);
      const cpu = await client().metricHistory(runId, 'system/cpu_utilization_percentage');
      expect(cpu.every((m) => m.value >= 0 && m.value <= 100)).toBe(true);
      expect(got.metrics.map((m) => m.key)).toEqual(
        expect.arrayContaining(['system/network_receive_megabytes', 'system/disk_usage_percentage']),
      );

      // Resources: the script slept ~0.9 s and used some CPU and memory.
      expect(Number(got.tags['mnemo.resources.durationMs'])).toBeGreaterThanOrEqual(900);
      expect(Number(got.tags['mnemo.resources.peakRssBytes'])).toBeGreaterThan(1_000_000);
      expect(
        Number(got.tags['mnemo.resources.cpuUserMs']) + Number(got.tags['mnemo.resources.cpuSystemMs']),
      ).toBeGreaterThan(0);

      // The environment: content-addressed, linked to the run, with the packages pip reports.
      const environmentId = got.tags['mnemo.environment.id']!;
      expect(environmentId).toMatch(/^sha256:[0-9a-f]{64}$/);
      const pip = JSON.parse((await exec('python3', ['-m', 'pip', 'list', '--format=json'])).stdout) as {
        name: string;
        version: string;
      }[];
      const document = JSON.parse(text(await client().downloadArtifact(runId, 'environment/environment.json')));
      expect(document.packages.pip).toBe(pip.find((p) => p.name === 'pip')!.version);
      // Read without pip, the list is still pip's own, name for name.
      expect(document.packages).toEqual(Object.fromEntries(pip.map((p) => [p.name.toLowerCase(), p.version])));
      expect(document).toMatchObject({ node: process.version, cpuCount: expect.any(Number), envVars: {} });
      expect(document.python).toMatch(/^3\./);
      const upstream = await lineage().upstream(`run:${runId}`);
      const environment = upstream.nodes.find((n) => n.id === `environment:${environmentId}`);
      expect(environment?.path[0]?.type).toBe('depends_on');
      expect(environment?.attributes.runtime).toBe(`python ${document.python}`);
    },
    CLI_TIMEOUT,
  );

  it(
    'records GPUs when nvidia-smi answers: model, count and memory, and system/gpu_* metrics',
    async () => {
      // A stand-in nvidia-smi on PATH that answers the query as the real one does for two GPUs.
      const bin = join(work, 'fake-bin');
      await mkdir(bin, { recursive: true });
      const answer = 'NVIDIA A100-SXM4-40GB, 40960, 10240, 87\nNVIDIA A100-SXM4-40GB, 40960, 0, 0';
      await writeFile(join(bin, 'nvidia-smi'), `#!/bin/sh\nprintf '${answer}\\n'\n`, { mode: 0o755 });
      const result = await run(
        ['--system-metrics-interval', '0.2', '--', 'node', '-e', 'setTimeout(() => {}, 500)'],
        work,
        {
          PATH: `${bin}:${process.env.PATH}`,
        },
      );
      expect(result.code, result.stderr).toBe(0);
      const runId = runIdOf(result.stderr);
      const got = await client().getRun(runId);
      expect(got.tags).toMatchObject({
        'mnemo.gpu.model': 'NVIDIA A100-SXM4-40GB',
        'mnemo.gpu.count': '2',
        'mnemo.gpu.memoryMiB': '81920',
      });
      const utilisation = await client().metricHistory(runId, 'system/gpu_0_utilization_percentage');
      expect(utilisation.length).toBeGreaterThan(0);
      expect(utilisation.every((m) => m.value === 87)).toBe(true);
      const memory = await client().metricHistory(runId, 'system/gpu_1_memory_usage_percentage');
      expect(memory.map((m) => m.value)).toContain(0);
      const environmentId = encodeURIComponent(got.tags['mnemo.environment.id']!);
      const { body } = await api.call<{ environment: { hardware: Record<string, unknown> } }>(
        'GET',
        `/api/v1/lineage/environments/${environmentId}`,
      );
      expect(body.environment.hardware).toMatchObject({
        gpuModel: 'NVIDIA A100-SXM4-40GB',
        gpuCount: 2,
        gpuMemoryMiB: 81920,
      });
    },
    CLI_TIMEOUT,
  );

  it(
    'asks pip for the packages of a Python too old to list its distributions itself',
    async () => {
      // A stand-in python3 on PATH: Python 3.7 had no importlib.metadata, so it tells its version and pip lists its
      // packages.
      const bin = join(work, 'old-python-bin');
      await mkdir(bin, { recursive: true });
      const script = [
        '#!/bin/sh',
        'case "$1$2" in',
        '  -m*) echo \'[{"name": "Old-Package", "version": "0.1"}, {"name": "pip", "version": "19.0"}]\' ;;',
        '  -c*importlib*) echo "ModuleNotFoundError: No module named importlib.metadata" >&2; exit 1 ;;',
        '  -c*) echo "3.7.17" ;;',
        '  *) exit 2 ;;',
        'esac',
      ].join('\n');
      await writeFile(join(bin, 'python3'), `${script}\n`, { mode: 0o755 });
      const result = await run(['--', 'node', '-e', ''], work, { PATH: `${bin}:${process.env.PATH}` });
      expect(result.code, result.stderr).toBe(0);
      const runId = runIdOf(result.stderr);
      const document = JSON.parse(text(await client().downloadArtifact(runId, 'environment/environment.json')));
      expect(document.python).toBe('3.7.17');
      expect(document.packages).toEqual({ 'old-package': '0.1', pip: '19.0' });
    },
    CLI_TIMEOUT,
  );

  it(
    'records a git checkout: the diff of tracked files with its digest, untracked names, the remote without credentials, lockfiles and the seed',
    async () => {
      const repo = join(work, 'repo');
      await mkdir(join(repo, 'service'), { recursive: true });
      await mkdir(join(repo, 'node_modules/dep'), { recursive: true });
      const git = (...args: string[]) => exec('git', args, { cwd: repo });
      await git('init', '--quiet', '--initial-branch', 'main');
      await git('remote', 'add', 'origin', 'https://ci-bot:ghp_secret123@git.example.org/ml/churn.git');
      await copyFile(join(work, 'report-seed.js'), join(repo, 'report-seed.js'));
      await writeFile(join(repo, 'requirements.txt'), 'numpy==1.26.4\n');
      await writeFile(join(repo, 'service/poetry.lock'), '[[package]]\nname = "pandas"\n');
      await writeFile(join(repo, 'node_modules/dep/package-lock.json'), '{}');
      await writeFile(join(repo, '.gitignore'), 'node_modules/\n');
      await git('add', '.gitignore', 'report-seed.js', 'requirements.txt', 'service/poetry.lock');
      await git('-c', 'user.name=Ana', '-c', 'user.email=ana@example.org', 'commit', '--quiet', '-m', 'first');
      await writeFile(join(repo, 'requirements.txt'), 'numpy==2.0.0\n');
      await writeFile(join(repo, 'notes.txt'), 'scratch\n');

      const refused = await run(['--env-var', 'AWS_SECRET_ACCESS_KEY', '--', 'node', 'report-seed.js'], repo);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('AWS_SECRET_ACCESS_KEY');
      expect(refused.stdout).toBe('');

      const result = await run(
        ['--experiment', 'capture/git', '--seed', '11', '--env-var', 'CAPTURE_PROBE', '--', 'node', 'report-seed.js'],
        repo,
        { CAPTURE_PROBE: 'batch-64', AWS_SECRET_ACCESS_KEY: 'never-recorded' },
      );
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({ mnemoSeed: '11', pythonHashSeed: '11' });
      const runId = runIdOf(result.stderr);
      const got = await client().getRun(runId);
      const { stdout: expectedDiff } = await git('diff', 'HEAD', '--binary', '--no-color', '--no-ext-diff');
      const diff = await client().downloadArtifact(runId, 'code/diff.patch');
      expect(text(diff)).toBe(expectedDiff);
      expect(text(diff)).toContain('+numpy==2.0.0');
      expect(got.params.seed).toBe('11');
      expect(got.tags).toMatchObject({
        'mnemo.source.git.dirty': 'true',
        'mnemo.source.git.diffDigest': sha256(diff),
        'mnemo.source.git.untracked': '1',
        'mlflow.source.git.repoURL': 'https://git.example.org/ml/churn.git',
        'mnemo.seed': '11',
        'mnemo.seed.source': 'flag',
        'mnemo.env.CAPTURE_PROBE': 'batch-64',
        'mnemo.lockfile.requirements.txt': sha256('numpy==2.0.0\n'),
        'mnemo.lockfile.service/poetry.lock': sha256('[[package]]\nname = "pandas"\n'),
      });
      expect(JSON.stringify(got.tags)).not.toContain('ghp_secret123');
      expect(JSON.stringify(got.tags)).not.toContain('never-recorded');
      expect(Object.keys(got.tags).filter((k) => k.includes('node_modules'))).toEqual([]);
      expect(text(await client().downloadArtifact(runId, 'code/untracked.txt'))).toBe('notes.txt\n');
      expect(text(await client().downloadArtifact(runId, 'environment/lockfiles/service/poetry.lock'))).toContain(
        'pandas',
      );

      const upstream = await lineage().upstream(`run:${runId}`);
      const codeRef = upstream.nodes.find((n) => n.id === `code_ref:${got.tags['mnemo.codeRef.id']}`);
      expect(codeRef?.path[0]?.type).toBe('depends_on');
    },
    CLI_TIMEOUT,
  );

  it(
    'keeps the log of a command that fails, uploaded while it ran',
    async () => {
      const result = await run(['--log-upload-interval', '0.2', '--', 'node', 'wait-for-log.js']);
      expect(result.code, result.stderr).toBe(3);
      const runId = runIdOf(result.stderr);
      const got = await client().getRun(runId);
      expect(got.status).toBe('FAILED');
      expect(got.tags['mnemo.exitCode']).toBe('3');
      expect(text(await client().downloadArtifact(runId, 'logs/stderr.txt'))).toBe('something went wrong\n');
    },
    CLI_TIMEOUT,
  );

  it(
    'ends KILLED after a signal, and FAILED with the reason and 127 for a command that does not exist',
    async () => {
      const killed = await run(['--', 'node', '-e', "console.log('bye'); process.kill(process.pid, 'SIGTERM')"]);
      expect(killed.code, killed.stderr).toBe(128 + 15);
      const killedRun = await client().getRun(runIdOf(killed.stderr));
      expect(killedRun.status).toBe('KILLED');
      expect(text(await client().downloadArtifact(killedRun.runId, 'logs/stdout.txt'))).toBe('bye\n');

      const missing = await run(['--', 'no-such-program-xyz', '--flag']);
      expect(missing.code, missing.stderr).toBe(127);
      const missingRun = await client().getRun(runIdOf(missing.stderr));
      expect(missingRun.status).toBe('FAILED');
      expect(missingRun.tags['mnemo.exitCode']).toBe('127');
      expect(missingRun.tags['mnemo.error']).toContain('no-such-program-xyz');
      expect(missingRun.tags['mnemo.error']).toContain('ENOENT');
    },
    CLI_TIMEOUT,
  );

  it(
    'hashes inputs and outputs, registers dataset versions, reuses a known digest and links them consumed and produced',
    async () => {
      const data = join(work, 'data');
      await mkdir(join(data, 'shards'), { recursive: true });
      await writeFile(join(data, 'orders.csv'), 'id\n1\n2\n');
      await writeFile(join(data, 'shards/a.csv'), '3\n');
      await writeFile(join(data, 'shards/b.csv'), '4\n5\n');
      const args = [
        '--experiment',
        'capture/data',
        '--input',
        'data/orders.csv',
        '--input',
        'data/shards',
        '--output',
        'data/count.txt',
        '--',
        'python3',
        'transform.py',
        'data/orders.csv',
        'data/shards',
        'data/count.txt',
      ];

      const missing = await run([
        '--experiment',
        'capture/data-missing',
        '--input',
        'data/nope.csv',
        '--',
        'node',
        '-e',
        'console.log("ran")',
      ]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('data/nope.csv does not exist');
      expect(missing.stdout).toBe('');
      expect(await client().getExperimentByName('capture/data-missing')).toBeUndefined();

      const first = await run(args);
      expect(first.code, first.stderr).toBe(0);
      const second = await run(args);
      expect(second.code, second.stderr).toBe(0);
      const [firstId, secondId] = [runIdOf(first.stderr), runIdOf(second.stderr)];

      const ordersPath = join(work, 'data/orders.csv');
      const versions = await lineage().datasetVersions({ namespace: 'file', name: ordersPath });
      // The second run read the same bytes: one version, reused.
      expect(versions).toHaveLength(1);
      expect(versions[0]).toMatchObject({ digest: sha256('id\n1\n2\n'), uri: pathToFileURL(ordersPath).href });
      const shards = await lineage().datasetVersions({ namespace: 'file', name: join(work, 'data/shards') });
      expect(shards).toHaveLength(1);
      expect(shards[0]!.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      const outputs = await lineage().datasetVersions({ namespace: 'file', name: join(work, 'data/count.txt') });
      expect(outputs.map((v) => v.digest)).toEqual([sha256('6\n')]);

      for (const runId of [firstId, secondId]) {
        const up = await lineage().upstream(`run:${runId}`, { depth: 1 });
        const consumed = up.nodes.filter((n) => n.path[0]?.type === 'consumed').map((n) => n.id);
        expect(consumed.sort()).toEqual([versions[0]!.nodeId, shards[0]!.nodeId].sort());
        const down = await lineage().downstream(`run:${runId}`, { depth: 1 });
        expect(down.nodes.filter((n) => n.path[0]?.type === 'produced').map((n) => n.id)).toEqual([outputs[0]!.nodeId]);
        const got = await client().getRun(runId);
        expect(got.tags['mnemo.input.0']).toBe(`${pathToFileURL(ordersPath).href}@${sha256('id\n1\n2\n')}`);
        expect(got.tags['mnemo.output.0']).toBe(`${pathToFileURL(join(work, 'data/count.txt')).href}@${sha256('6\n')}`);
      }
    },
    CLI_TIMEOUT,
  );

  it(
    'goes on logging when the terminal reading its output goes away, as with `mnemo run … | head`',
    async () => {
      const script = 'for (let i = 0; i < 200000; i++) console.log(i)';
      const result = await runMnemo(['run', '--tracking-uri', api.url, '--', 'node', '-e', script], work, {}, (child) =>
        child.stdout.destroy(),
      );
      expect(result.code, result.stderr).toBe(0);
      const runId = runIdOf(result.stderr);
      expect((await client().getRun(runId)).status).toBe('FINISHED');
      const expected = Array.from({ length: 200000 }, (_, i) => `${i}\n`).join('');
      const files = await client().listArtifacts(runId, 'logs');
      expect(files.find((f) => f.path === 'logs/stdout.txt')?.sha256).toBe(sha256(expected).slice('sha256:'.length));
    },
    CLI_TIMEOUT,
  );

  it(
    'streams an output far larger than it keeps in memory into the log artifact',
    async () => {
      const megabytes = 24;
      const script = `import sys\nline = ("x" * 1023 + "\\n").encode()\nfor _ in range(${megabytes} * 1024): sys.stdout.buffer.write(line)\n`;
      await writeFile(join(work, 'loud.py'), script);
      const result = await run(['--', 'python3', 'loud.py']);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.length).toBe(megabytes * 1024 * 1024);
      const runId = runIdOf(result.stderr);
      const files = await client().listArtifacts(runId, 'logs');
      const stdout = files.find((f) => f.path === 'logs/stdout.txt');
      expect(stdout?.size).toBe(megabytes * 1024 * 1024);
      expect(stdout?.sha256).toBe(sha256(result.stdout).slice('sha256:'.length));
    },
    CLI_TIMEOUT,
  );
});
