import { mkdtemp, rm } from 'node:fs/promises';
import { arch, cpus, hostname, release, tmpdir, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { readGitState, writeGitDiff } from './git-state.js';
import { readPythonState } from './python-state.js';

/** An environment as `POST /api/v1/lineage/environments` takes it. */
export interface EnvironmentPayload {
  os: string;
  runtime: string;
  packages: Record<string, string>;
  hardware: Record<string, string | number>;
}

/** What a script's run records about itself with `startRun({ capture: true })`, under the tags `mnemo run` uses. */
export interface RunCapture {
  tags: Record<string, string>;
  environment: EnvironmentPayload;
  /** `git diff HEAD` written to a temporary `diff.patch`, for the artifact `code/diff.patch`; absent when clean. */
  diffFile?: string;
  /** Removes the temporary files. */
  dispose(): Promise<void>;
}

/**
 * Reads the code (commit, branch, uncommitted diff), the environment (OS, Node, Python and pip packages, hardware)
 * and the seed (`MNEMO_SEED`, which `mnemo run --seed` and `mnemo reproduce --exec` set) of the running script.
 * Environment variables are never recorded.
 */
export async function captureRun(cwd: string = process.cwd()): Promise<RunCapture> {
  const [git, python] = await Promise.all([readGitState(cwd), readPythonState(cwd)]);
  const tags: Record<string, string> = {
    'mnemo.command': shellJoin(process.argv),
    'mlflow.source.name': process.argv[1] ?? process.argv[0] ?? '',
    'mlflow.source.type': 'LOCAL',
  };
  const seed = process.env.MNEMO_SEED;
  if (seed !== undefined && /^-?\d+$/.test(seed)) {
    tags['mnemo.seed'] = seed;
    tags['mnemo.seed.source'] = 'env';
  }
  let diffFile: string | undefined;
  let workDir: string | undefined;
  if (git) {
    tags['mlflow.source.git.commit'] = git.commit;
    tags['mlflow.source.git.branch'] = git.branch;
    tags['mnemo.source.git.dirty'] = String(git.dirty);
    if (git.dirty) {
      workDir = await mkdtemp(join(tmpdir(), 'mnemo-capture-'));
      diffFile = join(workDir, 'diff.patch');
      // Written again rather than kept from readGitState, so the digest and the file are of the same diff.
      tags['mnemo.source.git.diffDigest'] = (await writeGitDiff(cwd, diffFile)).digest;
    }
  }
  const cpuList = cpus();
  const environment: EnvironmentPayload = {
    os: `${type()} ${release()}`,
    runtime: `node ${process.version}`,
    packages: python.packages ?? {},
    hardware: {
      hostname: hostname(),
      arch: arch(),
      cpuModel: cpuList[0]?.model ?? 'unknown',
      cpuCount: cpuList.length,
      memoryBytes: totalmem(),
      node: process.version,
      ...(python.version !== null ? { python: python.version } : {}),
    },
  };
  return {
    tags,
    environment,
    ...(diffFile !== undefined ? { diffFile } : {}),
    dispose: async () => {
      if (workDir !== undefined) await rm(workDir, { recursive: true, force: true });
    },
  };
}

/** The command line as a POSIX shell would need it typed, so `mnemo reproduce` can show and run it again. */
function shellJoin(argv: readonly string[]): string {
  return argv.map((arg) => (/^[\w./:=@%+,-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)).join(' ');
}
