import { dependencyFileError } from './dependency-file-error.js';
import type { EnvironmentReport } from './environment-report.js';
import { isPep440Version } from './pep440-specifier.js';
import { parseRequirement } from './requirement-line.js';
import { optionLine, requirementLines, withoutRequirementOptions } from './requirements-lines.js';

/**
 * Reads `pip freeze` output (or a fully pinned requirements file): every line must pin one version with `==`.
 * Editable installs and direct references name no version and are reported as unversioned.
 */
export function readPipFreeze(file: string, content: string): EnvironmentReport {
  const report: EnvironmentReport = { packages: [], unversioned: [] };
  for (const { text, spot } of requirementLines(file, content)) {
    if (text.startsWith('-')) {
      const option = optionLine(text);
      if (option.kind === 'editable')
        report.unversioned.push({ spot, text, why: 'an editable install has no version' });
      else if (option.kind === 'unknown')
        throw dependencyFileError(spot, 'name==version, as pip freeze writes it', text);
      continue;
    }
    const requirement = parseRequirement(withoutRequirementOptions(text), spot);
    if (requirement.url !== undefined) {
      report.unversioned.push({ spot, text, why: 'a direct reference names no version' });
      continue;
    }
    const pinned = /^===?([^,]+)$/.exec(requirement.specifier);
    const version = pinned?.[1]?.trim();
    if (version === undefined || version.endsWith('.*') || !isPep440Version(version)) {
      const column = spot.column + text.indexOf(requirement.specifier[0] ?? '');
      throw dependencyFileError(
        { ...spot, column: requirement.specifier === '' ? spot.column + text.length : column },
        `an exact pin ${requirement.name}==<version>, as pip freeze writes it`,
        text,
      );
    }
    report.packages.push({ kind: 'pypi', name: requirement.name, version, spot });
  }
  return report;
}
