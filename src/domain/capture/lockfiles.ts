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

/** Reads `pip list --format=json`: package name (lower-cased, as environments compare them) to version. */
export function parsePipList(json: string): Record<string, string> {
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) throw new TypeError('pip list --format=json did not answer a list');
  const packages: Record<string, string> = {};
  for (const item of parsed) {
    const { name, version } = (item ?? {}) as { name?: unknown; version?: unknown };
    if (typeof name === 'string' && typeof version === 'string' && name.trim() !== '') {
      packages[name.trim().toLowerCase()] = version.trim();
    }
  }
  return packages;
}
