import { dependencyFileError, type FileSpot } from './dependency-file-error.js';
import { normalisePythonName, PYTHON_NAME } from './package-name.js';
import { invalidPep440Clause } from './pep440-specifier.js';

/** One PEP 508 requirement: `name[extras] specifier ; marker` or `name[extras] @ url ; marker`. */
export interface ParsedRequirement {
  name: string;
  extras: string[];
  specifier: string;
  marker?: string;
  url?: string;
}

/**
 * Reads one requirement; `at` is the spot of the text's first character, so errors point at the exact column of
 * the part that is wrong.
 */
export function parseRequirement(text: string, at: FileSpot): ParsedRequirement {
  const spotOf = (offset: number): FileSpot => ({ ...at, column: at.column + offset });
  const nameMatch = PYTHON_NAME.exec(text);
  if (!nameMatch) throw dependencyFileError(spotOf(0), 'a package name (letters, digits, . _ -)', text);
  let pos = nameMatch[0].length;
  const skipBlanks = () => {
    while (text[pos] === ' ' || text[pos] === '\t') pos += 1;
  };
  skipBlanks();
  const extras: string[] = [];
  if (text[pos] === '[') {
    const close = text.indexOf(']', pos);
    if (close < 0) throw dependencyFileError(spotOf(pos), "']' closing the list of extras", text.slice(pos));
    for (const extra of text.slice(pos + 1, close).split(',')) {
      if (extra.trim() !== '') extras.push(extra.trim().toLowerCase());
    }
    pos = close + 1;
    skipBlanks();
  }
  const semicolon = text.indexOf(';', pos);
  const body = (semicolon < 0 ? text.slice(pos) : text.slice(pos, semicolon)).trimEnd();
  const marker = semicolon < 0 ? undefined : text.slice(semicolon + 1).trim();
  if (marker !== undefined && marker === '') {
    throw dependencyFileError(spotOf(semicolon + 1), 'an environment marker after ;');
  }
  const name = normalisePythonName(nameMatch[0]);
  const withMarker = <T extends object>(r: T) => (marker === undefined ? r : { ...r, marker });
  if (body.startsWith('@')) {
    const url = body.slice(1).trim();
    if (url === '') throw dependencyFileError(spotOf(pos + 1), 'a URL after @');
    return withMarker({ name, extras, specifier: '', url });
  }
  let specifier = body;
  let specifierOffset = pos;
  if (specifier.startsWith('(')) {
    if (!specifier.endsWith(')')) throw dependencyFileError(spotOf(pos), "')' closing the version specifier", body);
    specifier = specifier.slice(1, -1);
    specifierOffset += 1;
  }
  const bad = invalidPep440Clause(specifier);
  if (bad !== null) {
    throw dependencyFileError(
      spotOf(specifierOffset + bad.offset),
      'a PEP 440 version specifier such as >=1.2, ==1.4.*, ~=2.2 or !=1.5',
      bad.text,
    );
  }
  return withMarker({ name, extras, specifier: specifier.replace(/\s+/g, '') });
}
