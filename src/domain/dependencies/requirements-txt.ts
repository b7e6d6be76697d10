import type { DeclaredDependencies } from './declared-dependency.js';
import { dependencyFileError, type FileSpot } from './dependency-file-error.js';
import { parseRequirement } from './requirement-line.js';
import { optionLine, requirementLines, withoutRequirementOptions } from './requirements-lines.js';

const LOOKS_LIKE_PATH_OR_URL = /^(?:\.{0,2}\/|[a-z][a-z0-9+.-]*:\/\/)/i;

/** Reads what a pip requirements file declares. Includes and editable installs are listed as skipped, not followed. */
export function readRequirementsTxt(file: string, content: string): DeclaredDependencies {
  const result: DeclaredDependencies = { dependencies: [], skipped: [] };
  for (const { text, spot } of requirementLines(file, content)) addRequirementText(result, text, spot);
  return result;
}

/** Adds one pip requirement or option (as a requirements file or a YAML pip list holds them) to `result`. */
export function addRequirementText(result: DeclaredDependencies, text: string, spot: FileSpot): void {
  if (text.startsWith('-')) {
    const option = optionLine(text);
    if (option.kind === 'pre') result.allowPrereleases = true;
    else if (option.kind === 'include') result.skipped.push({ spot, text, why: option.why });
    else if (option.kind === 'editable') result.skipped.push({ spot, text, why: 'an editable install has no version' });
    else if (option.kind === 'unknown') {
      throw dependencyFileError(spot, 'a requirement or a pip option (-r, -c, -e, --pre, --index-url…)', text);
    }
    return;
  }
  if (LOOKS_LIKE_PATH_OR_URL.test(text)) {
    result.skipped.push({ spot, text, why: 'a path or URL without a package name' });
    return;
  }
  const requirement = parseRequirement(withoutRequirementOptions(text), spot);
  result.dependencies.push({
    kind: 'pypi',
    name: requirement.name,
    specifier: requirement.specifier,
    ...(requirement.marker === undefined ? {} : { marker: requirement.marker }),
    source: spot,
  });
}
