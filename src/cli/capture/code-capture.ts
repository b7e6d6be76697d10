import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stripRemoteCredentials } from '../../domain/capture/remote-url.js';

const exec = promisify(execFile);

export interface CodeState {
  commit: string;
  branch: string;
  dirty: boolean;
  /** The repository's top folder. */
  root: string;
  /** The `origin` remote (else the first one), without credentials; undefined for a repository with no remote. */
  remote: string | undefined;
  /** `git diff HEAD` of tracked files, written to a file in the work folder; undefined when nothing changed. */
  diff: { path: string; sha256: string; size: number } | undefined;
  untracked: string[];
}

/**
 * Commit, branch, uncommitted changes and untracked files of the repository around `cwd`; undefined outside a
 * repository (or one without commits, or with no git installed). The diff is streamed to disk and hashed on the way,
 * so a huge one is never held in memory.
 */
export async function captureCode(cwd: string, workDir: string): Promise<CodeState | undefined> {
  const git = async (...args: string[]) => (await exec('git', args, { cwd, maxBuffer: 64 * 1024 * 1024 })).stdout;
  let commit: string;
  try {
    commit = (await git('rev-parse', 'HEAD')).trim();
  } catch {
    return undefined;
  }
  const branch = (await git('rev-parse', '--abbrev-ref', 'HEAD')).trim();
  const root = (await git('rev-parse', '--show-toplevel')).trim();
  const dirty = (await git('status', '--porcelain', '--untracked-files=no')).trim() !== '';
  const untracked = (await git('ls-files', '--others', '--exclude-standard', '-z')).split('\0').filter(Boolean);
  const remote = await remoteUrl(git);
  const diff = dirty ? await writeDiff(cwd, join(workDir, 'diff.patch')) : undefined;
  return { commit, branch, dirty, root, remote, diff, untracked };
}

async function remoteUrl(git: (...args: string[]) => Promise<string>): Promise<string | undefined> {
  try {
    const names = (await git('remote')).split('\n').filter(Boolean);
    const name = names.includes('origin') ? 'origin' : names[0];
    if (!name) return undefined;
    return stripRemoteCredentials((await git('remote', 'get-url', name)).trim());
  } catch {
    return undefined;
  }
}

function writeDiff(cwd: string, path: string): Promise<{ path: string; sha256: string; size: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['diff', 'HEAD', '--binary', '--no-color', '--no-ext-diff'], {
      cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const hash = createHash('sha256');
    const out = createWriteStream(path);
    let size = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
    });
    child.stdout.pipe(out);
    child.once('error', reject);
    out.once('error', reject);
    let code: number | null = null;
    child.once('exit', (c) => {
      code = c;
    });
    out.once('finish', () => {
      if (code !== null && code !== 0) reject(new Error(`git diff exited with ${code}`));
      else resolve({ path, sha256: hash.digest('hex'), size });
    });
  });
}
