import { dependencyFileError } from './dependency-file-error.js';
import type { EnvironmentReport } from './environment-report.js';
import { isNpmVersion } from './npm-range.js';
import { child, entries, isMap, parsePositioned, scalarText } from './yaml-document.js';

const EXPECTED = 'an npm package-lock.json: an object with "packages" (lockfile v2/v3) or "dependencies" (v1)';
const TOP_LEVEL = /^node_modules\/((?:@[^/]+\/)?[^/]+)$/;

/**
 * Reads the packages a `package-lock.json` installs at the top of `node_modules` — the copies the application
 * itself resolves. Nested copies serve other packages and do not decide what the application runs on.
 */
export function readPackageLockJson(file: string, content: string): EnvironmentReport {
  const doc = parsePositioned(file, content, EXPECTED);
  if (!isMap(doc.root)) throw dependencyFileError(doc.spotOf(doc.root), EXPECTED);
  const report: EnvironmentReport = { packages: [], unversioned: [] };
  const packages = child(doc.root, 'packages');
  const add = (name: string, node: Parameters<typeof child>[0]) => {
    const version = scalarText(child(node, 'version'));
    const spot = doc.spotOf(node);
    if (scalarText(child(node, 'link')) === 'true') return;
    if (version === undefined) {
      report.unversioned.push({ spot, text: name, why: 'the lockfile gives this package no version' });
      return;
    }
    if (!isNpmVersion(version)) {
      throw dependencyFileError(doc.spotOf(child(node, 'version')), `a semver version for ${name}`, version);
    }
    report.packages.push({ kind: 'npm', name, version, spot });
  };
  if (isMap(packages)) {
    for (const [path, node] of entries(packages)) {
      const name = TOP_LEVEL.exec(path)?.[1];
      if (name !== undefined) add(name, node);
    }
    return report;
  }
  const dependencies = child(doc.root, 'dependencies');
  if (!isMap(dependencies)) throw dependencyFileError(doc.spotOf(doc.root), EXPECTED);
  for (const [name, node] of entries(dependencies)) add(name, node);
  return report;
}
