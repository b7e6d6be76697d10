import { dependencyFileError } from './dependency-file-error.js';
import type { EnvironmentReport } from './environment-report.js';
import { normalisePythonName } from './package-name.js';
import { child, isSeq, items, parsePositioned, scalarText } from './yaml-document.js';

const EXPECTED = 'the output of pip list --format=json: an array of {"name": …, "version": …}';

/** Reads `pip list --format=json`. Editable installs carry a version there and are kept. */
export function readPipListJson(file: string, content: string): EnvironmentReport {
  const doc = parsePositioned(file, content, EXPECTED);
  if (!isSeq(doc.root)) throw dependencyFileError(doc.spotOf(doc.root), EXPECTED);
  const report: EnvironmentReport = { packages: [], unversioned: [] };
  for (const entry of items(doc.root)) {
    const name = scalarText(child(entry, 'name'));
    const version = scalarText(child(entry, 'version'));
    if (name === undefined || version === undefined) {
      throw dependencyFileError(doc.spotOf(entry), 'an object with string "name" and "version"');
    }
    report.packages.push({ kind: 'pypi', name: normalisePythonName(name), version, spot: doc.spotOf(entry) });
  }
  return report;
}
