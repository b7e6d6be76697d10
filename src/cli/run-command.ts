import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { envVarRefusal } from '../domain/capture/secret-names.js';
import { parseSeed, recognisedSeed } from '../domain/capture/seed.js';
import { invalid } from '../domain/errors.js';
import { type ActiveRun, LineageClient, Mnemo } from '../sdk/index.js';
import { collect } from './access-client.js';
import { CaptureRecorder } from './capture/capture-recorder.js';
import { conclude, runChild } from './capture/child-process.js';
import { type CodeState, captureCode } from './capture/code-capture.js';
import { DataHasher, dataItems } from './capture/data-capture.js';
import { type CapturedEnvironment, captureEnvironment } from './capture/environment-capture.js';
import { type GpuInfo, queryGpus } from './capture/gpu.js';
import { MetricBatches } from './capture/metric-batches.js';
import { OutputLog } from './capture/output-log.js';
import { OutputMetrics } from './capture/output-metrics.js';
import { ResourceMonitor } from './capture/resource-monitor.js';
import { sourceTags } from './capture/source-tags.js';
import { SystemSampler } from './capture/system-sampler.js';
import { isRefusal } from './failure.js';
import { clientToken, envOption, trackingUriOption } from './options.js';
import { OnlineRecorder } from './spool/online-recorder.js';
import { openRecorder } from './spool/open-recorder.js';
import type { RecordedPoint, RunRecorder } from './spool/run-recorder.js';
import { SpoolRecorder } from './spool/spool-recorder.js';
import { SpooledCapture } from './spool/spooled-capture.js';

const DEFAULT_EXPERIMENT = 'Default';
/** How often the process tree's memory is sampled for the peak RSS. */
const RSS_SAMPLE_MS = 500;

export interface RunOptions {
  trackingUri: string;
  experiment?: string;
  runName?: string;
  /** Tags the run starts with, over what is captured (`mnemo reproduce --exec` names the run it reproduces). */
  tags?: Record<string, string>;
  seed?: string;
  envVar: string[];
  input: string[];
  output: string[];
  parseMetrics?: boolean;
  systemMetricsInterval: string;
  logUploadInterval: string;
}

/** What the command line asks for, checked before anything is created or run. */
interface Settings {
  seed: number | undefined;
  envVars: string[];
  data: ReturnType<typeof dataItems>;
  parseMetrics: boolean;
  systemMetricsMs: number;
  logUploadMs: number;
}

export function runCommand(): Command {
  return new Command('run')
    .description(
      'Run a command as a tracked run: creates the run, records the command line, git state and diff, environment, ' +
        'output, resource use and data, passes MLFLOW_TRACKING_URI, MLFLOW_RUN_ID, MLFLOW_EXPERIMENT_ID and ' +
        'MNEMO_RUN_ID to the command, and ends the run FINISHED, FAILED or KILLED as the command ends',
    )
    .addOption(trackingUriOption())
    .addOption(
      envOption('--experiment <name>', 'experiment, created if missing (else MLFLOW_EXPERIMENT_NAME, else Default)'),
    )
    .addOption(envOption('--run-name <name>', 'name of the run (default: a generated one)'))
    .option('--seed <n>', "the run's seed: sets MNEMO_SEED and PYTHONHASHSEED for the command and records it")
    .option(
      '--env-var <name>',
      'record this environment variable (repeatable; secret-looking names are refused)',
      collect,
      [],
    )
    .option('--input <path|uri>', 'data the command reads: hashed and linked as consumed (repeatable)', collect, [])
    .option(
      '--output <path|uri>',
      'data the command writes: hashed afterwards and linked as produced (repeatable)',
      collect,
      [],
    )
    .option('--parse-metrics', 'log lines such as `loss=0.31 step=12` or `{"loss": 0.31}` as metrics')
    .addOption(
      new Option('--system-metrics-interval <seconds>', 'how often system/* metrics are sampled')
        .env('MNEMO_SYSTEM_METRICS_INTERVAL')
        .default('10'),
    )
    .addOption(
      new Option(
        '--log-upload-interval <seconds>',
        'how often the growing logs/stdout.txt and logs/stderr.txt are uploaded',
      )
        .env('MNEMO_LOG_UPLOAD_INTERVAL')
        .default('10'),
    )
    .argument('<command...>', 'the command to run, after --, e.g. mnemo run -- python train.py --lr 0.1')
    .action(async (argv: string[], options: RunOptions) => {
      process.exitCode = (await trackedRun(argv, options)).exitCode;
    });
}

function readSettings(options: RunOptions, cwd: string): Settings {
  for (const name of options.envVar) {
    const refusal = envVarRefusal(name);
    if (refusal) throw invalid(`--env-var ${refusal}`);
  }
  const seconds = (value: string, flag: string) => {
    const n = Number(value);
    if (!(n > 0 && n <= 86_400)) throw invalid(`${flag} takes a number of seconds above 0; got '${value}'`);
    return Math.round(n * 1000);
  };
  return {
    seed: options.seed === undefined ? undefined : parseSeed(options.seed),
    envVars: [...new Set(options.envVar)],
    data: dataItems(options.input, options.output, (p) => resolve(cwd, p)),
    parseMetrics: options.parseMetrics === true,
    systemMetricsMs: seconds(options.systemMetricsInterval, '--system-metrics-interval'),
    logUploadMs: seconds(options.logUploadInterval, '--log-upload-interval'),
  };
}

/** The GPUs and the environment a run is captured on, being read. */
interface Machine {
  gpus: Promise<GpuInfo[] | undefined>;
  environment: Promise<CapturedEnvironment>;
}

/**
 * Starts reading the machine while the run is opened on the server: starting the Python interpreter alone can take a
 * second behind a version manager's shim. A run that ends up capturing nothing (no server and no spool) never
 * awaits the environment, so its failure is only reported where it is awaited.
 */
function readMachine(cwd: string, envVarNames: readonly string[]): Machine {
  const gpus = queryGpus();
  const environment = gpus.then((found) => captureEnvironment(cwd, envVarNames, found));
  environment.catch(() => undefined);
  return { gpus, environment };
}

/** How a tracked run went: the exit code to pass on, and where the run was recorded. */
export interface TrackedRun {
  exitCode: number;
  recorder: RunRecorder;
}

/** Runs `argv` as a tracked run: the machinery of `mnemo run`, shared with `mnemo reproduce --exec`. */
export async function trackedRun(argv: string[], options: RunOptions): Promise<TrackedRun> {
  const cwd = process.cwd();
  const settings = readSettings(options, cwd);
  const hasher = new DataHasher();
  // A missing input is the user's mistake: say so before a run is created or anything is started.
  await hasher.requireInputs(settings.data);
  const workDir = await mkdtemp(join(tmpdir(), 'mnemo-run-'));
  try {
    return await capturedRun(argv, options, settings, hasher, cwd, workDir);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

async function capturedRun(
  argv: string[],
  options: RunOptions,
  settings: Settings,
  hasher: DataHasher,
  cwd: string,
  workDir: string,
): Promise<TrackedRun> {
  const trackingUri = options.trackingUri;
  const experimentName = options.experiment ?? process.env.MLFLOW_EXPERIMENT_NAME ?? DEFAULT_EXPERIMENT;
  const token = clientToken();
  const mnemo = new Mnemo({ url: trackingUri, token });
  const machine = readMachine(cwd, settings.envVars);
  const code = await captureCode(cwd, workDir);
  let recorder: RunRecorder;
  try {
    recorder = await openRecorder(
      mnemo,
      {
        trackingUri: mnemo.url,
        experimentName,
        ...(options.runName ? { runName: options.runName } : {}),
        startTime: Date.now(),
        tags: {
          ...sourceTags(argv, code),
          ...(settings.seed === undefined ? {} : { 'mnemo.seed': String(settings.seed), 'mnemo.seed.source': 'flag' }),
          ...options.tags,
        },
        userId: currentUser(),
      },
      // The command's tracking variables are set below, with the rest of its environment.
      () => ({}),
    );
  } catch (error) {
    // A server that refuses the caller is explained where every command's errors are.
    if (isRefusal(error)) throw error;
    throw new Error(
      `could not start a run on ${trackingUri}: ${error instanceof Error ? error.message : String(error)}. ` +
        'Is the server running? Start it with `mnemo server` or pass --tracking-uri.',
    );
  }
  if (!(recorder instanceof OnlineRecorder)) {
    return unconnectedRun(argv, recorder, { settings, hasher, code, machine, cwd, workDir });
  }
  const run = recorder.activeRun;
  const warn = (message: string) => console.error(`mnemo: ${message}`);
  const capture = new CaptureRecorder(run, new LineageClient(mnemo.url, fetch, token), warn);

  if (code) await capture.code(code);
  const gpus = await machine.gpus;
  await capture.environment(await machine.environment, gpus);
  await capture.data(
    hasher,
    settings.data.filter((d) => d.role === 'input'),
  );

  // Logs and metrics go through the recorder, so those written after the server goes away are spooled with the end.
  const metrics = new MetricBatches((points) => recorder.logMetrics(points), warn);
  const monitor = await ResourceMonitor.beforeStart();
  const sampler = new SystemSampler(cwd, gpus !== undefined, (sampled, step) => metrics.add(pointsOf(sampled, step)));
  const keep = (name: string) => (path: string) => recorder.logArtifact(path, `logs/${name}.txt`);
  const logs = {
    stdout: new OutputLog('stdout', workDir, keep('stdout')),
    stderr: new OutputLog('stderr', workDir, keep('stderr')),
  };
  const parse = (key: string, value: number, step: number) => metrics.add(pointsOf({ [key]: value }, step));
  const parsers = settings.parseMetrics
    ? { stdout: new OutputMetrics(parse), stderr: new OutputMetrics(parse) }
    : undefined;

  const outcome = await runChild(argv, childEnvironment(mnemo.url, run, token, settings.seed), (child) => {
    logs.stdout.attach(child.stdout!, process.stdout, settings.logUploadMs, (t) => parsers?.stdout.push(t));
    logs.stderr.attach(child.stderr!, process.stderr, settings.logUploadMs, (t) => parsers?.stderr.push(t));
    if (child.pid !== undefined) monitor.watch(child.pid, RSS_SAMPLE_MS);
    sampler.start(settings.systemMetricsMs);
  });
  parsers?.stdout.end();
  parsers?.stderr.end();
  await sampler.stop();
  await metrics.close();
  const usage = await monitor.stop();
  for (const log of [logs.stdout, logs.stderr]) {
    const failure = await log.finish();
    if (failure) warn(`could not upload logs/${log.name}.txt: ${failure}`);
  }
  // A server lost while the command ran has the rest of the run spooled: what is captured after it goes there too.
  const continued = recorder.continuation;
  const after = continued instanceof SpoolRecorder ? new SpooledCapture(continued, warn) : capture;
  await after.resources(usage);
  await after.data(
    hasher,
    settings.data.filter((d) => d.role === 'output'),
  );

  const { status, exitCode, tags } = conclude(outcome, argv[0] ?? '');
  if ('error' in outcome) console.error(`mnemo: could not run '${argv[0]}': ${outcome.error.message}`);
  try {
    // Through the recorder: a server lost while the command ran gets the run's end from the spool.
    await recorder.setTags({ ...tags, ...(await seedTags(mnemo, run.id, settings.seed, run)) });
    await recorder.end(status, Date.now());
    console.error(`mnemo: run ${run.id} ended ${status}${recorder.continuation ? ' (spooled)' : ''}`);
  } catch (error) {
    // The command's own result matters more than the bookkeeping: report, and still pass its exit code on.
    console.error(
      `mnemo: could not mark run ${run.id} ${status}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return { exitCode, recorder };
}

/**
 * The command run without a server: everything a connected run captures goes to the spool (or nowhere, as warned)
 * for `mnemo sync` to record later: output logs, metrics read from it (with --parse-metrics) and system metrics, the
 * code, the environment, hashed inputs and outputs, resource use and how it ended. Logs are kept once, at the end,
 * since the spool copies a log each time it is kept.
 */
async function unconnectedRun(
  argv: string[],
  recorder: RunRecorder,
  context: {
    settings: Settings;
    hasher: DataHasher;
    code: CodeState | undefined;
    machine: Machine;
    cwd: string;
    workDir: string;
  },
): Promise<TrackedRun> {
  const { settings, hasher, code, machine, cwd, workDir } = context;
  const warn = (message: string) => console.error(`mnemo: ${message}`);
  const capture = recorder instanceof SpoolRecorder ? new SpooledCapture(recorder, warn) : undefined;
  const gpus = capture ? await machine.gpus : undefined;
  if (capture) {
    if (code) await capture.code(code);
    await capture.environment(await machine.environment, gpus);
    await capture.data(
      hasher,
      settings.data.filter((d) => d.role === 'input'),
    );
  }
  const keep = (name: string) => (path: string) => recorder.logArtifact(path, `logs/${name}.txt`);
  const logs = {
    stdout: new OutputLog('stdout', workDir, keep('stdout')),
    stderr: new OutputLog('stderr', workDir, keep('stderr')),
  };
  const metrics = new MetricBatches((points) => recorder.logMetrics(points), warn);
  const parse = (key: string, value: number, step: number) => metrics.add(pointsOf({ [key]: value }, step));
  const parsers = settings.parseMetrics
    ? { stdout: new OutputMetrics(parse), stderr: new OutputMetrics(parse) }
    : undefined;
  const monitor = capture ? await ResourceMonitor.beforeStart() : undefined;
  const sampler = capture
    ? new SystemSampler(cwd, gpus !== undefined, (sampled, step) => metrics.add(pointsOf(sampled, step)))
    : undefined;
  const seed =
    settings.seed === undefined ? {} : { MNEMO_SEED: String(settings.seed), PYTHONHASHSEED: String(settings.seed) };
  const outcome = await runChild(argv, { PYTHONUNBUFFERED: '1', ...process.env, ...seed }, (child) => {
    logs.stdout.attach(child.stdout!, process.stdout, undefined, (t) => parsers?.stdout.push(t));
    logs.stderr.attach(child.stderr!, process.stderr, undefined, (t) => parsers?.stderr.push(t));
    if (monitor && child.pid !== undefined) monitor.watch(child.pid, RSS_SAMPLE_MS);
    sampler?.start(settings.systemMetricsMs);
  });
  parsers?.stdout.end();
  parsers?.stderr.end();
  await sampler?.stop();
  await metrics.close();
  if (capture && monitor) await capture.resources(await monitor.stop());
  for (const log of [logs.stdout, logs.stderr]) {
    const failure = await log.finish();
    if (failure) console.error(`mnemo: could not keep logs/${log.name}.txt: ${failure}`);
  }
  await capture?.data(
    hasher,
    settings.data.filter((d) => d.role === 'output'),
  );
  const { status, exitCode, tags } = conclude(outcome, argv[0] ?? '');
  if ('error' in outcome) console.error(`mnemo: could not run '${argv[0]}': ${outcome.error.message}`);
  try {
    await recorder.setTags(tags);
    await recorder.end(status, Date.now());
    if (recorder.mode !== 'unrecorded') console.error(`mnemo: run ${recorder.runId} ended ${status} (spooled)`);
  } catch (error) {
    // The command's own result matters more than the bookkeeping: report, and still pass its exit code on.
    console.error(
      `mnemo: could not spool the end of run ${recorder.runId}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return { exitCode, recorder };
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    // Some containers run as a uid without a passwd entry.
    return '';
  }
}

/** What the command is given: where to log, which run, who it is, and the seed. */
function childEnvironment(url: string, run: ActiveRun, token: string | undefined, seed: number | undefined) {
  return {
    // Python buffers output written to a pipe; unbuffered, its log reaches the terminal and the run as it is printed.
    PYTHONUNBUFFERED: '1',
    ...process.env,
    MLFLOW_TRACKING_URI: url,
    MLFLOW_RUN_ID: run.id,
    MLFLOW_EXPERIMENT_ID: run.experimentId,
    MNEMO_RUN_ID: run.id,
    // The program's own MLflow client logs to the run as the same caller.
    ...(token ? { MLFLOW_TRACKING_TOKEN: token, MNEMO_TRACKING_TOKEN: token } : {}),
    ...(seed === undefined ? {} : { MNEMO_SEED: String(seed), PYTHONHASHSEED: String(seed) }),
  };
}

/**
 * The run's seed once the command has ended: with `--seed`, the param `seed` is logged unless the program logged
 * one itself (params are write-once, so logging it up front could refuse the program's own); without, a `seed`
 * param the program logged is recognised as the seed.
 */
async function seedTags(
  mnemo: Mnemo,
  runId: string,
  flag: number | undefined,
  run: ActiveRun,
): Promise<Record<string, string>> {
  try {
    const { params } = await mnemo.getRun(runId);
    const seed = recognisedSeed(flag, params);
    if (!seed) return {};
    if (seed.source === 'flag' && params.seed === undefined) await run.logParams({ seed: seed.seed });
    return { 'mnemo.seed': seed.seed, 'mnemo.seed.source': seed.source };
  } catch (error) {
    console.error(`mnemo: could not record the seed: ${error instanceof Error ? error.message : String(error)}`);
    return {};
  }
}

/** Metric points stamped now: the time they were read from the output or sampled. */
function pointsOf(values: Record<string, number>, step: number): RecordedPoint[] {
  const timestamp = Date.now();
  return Object.entries(values).map(([key, value]) => ({ key, value, step, timestamp }));
}
