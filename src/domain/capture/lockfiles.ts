/** Files that pin a project's dependencies, as `mnemo run` looks for them in the working tree. */
const LOCKFILE_NAMES = new Set([
  'poetry.lock',
  'uv.lock',
  'Pipfile.lock',
  'package-lock.json',
  'environment.yml',
  'environment.yaml',
]);
const REQUIREMENTS = /^requirements[\w.-]*\.txt$/;

/** Folders that hold installed packages or tooling, never the project's own lockfiles. */
export const SKIPPED_FOLDERS = new Set([
  'node_modules',
  '.git',
  '.venv',
  'venv',
  '.tox',
  '.nox',
  '__pycache__',
  'site-packages',
  '.mypy_cache',
]);

export function isLockfileName(name: string): boolean {
  return LOCKFILE_NAMES.has(name) || REQUIREMENTS.test(name);
}
