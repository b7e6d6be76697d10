import { invalid } from '../errors.js';
import { readCondaEnvironmentReport } from './conda-environment-report.js';
import { readCondaYaml } from './conda-yaml.js';
import type { DeclaredDependencies } from './declared-dependency.js';
import type { EnvironmentReport } from './environment-report.js';
import { readMlmodel } from './mlmodel.js';
import { readPackageLockJson } from './package-lock-json.js';
import { readPipFreeze } from './pip-freeze.js';
import { readPipListJson } from './pip-list-json.js';
import { readPythonEnvYaml } from './python-env-yaml.js';
import { readPythonLockfile } from './python-lockfile.js';
import { readRequirementsTxt } from './requirements-txt.js';

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** The model files whose declarations Mnemo reads, by file name. */
export function isDeclarationFile(path: string): boolean {
  const name = baseName(path);
  return name === 'MLmodel' || name === 'requirements.txt' || name === 'conda.yaml' || name === 'python_env.yaml';
}

/** Reads one model file that declares dependencies (MLmodel, requirements.txt, conda.yaml, python_env.yaml). */
export function readDeclarationFile(
  path: string,
  content: string,
): DeclaredDependencies & { environmentFiles?: string[] } {
  const name = baseName(path);
  if (name === 'MLmodel') return readMlmodel(path, content);
  if (name === 'conda.yaml') return readCondaYaml(path, content);
  if (name === 'python_env.yaml') return readPythonEnvYaml(path, content);
  return readRequirementsTxt(path, content);
}

export const REPORT_FORMATS = [
  'pip-freeze',
  'pip-list-json',
  'poetry-lock',
  'uv-lock',
  'package-lock',
  'conda-environment',
] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The report format a file name implies: lockfiles by name, `.json` as pip list, `.yml/.yaml` as conda, else freeze. */
export function reportFormatOf(path: string): ReportFormat {
  const name = baseName(path).toLowerCase();
  if (name === 'poetry.lock') return 'poetry-lock';
  if (name === 'uv.lock') return 'uv-lock';
  if (name === 'package-lock.json' || name === 'npm-shrinkwrap.json') return 'package-lock';
  if (name.endsWith('.json')) return 'pip-list-json';
  if (name.endsWith('.yml') || name.endsWith('.yaml')) return 'conda-environment';
  if (name.endsWith('.lock')) {
    throw invalid(
      `${path}: expected poetry.lock, uv.lock, package-lock.json, a pip freeze, pip list JSON or environment.yml`,
    );
  }
  return 'pip-freeze';
}

/** Reads an environment report in the given format. */
export function readEnvironmentReport(
  path: string,
  content: string,
  format: ReportFormat = reportFormatOf(path),
): EnvironmentReport {
  switch (format) {
    case 'pip-freeze':
      return readPipFreeze(path, content);
    case 'pip-list-json':
      return readPipListJson(path, content);
    case 'poetry-lock':
    case 'uv-lock':
      return readPythonLockfile(path, content);
    case 'package-lock':
      return readPackageLockJson(path, content);
    case 'conda-environment':
      return readCondaEnvironmentReport(path, content);
  }
}
