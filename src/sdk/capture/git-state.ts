import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** The code a process runs from, as `mnemo run` records it. */
export interface GitState {
  commit: string;
  branch: string;
  /** Tracked files have uncommitted changes. */
  dirty: boolean;
  /** `sha256:<hex>` of `git diff HEAD` when dirty. */
  diffDigest: string | null;
}

/** Commit, branch, uncommitted changes and their digest; undefined outside a repository (or without git). */
export async function readGitState(cwd: string): Promise<GitState | undefined> {
  const git = async (...args: string[]) => (await exec('git', args, { cwd })).stdout.trim();
  let commit: string;
  try {
    commit = await git('rev-parse', 'HEAD');
  } catch {
    // Not a repository, one without commits, or no git at all: there is no code version to record.
    return undefined;
  }
  const branch = await git('rev-parse', '--abbrev-ref', 'HEAD');
  const dirty = (await git('status', '--porcelain', '--untracked-files=no')) !== '';
  return { commit, branch, dirty, diffDigest: dirty ? (await writeGitDiff(cwd)).digest : null };
}

/**
 * `git diff HEAD` of tracked files, hashed as it streams and, given `path`, written there; never held in memory
 * whole, however large.
 */
export function writeGitDiff(cwd: string, path?: string): Promise<{ digest: string; size: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['diff', 'HEAD', '--binary', '--no-color', '--no-ext-diff'], {
      cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const hash = createHash('sha256');
    const file = path === undefined ? undefined : createWriteStream(path);
    let size = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
    });
    if (file) child.stdout.pipe(file);
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`git diff exited with ${code}`));
      const done = () => resolve({ digest: `sha256:${hash.digest('hex')}`, size });
      if (file) file.close(done);
      else done();
    });
  });
}
