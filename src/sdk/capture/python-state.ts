import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** The Python found on the PATH (python3, else python) and its packages, as `mnemo run` records them. */
export interface PythonState {
  /** e.g. `3.11.4`; null when there is no Python. */
  version: string | null;
  /** `python -m pip list --format=json`, names lower-cased; null when Python or pip is missing. */
  packages: Record<string, string> | null;
}

export async function readPythonState(cwd: string): Promise<PythonState> {
  for (const command of ['python3', 'python']) {
    let version: string;
    try {
      const { stdout } = await exec(command, ['-c', 'import platform; print(platform.python_version())'], { cwd });
      version = stdout.trim();
    } catch {
      continue;
    }
    return { version, packages: await pipPackages(command, cwd) };
  }
  return { version: null, packages: null };
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
    // A Python without pip has no package list.
    return null;
  }
}
