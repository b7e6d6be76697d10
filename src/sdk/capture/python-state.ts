import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const TIMEOUT_MS = 60_000;
const MAX_OUTPUT = 64 * 1024 * 1024;

/** The Python found on the PATH (python3, else python) and its packages, as `mnemo run` records them. */
export interface PythonState {
  /** e.g. `3.11.4`; null when there is no Python. */
  version: string | null;
  /** Installed distributions as `pip list` names them, lower-cased; null when they cannot be listed. */
  packages: Record<string, string> | null;
}

export async function readPythonState(cwd: string): Promise<PythonState> {
  for (const command of ['python3', 'python']) {
    const state = (await describePython(command, cwd)) ?? (await describeOlderPython(command, cwd));
    if (state) return state;
  }
  return { version: null, packages: null };
}

/**
 * The version and installed distributions in one start of the interpreter: version managers put a shim in front of
 * it (pyenv's takes most of a second), so each start counts. The distributions are read through `importlib.metadata`
 * as pip itself does, giving the list `pip list` prints (the first of each name on `sys.path`) without importing
 * pip, which costs most of a second more.
 */
const DESCRIBE_PYTHON = `
import json, platform, re
from importlib import metadata
seen = {}
for dist in metadata.distributions():
    name = dist.metadata["Name"]
    if not name:
        continue
    canonical = re.sub(r"[-_.]+", "-", name).lower()
    if canonical not in seen:
        seen[canonical] = {"name": name, "version": dist.version}
print(json.dumps({"version": platform.python_version(), "packages": list(seen.values())}))
`;

async function describePython(command: string, cwd: string): Promise<PythonState | undefined> {
  try {
    const { stdout } = await exec(command, ['-c', DESCRIBE_PYTHON], {
      cwd,
      timeout: TIMEOUT_MS,
      maxBuffer: MAX_OUTPUT,
    });
    const described = JSON.parse(stdout) as { version?: unknown; packages?: unknown };
    if (typeof described.version !== 'string') return undefined;
    return { version: described.version, packages: packagesOf(described.packages) };
  } catch {
    // Not installed under this name, or older than importlib.metadata (3.8).
    return undefined;
  }
}

/** An interpreter older than importlib.metadata: its version, and the packages pip lists (null without pip). */
async function describeOlderPython(command: string, cwd: string): Promise<PythonState | undefined> {
  let version: string;
  try {
    const { stdout } = await exec(command, ['-c', 'import platform; print(platform.python_version())'], {
      cwd,
      timeout: TIMEOUT_MS,
    });
    version = stdout.trim();
  } catch {
    return undefined;
  }
  try {
    const { stdout } = await exec(command, ['-m', 'pip', 'list', '--format=json', '--disable-pip-version-check'], {
      cwd,
      timeout: TIMEOUT_MS,
      maxBuffer: MAX_OUTPUT,
    });
    return { version, packages: packagesOf(JSON.parse(stdout)) };
  } catch {
    return { version, packages: null };
  }
}

/** `pip list --format=json`'s shape, `[{"name", "version"}]`: lower-cased names to versions, malformed items skipped. */
function packagesOf(listed: unknown): Record<string, string> | null {
  if (!Array.isArray(listed)) return null;
  const packages: Record<string, string> = {};
  for (const item of listed) {
    const { name, version } = (item ?? {}) as { name?: unknown; version?: unknown };
    if (typeof name === 'string' && typeof version === 'string' && name.trim() !== '') {
      packages[name.trim().toLowerCase()] = version.trim();
    }
  }
  return packages;
}
