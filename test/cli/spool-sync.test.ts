import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../src/api/server.js';
import { REPRODUCED_FROM_TAG } from '../../src/cli/reproduce/derived-link.js';
import { SpoolRecorder } from '../../src/cli/spool/spool-recorder.js';
import { LineageClient, Mnemo } from '../../src/sdk/index.js';
import { startFaultProxy } from '../sdk/fault-proxy.js';
import { backends } from '../support/backends.js';
import { CLI_BUNDLE } from '../support/cli-bundle.js';
import { useTestServer } from '../support/test-server.js';

const root = join(import.meta.dirname, '../..');
const exec = promisify(execFile);
const CLI_TIMEOUT = 120_000;
const sha256 = (bytes: string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/**
 * Retries as the environment may set them: one quick retry. How the SDK retries is tested with it; here the default
 * backoff would only delay the spooling and resuming these tests are about, by seconds per unanswered request.
 */
const QUICK_RETRIES = { MNEMO_HTTP_REQUEST_MAX_RETRIES: '1', MNEMO_HTTP_REQUEST_BACKOFF_FACTOR: '0.02' };

/** The real `mnemo` from the sources, with only the variables given here (no tracking settings leak in). */
async function mnemo(args: string[], env: Record<string, string>, cwd = root) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('MLFLOW_') && !key.startsWith('MNEMO_')),
  );
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI_BUNDLE, ...args], {
      cwd,
      env: { ...clean, ...QUICK_RETRIES, ...env },
      timeout: CLI_TIMEOUT,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** A loopback port nothing listens on: the server of a run made while it is down. */
const closedPort = () =>
  new Promise<number>((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });

type RunsPage = {
  runs: {
    runId: string;
    startTime: number;
    endTime: number | null;
    status: string;
    tags: Record<string, string>;
    params: Record<string, string>;
  }[];
};

describe.each(backends)('spooled runs and mnemo sync on $name', (backend) => {
  const api = useTestServer(backend);
  let spool: string;
  let offline: string;
  beforeAll(async () => {
    spool = await mkdtemp(join(tmpdir(), 'mnemo-spool-'));
    offline = `http://127.0.0.1:${await closedPort()}`;
  });
  afterAll(async () => {
    await rm(spool, { recursive: true, force: true });
  });

  async function runsOf(experimentName: string): Promise<RunsPage['runs']> {
    const found = await api.call<{ experiment: { experimentId: string } }>(
      'GET',
      `/api/v1/experiments/by-name/${experimentName}`,
    );
    expect(found.status).toBe(200);
    const page = await api.call<RunsPage>('POST', '/api/v1/runs/search', {
      experimentIds: [found.body.experiment.experimentId],
      viewType: 'ALL',
    });
    return page.body.runs;
  }

  async function history(runId: string, key: string): Promise<{ value: number; step: number; timestamp: number }[]> {
    const reply = await api.call<{ metrics: { value: number; step: number; timestamp: number }[] }>(
      'GET',
      `/api/v1/runs/${runId}/metric-history?key=${key}`,
    );
    return reply.body.metrics;
  }

  it('runs the command while the server is down and uploads the run once, however often sync runs', {
    timeout: 4 * CLI_TIMEOUT,
  }, async () => {
    const env = { MNEMO_SPOOL_DIR: spool, MNEMO_TRACKING_URI: offline };
    const before = Date.now();
    const ran = await mnemo(
      [
        'run',
        '--experiment',
        `offline-${backend.name}`,
        '--',
        process.execPath,
        '-e',
        'console.log("trained"); process.exit(3)',
      ],
      env,
    );
    expect(ran.code, ran.stderr).toBe(3);
    expect(ran.stdout).toContain('trained');
    expect(ran.stderr).toContain(`could not reach a Mnemo server at ${offline}`);
    expect(ran.stderr).toContain('ended FAILED (spooled)');
    expect(await readdir(spool)).toHaveLength(1);

    // Nothing reached a server yet; a sync to the server now up uploads it, twice changes nothing.
    const first = await mnemo(['sync', '--tracking-uri', api.url], { MNEMO_SPOOL_DIR: spool });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/synced as run \w+/);
    const again = await mnemo(['sync', '--tracking-uri', api.url], { MNEMO_SPOOL_DIR: spool });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('Nothing to sync');

    const runs = await runsOf(`offline-${backend.name}`);
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run.status).toBe('FAILED');
    expect(run.tags['mnemo.exitCode']).toBe('3');
    expect(run.tags['mnemo.command']).toContain('process.exit(3)');
    // The times are those of the run, not of the upload.
    expect(run.startTime).toBeGreaterThanOrEqual(before);
    expect(run.startTime).toBeLessThan(run.endTime!);
    expect(run.endTime!).toBeLessThanOrEqual(Date.now());
  });

  it('links a re-run spooled by `mnemo reproduce --exec` derived_from the run it re-ran when sync uploads it', {
    timeout: 2 * CLI_TIMEOUT,
  }, async () => {
    const origin = await new Mnemo({ url: api.url }).startRun({ experimentName: `reproduced-${backend.name}` });
    await origin.end('FINISHED');
    const ownSpool = await mkdtemp(join(tmpdir(), 'mnemo-spool-rerun-'));
    try {
      // What `mnemo reproduce --exec` spools when the server goes away after it read the recipe.
      const rerun = SpoolRecorder.start(ownSpool, {
        trackingUri: api.url,
        experimentName: `reproduced-${backend.name}`,
        startTime: Date.now(),
        tags: { [REPRODUCED_FROM_TAG]: origin.id },
        userId: 'ana',
      });
      await rerun.end('FINISHED', Date.now());
      const synced = await mnemo(['sync', '--tracking-uri', api.url], { MNEMO_SPOOL_DIR: ownSpool });
      expect(synced.code, synced.stderr).toBe(0);
      expect(synced.stderr).not.toContain('could not');
      const runId = /synced as run (\w+)/.exec(synced.stdout)![1]!;
      const walk = await new LineageClient(api.url).upstream(`run:${runId}`, { depth: 1 });
      expect(walk.edges.map((e) => [e.from, e.type, e.to])).toEqual([
        [`run:${origin.id}`, 'derived_from', `run:${runId}`],
      ]);
    } finally {
      await rm(ownSpool, { recursive: true, force: true });
    }
  });

  it('spools what a connected run captures (code, environment, data, resources, system metrics) and sync records it', {
    timeout: 4 * CLI_TIMEOUT,
  }, async () => {
    const repo = await mkdtemp(join(tmpdir(), 'mnemo-offline-repo-'));
    try {
      const git = (...args: string[]) => exec('git', args, { cwd: repo });
      await git('init', '--quiet', '--initial-branch', 'main');
      await mkdir(join(repo, 'data'));
      await writeFile(join(repo, 'requirements.txt'), 'numpy==1.26.4\n');
      await writeFile(join(repo, 'data/in.csv'), 'id\n1\n2\n');
      await writeFile(
        join(repo, 'train.js'),
        "const fs = require('fs'); fs.mkdirSync('out', { recursive: true }); " +
          "fs.writeFileSync('out/result.txt', String(fs.readFileSync('data/in.csv', 'utf8').length)); " +
          "console.log('loss=0.25 step=3'); setTimeout(() => {}, 700);",
      );
      await git('add', '.');
      await git('-c', 'user.name=Ana', '-c', 'user.email=ana@example.org', 'commit', '--quiet', '-m', 'first');
      await writeFile(join(repo, 'requirements.txt'), 'numpy==2.0.0\n');
      const { stdout: diffThen } = await git('diff', 'HEAD', '--binary', '--no-color', '--no-ext-diff');

      const experiment = `offline-capture-${backend.name}`;
      const ran = await mnemo(
        [
          'run',
          '--experiment',
          experiment,
          '--input',
          'data/in.csv',
          '--output',
          'out/result.txt',
          '--parse-metrics',
          '--system-metrics-interval',
          '0.2',
          '--',
          process.execPath,
          'train.js',
        ],
        { MNEMO_SPOOL_DIR: spool, MNEMO_TRACKING_URI: offline },
        repo,
      );
      expect(ran.code, ran.stderr).toBe(0);
      expect(ran.stderr).toContain('could not reach a Mnemo server');
      expect(ran.stderr).not.toContain('could not spool');
      // What is recorded is what the command saw, whatever happens to the checkout before the sync.
      await writeFile(join(repo, 'data/in.csv'), 'id\n1\n2\n3\n');
      await writeFile(join(repo, 'requirements.txt'), 'numpy==1.26.4\n');

      const synced = await mnemo(['sync', '--tracking-uri', api.url], { MNEMO_SPOOL_DIR: spool });
      expect(synced.code, synced.stderr).toBe(0);
      expect(synced.stderr).not.toContain('could not record');
      const [run] = await runsOf(experiment);
      const client = new Mnemo({ url: api.url });
      const got = await client.getRun(run!.runId);
      const runId = got.runId;

      // Code: the diff as it was, its digest, and a code reference in the lineage graph.
      expect(got.tags['mnemo.source.git.diffDigest']).toBe(sha256(diffThen));
      expect(Buffer.from(await client.downloadArtifact(runId, 'code/diff.patch')).toString()).toBe(diffThen);
      // Environment: the lockfile as it was, environment.json, and a content-addressed environment node.
      expect(got.tags['mnemo.lockfile.requirements.txt']).toBe(sha256('numpy==2.0.0\n'));
      expect(
        Buffer.from(await client.downloadArtifact(runId, 'environment/lockfiles/requirements.txt')).toString(),
      ).toBe('numpy==2.0.0\n');
      const document = JSON.parse(
        Buffer.from(await client.downloadArtifact(runId, 'environment/environment.json')).toString(),
      );
      expect(document.node).toBe(process.version);
      const lineage = new LineageClient(api.url);
      const up = await lineage.upstream(`run:${runId}`, { depth: 1 });
      const via = (id: string) => up.nodes.find((n) => n.id === id)?.path[0]?.type;
      expect(via(`environment:${got.tags['mnemo.environment.id']}`)).toBe('depends_on');
      expect(via(`code_ref:${got.tags['mnemo.codeRef.id']}`)).toBe('depends_on');
      // Data: hashed when the command ran, linked consumed and produced.
      const input = join(repo, 'data/in.csv');
      expect(got.tags['mnemo.input.0']).toBe(`${pathToFileURL(input).href}@${sha256('id\n1\n2\n')}`);
      const [inputVersion] = await lineage.datasetVersions({ namespace: 'file', name: input });
      expect(inputVersion?.digest).toBe(sha256('id\n1\n2\n'));
      expect(via(inputVersion!.nodeId)).toBe('consumed');
      const output = join(repo, 'out/result.txt');
      expect(got.tags['mnemo.output.0']).toBe(`${pathToFileURL(output).href}@${sha256('7')}`);
      const down = await lineage.downstream(`run:${runId}`, { depth: 1 });
      const [outputVersion] = await lineage.datasetVersions({ namespace: 'file', name: output });
      expect(down.nodes.find((n) => n.id === outputVersion?.nodeId)?.path[0]?.type).toBe('produced');
      // Resources and metrics: the command ran at least 0.7 s; its printed loss and system samples are series.
      expect(Number(got.tags['mnemo.resources.durationMs'])).toBeGreaterThanOrEqual(700);
      expect(Number(got.tags['mnemo.resources.peakRssBytes'])).toBeGreaterThan(1_000_000);
      expect(await history(runId, 'loss')).toEqual([expect.objectContaining({ value: 0.25, step: 3 })]);
      const cpu = await history(runId, 'system/cpu_utilization_percentage');
      expect(cpu.length).toBeGreaterThan(0);
      expect(cpu.every((point) => point.timestamp < got.endTime!)).toBe(true);
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });

  it('resumes a sync cut short without duplicating the run, its metrics or its tags', {
    timeout: 4 * CLI_TIMEOUT,
  }, async () => {
    const experimentName = `resumed-${backend.name}`;
    const dir = await mkdtemp(join(tmpdir(), 'mnemo-spool-resume-'));
    try {
      const startTime = Date.now() - 60_000;
      const recorder = SpoolRecorder.start(dir, {
        trackingUri: offline,
        experimentName,
        startTime,
        tags: { team: 'vision' },
        userId: 'ana',
      });
      await recorder.logParams({ lr: '0.1' });
      const points = Array.from({ length: 50 }, (_, i) => ({
        key: 'loss',
        value: 1 / (i + 1),
        step: i,
        timestamp: startTime + i * 100,
      }));
      await recorder.logMetrics(points.slice(0, 25));
      await recorder.setTags({ phase: 'warmup' });
      await recorder.logMetrics(points.slice(25));
      const log = join(dir, 'stdout.log');
      await writeFile(log, 'epoch 1\nepoch 2\n');
      await recorder.logArtifact(log, 'logs/stdout.txt');
      await recorder.setTags({ phase: 'done' });
      await recorder.end('FINISHED', startTime + 30_000);

      // 1: the run is created but the answer is lost, and the server goes away: the sync fails before noting it.
      let created = false;
      const createLost = await startFaultProxy(api.url, (request) => {
        if (created) return 'refuse-503';
        created = request.method === 'POST' && request.path === '/api/v1/runs';
        return created ? 'drop-answer' : 'pass';
      });
      const cut1 = await mnemo(['sync', '--tracking-uri', createLost.url], { MNEMO_SPOOL_DIR: dir });
      await createLost.close();
      expect(cut1.code, cut1.stdout + cut1.stderr).toBe(2);
      expect(await runsOf(experimentName)).toHaveLength(1);

      // 2: the first metric batch is stored but its answer lost, then nothing more gets through.
      let batches = 0;
      const batchLost = await startFaultProxy(api.url, (request) => {
        if (!request.path.endsWith('/batch')) return 'pass';
        batches++;
        if (batches === 2) return 'drop-answer';
        return batches < 2 ? 'pass' : 'refuse-503';
      });
      const cut2 = await mnemo(['sync', '--tracking-uri', batchLost.url], { MNEMO_SPOOL_DIR: dir });
      await batchLost.close();
      expect(cut2.code).toBe(2);

      // 3 and 4: straight to the server, twice.
      const done = await mnemo(['sync', '--tracking-uri', api.url], { MNEMO_SPOOL_DIR: dir });
      expect(done.code, done.stderr).toBe(0);
      expect(done.stdout).toContain('synced as run');
      const repeat = await mnemo(['sync', '--tracking-uri', api.url], { MNEMO_SPOOL_DIR: dir });
      expect(repeat.stdout).toContain('Nothing to sync');

      const runs = await runsOf(experimentName);
      expect(runs).toHaveLength(1);
      const run = runs[0]!;
      expect(run.startTime).toBe(startTime);
      expect(run.endTime).toBe(startTime + 30_000);
      expect(run.status).toBe('FINISHED');
      expect(run.params).toEqual({ lr: '0.1' });
      expect(run.tags.team).toBe('vision');
      expect(run.tags.phase).toBe('done');
      const loss = await history(run.runId, 'loss');
      expect(loss).toHaveLength(50);
      expect(loss.map((p) => p.timestamp)).toEqual(points.map((p) => p.timestamp));
      const artifact = await fetch(`${api.url}/api/v1/runs/${run.runId}/artifacts/logs/stdout.txt`);
      expect(await artifact.text()).toBe('epoch 1\nepoch 2\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('warns and still runs the command when the spool cannot be written', { timeout: CLI_TIMEOUT }, async () => {
    const notADirectory = join(spool, 'a-file');
    await writeFile(notADirectory, 'in the way');
    const ran = await mnemo(['run', '--', process.execPath, '-e', 'console.log("still ran"); process.exit(4)'], {
      MNEMO_SPOOL_DIR: notADirectory,
      MNEMO_TRACKING_URI: offline,
    });
    expect(ran.code).toBe(4);
    expect(ran.stdout).toContain('still ran');
    expect(ran.stderr).toContain(`could not write the spool at ${notADirectory}`);
    expect(ran.stderr).toContain('MNEMO_SPOOL_DIR');
  });
});

describe.each(backends)('a server lost while the command runs, on $name', (backend) => {
  it('spools the rest of the run, and sync completes the run the server already has', {
    timeout: 4 * CLI_TIMEOUT,
  }, async () => {
    const db = await backend.createMigrated();
    const dir = await mkdtemp(join(tmpdir(), 'mnemo-spool-lost-'));
    const flag = join(dir, 'go');
    const config = {
      host: '127.0.0.1',
      port: 0,
      backendStoreUri: db.uri,
      artifactsDestination: join(dir, 'artifacts'),
      // Lost, not drained: the command's requests in flight are cut rather than awaited for the usual 10 s.
      shutdownGraceMs: 100,
    };
    let server = await startServer(config);
    try {
      const clean = Object.fromEntries(
        Object.entries(process.env).filter(([key]) => !key.startsWith('MLFLOW_') && !key.startsWith('MNEMO_')),
      );
      // The command waits until the server is gone, prints a line and a metric, then fails.
      const waiting = `const fs = require('fs'); const t = setInterval(() => { if (fs.existsSync(${JSON.stringify(flag)})) { clearInterval(t); console.log('printed after the loss'); console.log('loss=0.5 step=7'); setTimeout(() => process.exit(5), 300); } }, 50);`;
      const child = spawn(
        process.execPath,
        [CLI_BUNDLE, 'run', '--experiment', 'lost', '--parse-metrics', '--', process.execPath, '-e', waiting],
        {
          cwd: root,
          env: { ...clean, ...QUICK_RETRIES, MNEMO_TRACKING_URI: server.url, MNEMO_SPOOL_DIR: join(dir, 'spool') },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
      await expect
        .poll(() => /mnemo: run (\w+) in experiment/.exec(stderr)?.[1], { timeout: CLI_TIMEOUT })
        .toBeDefined();
      const runId = /mnemo: run (\w+) in experiment/.exec(stderr)![1]!;
      await server.close();
      await writeFile(flag, '');
      expect(await exited).toBe(5);
      expect(stderr).toContain(`the rest of run ${runId} is spooled`);

      server = await startServer(config);
      const synced = await mnemo(['sync', '--tracking-uri', server.url], { MNEMO_SPOOL_DIR: join(dir, 'spool') });
      expect(synced.code, synced.stderr).toBe(0);
      expect(synced.stdout).toContain(`synced as run ${runId}`);
      const run = (await (await fetch(`${server.url}/api/v1/runs/${runId}`)).json()) as {
        run: { status: string; tags: Record<string, string> };
      };
      expect(run.run.status).toBe('FAILED');
      expect(run.run.tags['mnemo.exitCode']).toBe('5');
      // What the command printed and logged while the server was away reached the run through the spool.
      const history = (await (await fetch(`${server.url}/api/v1/runs/${runId}/metric-history?key=loss`)).json()) as {
        metrics: { value: number; step: number }[];
      };
      expect(history.metrics.map((m) => [m.step, m.value])).toEqual([[7, 0.5]]);
      const log = await fetch(`${server.url}/api/v1/runs/${runId}/artifacts/logs/stdout.txt`);
      expect(await log.text()).toContain('printed after the loss');
      // So did the resource use measured once the command had ended.
      expect(Number(run.run.tags['mnemo.resources.durationMs'])).toBeGreaterThan(0);
    } finally {
      await server.close();
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
