import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mnemo } from '../../src/sdk/index.js';
import { backends } from '../support/backends.js';
import { CLI_BUNDLE } from '../support/cli-bundle.js';
import { useTestServer } from '../support/test-server.js';

const exec = promisify(execFile);
// Each test starts a Node process for the CLI, which can take seconds on a busy machine.
const CLI_TIMEOUT = 120_000;

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `mnemo <args>` from the sources in `cwd`, as a user would from a shell, without tracking settings leaking in.
 * `onFirstOutput` is called once, when the wrapped command first writes to stdout.
 */
function mnemo(
  args: string[],
  cwd: string,
  onFirstOutput?: (pid: number) => void,
  extraEnv: Record<string, string> = {},
): Promise<CliResult> {
  const env = {
    ...Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith('MLFLOW_') && !key.startsWith('MNEMO_')),
    ),
    ...extraEnv,
  };
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI_BUNDLE, ...args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let announced = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (child.pid !== undefined && !announced) onFirstOutput?.(child.pid);
      announced = true;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** A script for `node -e`: prints the tracking variables it was given and logs a metric to its run over HTTP. */
const CHILD_SCRIPT = `
const env = process.env;
console.log(JSON.stringify({
  trackingUri: env.MLFLOW_TRACKING_URI, runId: env.MLFLOW_RUN_ID,
  experimentId: env.MLFLOW_EXPERIMENT_ID, mnemoRunId: env.MNEMO_RUN_ID,
}));
fetch(env.MLFLOW_TRACKING_URI + '/api/v1/runs/' + env.MNEMO_RUN_ID + '/batch', {
  method: 'POST', headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ metrics: [{ key: 'accuracy', value: 0.75, step: 1 }] }),
}).then((r) => process.exit(r.ok ? Number(process.argv[1]) : 99));
`;

describe.each(backends)('mnemo run on $name', (backend) => {
  const api = useTestServer(backend);
  let repo: string;
  let plain: string;
  beforeAll(async () => {
    repo = await mkdtemp(join(tmpdir(), 'mnemo-run-repo-'));
    plain = await mkdtemp(join(tmpdir(), 'mnemo-run-plain-'));
    const git = (...args: string[]) => exec('git', args, { cwd: repo });
    await git('init', '--quiet', '--initial-branch', 'experiments');
    await writeFile(join(repo, 'train.py'), 'print("training")\n');
    await git('add', 'train.py');
    await git('-c', 'user.name=Ana', '-c', 'user.email=ana@example.org', 'commit', '--quiet', '-m', 'first');
    await writeFile(join(repo, 'train.py'), 'print("training, edited")\n');
  });
  afterAll(async () => {
    await rm(repo, { recursive: true, force: true });
    await rm(plain, { recursive: true, force: true });
  });

  it(
    'wraps a failing command: environment, command line, git state, exit code and FAILED',
    async () => {
      const result = await mnemo(
        [
          'run',
          '--tracking-uri',
          api.url,
          '--experiment',
          'cli/new',
          '--run-name',
          'wrapped',
          '--',
          'node',
          '-e',
          CHILD_SCRIPT,
          '3',
        ],
        repo,
      );
      expect(result.code, result.stderr).toBe(3);
      const seen = JSON.parse(result.stdout.trim()) as Record<string, string>;

      const client = new Mnemo({ url: api.url });
      const experiment = await client.getExperimentByName('cli/new');
      expect(experiment).toBeDefined();
      expect(seen).toEqual({
        trackingUri: api.url,
        runId: seen.mnemoRunId,
        experimentId: experiment!.experimentId,
        mnemoRunId: expect.stringMatching(/^[0-9a-f]{32}$/),
      });
      const run = await client.getRun(seen.mnemoRunId!);
      expect(run.runName).toBe('wrapped');
      expect(run.status).toBe('FAILED');
      expect(run.endTime).not.toBeNull();
      // Besides the system/* metrics `mnemo run` samples, the program's own metric arrived.
      expect(run.metrics.filter((m) => !m.key.startsWith('system/'))).toMatchObject([
        { key: 'accuracy', value: 0.75, step: 1 },
      ]);
      const head = (await exec('git', ['rev-parse', 'HEAD'], { cwd: repo })).stdout.trim();
      expect(run.tags).toMatchObject({
        'mnemo.command': `node -e '${CHILD_SCRIPT.replaceAll("'", `'\\''`)}' 3`,
        'mlflow.source.name': 'node',
        'mlflow.source.git.commit': head,
        'mlflow.source.git.branch': 'experiments',
        'mnemo.source.git.dirty': 'true',
        'mnemo.exitCode': '3',
      });
      expect(result.stderr).toContain(`run ${run.runId} ended FAILED`);
    },
    CLI_TIMEOUT,
  );

  it(
    'ends the run FINISHED when the command succeeds, with no git tags outside a repository',
    async () => {
      await writeFile(join(plain, 'train.js'), `${CHILD_SCRIPT.replace('process.argv[1]', '0')}`);
      const result = await mnemo(
        ['run', '--tracking-uri', api.url, '--experiment', 'cli/new', '--', 'node', 'train.js'],
        plain,
      );
      expect(result.code, result.stderr).toBe(0);
      const { mnemoRunId } = JSON.parse(result.stdout.trim()) as { mnemoRunId: string };
      const run = await new Mnemo({ url: api.url }).getRun(mnemoRunId);
      expect(run.status).toBe('FINISHED');
      expect(run.tags['mlflow.source.name']).toBe('train.js');
      expect(run.tags['mnemo.command']).toBe('node train.js');
      expect(Object.keys(run.tags).filter((k) => k.includes('git'))).toEqual([]);
    },
    CLI_TIMEOUT,
  );

  it(
    'ends the run KILLED when the command dies of a signal, and forwards signals it receives',
    async () => {
      const sleeper = 'console.log(process.env.MNEMO_RUN_ID); setTimeout(() => process.exit(0), 60000)';
      // Two runs of their own, each waiting mostly on its own child: they go at once.
      const [selfKilled, terminated] = await Promise.all([
        mnemo(
          [
            'run',
            '--tracking-uri',
            api.url,
            '--experiment',
            'cli/signals',
            '--',
            'node',
            '-e',
            "process.kill(process.pid, 'SIGKILL')",
          ],
          plain,
        ),
        mnemo(
          ['run', '--tracking-uri', api.url, '--experiment', 'cli/signals', '--', 'node', '-e', sleeper],
          plain,
          (pid) => process.kill(pid, 'SIGTERM'),
        ),
      ]);
      expect(selfKilled.code, selfKilled.stderr).toBe(128 + 9);
      expect(terminated.code, terminated.stderr).toBe(128 + 15);
      const selfKilledId = /mnemo: run (\w+) in experiment/.exec(selfKilled.stderr)?.[1];
      expect(selfKilledId, selfKilled.stderr).toMatch(/^[0-9a-f]{32}$/);

      const client = new Mnemo({ url: api.url });
      const experiment = await client.getExperimentByName('cli/signals');
      const runs = await client.searchRuns({ experimentIds: [experiment!.experimentId] });
      // Started at once, the runs are told apart by id rather than by start time.
      const byId = new Map(runs.runs.map((r) => [r.runId, [r.status, r.tags['mnemo.signal']]]));
      expect(byId).toEqual(
        new Map([
          [selfKilledId, ['KILLED', 'SIGKILL']],
          [terminated.stdout.trim(), ['KILLED', 'SIGTERM']],
        ]),
      );
    },
    CLI_TIMEOUT,
  );

  it(
    'fails clearly for a command that does not exist, and spools the run of a server that is not there',
    async () => {
      const closedPort = await new Promise<number>((done) => {
        const server = createServer().listen(0, '127.0.0.1', () => {
          const { port } = server.address() as AddressInfo;
          server.close(() => done(port));
        });
      });
      const offlineUri = `http://127.0.0.1:${closedPort}`;
      // The two commands touch nothing in common; the offline one spends seconds retrying, so they run at once.
      const [missing, offline] = await Promise.all([
        mnemo(['run', '--tracking-uri', api.url, '--experiment', 'cli/missing', '--', 'no-such-program-xyz'], plain),
        // Without a server the command still runs, and the run waits in the spool for `mnemo sync`.
        mnemo(['run', '--tracking-uri', offlineUri, '--', 'node', '-e', 'console.log("ran")'], plain, undefined, {
          MNEMO_SPOOL_DIR: join(plain, 'spool'),
        }),
      ]);
      expect(missing.code, missing.stderr).toBe(127);
      expect(missing.stderr).toContain("could not run 'no-such-program-xyz'");
      const client = new Mnemo({ url: api.url });
      const experiment = await client.getExperimentByName('cli/missing');
      const runs = await client.searchRuns({ experimentIds: [experiment!.experimentId] });
      expect(runs.runs.map((r) => r.status)).toEqual(['FAILED']);

      expect(offline.code, offline.stderr).toBe(0);
      expect(offline.stdout).toContain('ran');
      expect(offline.stderr).toContain(`could not reach a Mnemo server at ${offlineUri}`);
      expect(offline.stderr).toContain('mnemo sync');
    },
    CLI_TIMEOUT,
  );
});
