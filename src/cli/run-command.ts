import { execFile, spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { constants } from 'node:os';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { type ActiveRun, Mnemo, MnemoConnectionError, type RunStatus } from '../sdk/index.js';
import { isRefusal } from './failure.js';
import { clientToken, envOption, trackingUriOption } from './options.js';

const DEFAULT_EXPERIMENT = 'Default';
// The server refuses tag values longer than this; a very long command line is cut rather than refused.
const TAG_VALUE_LIMIT = 8000;
const FORWARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

interface RunOptions {
  trackingUri: string;
  experiment?: string;
  runName?: string;
}

interface GitState {
  commit: string;
  branch: string;
  dirty: boolean;
}

/** How the wrapped command ended. */
type Outcome = { code: number } | { signal: NodeJS.Signals } | { error: Error };

export function runCommand(): Command {
  return new Command('run')
    .description(
      'Run a command as a tracked run: creates the run, records the command line and git state, passes ' +
        'MLFLOW_TRACKING_URI, MLFLOW_RUN_ID, MLFLOW_EXPERIMENT_ID and MNEMO_RUN_ID to the command, and ends the run ' +
        'FINISHED, FAILED or KILLED as the command ends',
    )
    .addOption(trackingUriOption())
    .addOption(
      envOption('--experiment <name>', 'experiment, created if missing (else MLFLOW_EXPERIMENT_NAME, else Default)'),
    )
    .addOption(envOption('--run-name <name>', 'name of the run (default: a generated one)'))
    .argument('<command...>', 'the command to run, after --, e.g. mnemo run -- python train.py --lr 0.1')
    .action(async (argv: string[], options: RunOptions) => {
      process.exitCode = await trackedRun(argv, options);
    });
}

async function trackedRun(argv: string[], options: RunOptions): Promise<number> {
  const trackingUri = options.trackingUri;
  const experimentName = options.experiment ?? process.env.MLFLOW_EXPERIMENT_NAME ?? DEFAULT_EXPERIMENT;
  const token = clientToken();
  const mnemo = new Mnemo({ url: trackingUri, token });
  const git = await gitState(process.cwd());
  let run: ActiveRun;
  try {
    run = await mnemo.startRun({
      experimentName,
      ...(options.runName ? { runName: options.runName } : {}),
      tags: sourceTags(argv, git),
    });
  } catch (error) {
    // A server that is not there, or one that refuses the caller, is explained where every command's errors are.
    if (error instanceof MnemoConnectionError || isRefusal(error)) throw error;
    throw new Error(
      `could not start a run on ${trackingUri}: ${error instanceof Error ? error.message : String(error)}. ` +
        'Is the server running? Start it with `mnemo server` or pass --tracking-uri.',
    );
  }
  console.error(`mnemo: run ${run.id} in experiment '${experimentName}' on ${mnemo.url}`);

  const outcome = await runChild(argv, {
    ...process.env,
    MLFLOW_TRACKING_URI: mnemo.url,
    MLFLOW_RUN_ID: run.id,
    MLFLOW_EXPERIMENT_ID: run.experimentId,
    MNEMO_RUN_ID: run.id,
    // The program's own MLflow client logs to the run as the same caller.
    ...(token ? { MLFLOW_TRACKING_TOKEN: token, MNEMO_TRACKING_TOKEN: token } : {}),
  });
  const { status, exitCode, tags } = conclude(outcome, argv[0] ?? '');
  if ('error' in outcome) console.error(`mnemo: could not run '${argv[0]}': ${outcome.error.message}`);
  try {
    await run.setTags(tags);
    await run.end(status);
    console.error(`mnemo: run ${run.id} ended ${status}`);
  } catch (error) {
    // The command's own result matters more than the bookkeeping: report, and still pass its exit code on.
    console.error(
      `mnemo: could not mark run ${run.id} ${status}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return exitCode;
}

/** Runs the command with inherited stdio, passing on the signals the wrapper receives so it can shut down cleanly. */
function runChild(argv: string[], env: NodeJS.ProcessEnv): Promise<Outcome> {
  return new Promise((resolve) => {
    const [program, ...args] = argv;
    const child = spawn(program!, args, { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    const settle = (outcome: Outcome) => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
      resolve(outcome);
    };
    child.once('error', (error) => settle({ error }));
    child.once('exit', (code, signal) => settle(signal ? { signal } : { code: code ?? 1 }));
  });
}

/** Run status, the wrapper's own exit code (a shell's conventions), and tags saying how the command ended. */
function conclude(
  outcome: Outcome,
  program: string,
): { status: RunStatus; exitCode: number; tags: Record<string, string> } {
  if ('signal' in outcome) {
    const exitCode = 128 + (constants.signals[outcome.signal] ?? 0);
    return { status: 'KILLED', exitCode, tags: { 'mnemo.signal': outcome.signal } };
  }
  if ('error' in outcome) {
    const notFound = (outcome.error as NodeJS.ErrnoException).code === 'ENOENT';
    const exitCode = notFound ? 127 : 126;
    return {
      status: 'FAILED',
      exitCode,
      tags: { 'mnemo.exitCode': String(exitCode), 'mnemo.error': `${program}: ${outcome.error.message}` },
    };
  }
  return {
    status: outcome.code === 0 ? 'FINISHED' : 'FAILED',
    exitCode: outcome.code,
    tags: { 'mnemo.exitCode': String(outcome.code) },
  };
}

function sourceTags(argv: string[], git: GitState | undefined): Record<string, string> {
  const tags: Record<string, string> = {
    'mnemo.command': clip(shellJoin(argv)),
    'mlflow.source.name': clip(sourceName(argv)),
    'mlflow.source.type': 'LOCAL',
  };
  if (git) {
    tags['mlflow.source.git.commit'] = git.commit;
    tags['mlflow.source.git.branch'] = git.branch;
    tags['mnemo.source.git.dirty'] = String(git.dirty);
  }
  return tags;
}

/**
 * What MLflow calls the source: the script being run. For `python train.py` that is train.py, the first
 * argument naming an existing file; for a program run on its own, the program.
 */
function sourceName(argv: string[]): string {
  const script = argv.slice(1).find((arg) => !arg.startsWith('-') && isFile(arg));
  return script ?? argv[0] ?? '';
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The command line as a POSIX shell would need it typed, so it can be copied and run again. */
function shellJoin(argv: string[]): string {
  return argv.map((arg) => (/^[\w./:=@%+,-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)).join(' ');
}

const clip = (value: string): string =>
  value.length <= TAG_VALUE_LIMIT ? value : `${value.slice(0, TAG_VALUE_LIMIT - 1)}…`;

const exec = promisify(execFile);

/** Commit, branch and uncommitted changes of the repository around `cwd`; undefined outside a repository. */
async function gitState(cwd: string): Promise<GitState | undefined> {
  const git = async (...args: string[]) => (await exec('git', args, { cwd })).stdout.trim();
  try {
    const commit = await git('rev-parse', 'HEAD');
    const branch = await git('rev-parse', '--abbrev-ref', 'HEAD');
    const dirty = (await git('status', '--porcelain', '--untracked-files=no')) !== '';
    return { commit, branch, dirty };
  } catch {
    // Not a repository, a repository without commits, or no git installed: there is no code version to record.
    return undefined;
  }
}
