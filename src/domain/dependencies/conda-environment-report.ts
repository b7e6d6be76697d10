import { CONDA_TOOLING, condaRuntime, parseCondaSpec } from './conda-spec.js';
import { dependencyFileError } from './dependency-file-error.js';
import type { EnvironmentReport } from './environment-report.js';
import { normalisePythonName } from './package-name.js';
import { isPep440Version } from './pep440-specifier.js';
import { parseRequirement } from './requirement-line.js';
import { child, isMap, items, parsePositioned, scalarText } from './yaml-document.js';

const EXPECTED_DOC = 'a conda environment.yml: a mapping with a dependencies list';

/**
 * Reads an exported conda environment (`conda env export`) as a report of what is installed: each conda entry
 * must name one version (`numpy=1.26.4=py311h…` or `numpy=1.26.4`), each pip entry must pin one with `==`.
 */
export function readCondaEnvironmentReport(file: string, content: string): EnvironmentReport {
  const doc = parsePositioned(file, content, EXPECTED_DOC);
  if (!isMap(doc.root)) throw dependencyFileError(doc.spotOf(doc.root), EXPECTED_DOC);
  const report: EnvironmentReport = { packages: [], unversioned: [] };
  for (const item of items(child(doc.root, 'dependencies'))) {
    const pip = child(item, 'pip');
    if (pip !== undefined) {
      for (const entry of items(pip)) {
        const text = scalarText(entry);
        const spot = doc.spotOf(entry);
        if (text === undefined) throw dependencyFileError(spot, 'a pip requirement string');
        const r = parseRequirement(text, spot);
        const version = /^==([^,*]+)$/.exec(r.specifier)?.[1];
        if (version === undefined) {
          report.unversioned.push({ spot, text, why: 'an environment report must pin each pip package with ==' });
          continue;
        }
        report.packages.push({ kind: 'pypi', name: r.name, version, spot });
      }
      continue;
    }
    const text = scalarText(item);
    const spot = doc.spotOf(item);
    if (text === undefined) throw dependencyFileError(spot, "a conda package spec or a 'pip:' list");
    const spec = parseCondaSpec(text, spot);
    if (CONDA_TOOLING.has(spec.name.toLowerCase())) continue;
    if (spec.exact === null || !isPep440Version(spec.exact)) {
      report.unversioned.push({ spot, text, why: 'an environment report must name one version per package' });
      continue;
    }
    if (condaRuntime(spec.name) === 'python') report.python = spec.exact;
    else report.packages.push({ kind: 'pypi', name: normalisePythonName(spec.name), version: spec.exact, spot });
  }
  return report;
}
