import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import type { CurrentState } from '../../domain/tracking/reproduction.js';

const exec = promisify(execFile);

/**
 * The checkout and Python environment here, read the way `mnemo run` records them: commit, uncommitted changes and
 * the sha256 of `git diff HEAD`, the Python version and `python -m pip list --format=json`.
 */
export async function currentState(cwd: string): Promise<CurrentState> {
  const [git, python] = await Promise.all([gitState(cwd), pythonState(cwd)]);
  return { ...git, ...python };
}

async function gitState(cwd: string): Promise<Pick<CurrentState, 'commit' | 'dirty' | 'diffDigest'>> {
  const git = async (...args: string[]) => (await exec('git', args, { cwd })).stdout.trim();
  let commit: string;
  try {
    commit = await git('rev-parse', 'HEAD');
  } catch {
    // Not a repository, one without commits, or no git at all.
    return { commit: null, dirty: false, diffDigest: null };
  }
  const dirty = (await git('status', '--porcelain', '--untracked-files=no')) !== '';
  return { commit, dirty, diffDigest: dirty ? await diffDigest(cwd) : null };
}

/** sha256 of `git diff HEAD`, streamed, so a huge diff is never held in memory. */
function diffDigest(cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['diff', 'HEAD', '--binary', '--no-color', '--no-ext-diff'], {
      cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const hash = createHash('sha256');
    child.stdout.on('data', (chunk: Buffer) => hash.update(chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(`sha256:${hash.digest('hex')}`);
      else reject(new Error(`git diff exited with ${code}`));
    });
  });
}

async function pythonState(cwd: string): Promise<Pick<CurrentState, 'python' | 'packages'>> {
  for (const command of ['python3', 'python']) {
    let version: string;
    try {
      const { stdout } = await exec(command, ['-c', 'import platform; print(platform.python_version())'], { cwd });
      version = stdout.trim();
    } catch {
      continue;
    }
    return { python: version, packages: await pipPackages(command, cwd) };
  }
  return { python: null, packages: null };
}

async function pipPackages(python: string, cwd: string): Promise<Record<string, string> | null> {
  try {
    const { stdout } = await exec(python, ['-m', 'pip', 'list', '--format=json', '--disable-pip-version-check'], {
      cwd,
      maxBuffer: 64 * 1024 * 1024,
    });
    const listed = JSON.parse(stdout) as { name: string; version: string }[];
    return Object.fromEntries(listed.map((p) => [p.name.toLowerCase(), p.version]));
  } catch {
    // A Python without pip has no package list to compare.
    return null;
  }
}
