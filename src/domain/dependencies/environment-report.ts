import type { SkippedEntry } from './declared-dependency.js';
import type { FileSpot } from './dependency-file-error.js';
import { dependencyFileError } from './dependency-file-error.js';

/** One installed package as an environment report lists it. */
export interface ReportedPackage {
  kind: 'pypi' | 'npm';
  name: string;
  version: string;
  spot: FileSpot;
}

/** What a `pip freeze`, `pip list --format=json`, lockfile or exported conda environment says is installed. */
export interface EnvironmentReport {
  packages: ReportedPackage[];
  /** The Python version, when the report states it (an exported conda environment does). */
  python?: string;
  /** Entries that name a package but no version (editable installs, direct URLs); reported, never guessed. */
  unversioned: SkippedEntry[];
}

/**
 * The key under which a package is stored in an environment's package map: Python packages by their normalised
 * name, npm packages as `npm:<name>` so the two ecosystems never collide.
 */
export const packageKey = (kind: 'pypi' | 'npm', name: string): string => (kind === 'npm' ? `npm:${name}` : name);

/**
 * The installed packages as a map. A package listed twice with different versions cannot both be installed, so it
 * is refused with both spots instead of one silently winning.
 */
export function reportedPackageMap(report: EnvironmentReport): Record<string, string> {
  const map: Record<string, string> = {};
  const firstSpot = new Map<string, FileSpot>();
  for (const p of report.packages) {
    const key = packageKey(p.kind, p.name);
    const previous = map[key];
    if (previous !== undefined && previous !== p.version) {
      const first = firstSpot.get(key);
      throw dependencyFileError(
        p.spot,
        `one version of ${p.name} (already listed as ${previous} at line ${first?.line ?? '?'})`,
        p.version,
      );
    }
    map[key] = p.version;
    firstSpot.set(key, p.spot);
  }
  return map;
}
