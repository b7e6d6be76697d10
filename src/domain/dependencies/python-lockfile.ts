import { parse, TomlError } from 'smol-toml';
import { dependencyFileError, type FileSpot } from './dependency-file-error.js';
import type { EnvironmentReport } from './environment-report.js';
import { normalisePythonName } from './package-name.js';

/**
 * Reads `poetry.lock` or `uv.lock`: TOML with one `[[package]]` table per locked package (name, version). A package
 * without a version (uv's own project when it is virtual or editable) is reported as unversioned.
 */
export function readPythonLockfile(file: string, content: string): EnvironmentReport {
  let document: Record<string, unknown>;
  try {
    document = parse(content) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      throw dependencyFileError(
        { file, line: error.line, column: error.column },
        'valid TOML',
        error.message.split('\n')[0],
      );
    }
    throw error;
  }
  const tables = document.package;
  const spots = packageTableSpots(file, content);
  const report: EnvironmentReport = { packages: [], unversioned: [] };
  if (tables === undefined) return report;
  if (!Array.isArray(tables)) throw dependencyFileError({ file, line: 1, column: 1 }, 'an array of [[package]] tables');
  tables.forEach((table: Record<string, unknown>, index) => {
    const spot = spots[index] ?? { file, line: 1, column: 1 };
    const { name, version } = table;
    if (typeof name !== 'string') throw dependencyFileError(spot, 'name = "<package>" in this [[package]] table');
    if (version === undefined) {
      report.unversioned.push({ spot, text: name, why: 'the lockfile gives this package no version' });
      return;
    }
    if (typeof version !== 'string') throw dependencyFileError(spot, 'version = "<version>" in this [[package]] table');
    report.packages.push({ kind: 'pypi', name: normalisePythonName(name), version, spot });
  });
  return report;
}

/** Where each `[[package]]` header sits, in order, so a table's problem is reported at its line. */
function packageTableSpots(file: string, content: string): FileSpot[] {
  const spots: FileSpot[] = [];
  content.split(/\r?\n/).forEach((line, index) => {
    if (/^\s*\[\[\s*package\s*\]\]/.test(line)) spots.push({ file, line: index + 1, column: line.indexOf('[') + 1 });
  });
  return spots;
}
