import { invalid } from '../errors.js';
import {
  DEPENDENCY_KINDS,
  type DeclaredDependency,
  type DependencyKind,
  RUNTIME_NAMES,
} from './declared-dependency.js';
import { isNpmRange } from './npm-range.js';
import { NPM_NAME, normalisePythonName, PYTHON_NAME } from './package-name.js';
import { invalidPep440Clause } from './pep440-specifier.js';

/** A declaration as the API accepts it. */
export interface DeclarationInput {
  kind: string;
  name: string;
  specifier?: string;
  marker?: string;
  columns?: string[];
}

const IMAGE_DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Checks and normalises declarations sent through the API; the first bad one is refused, naming its field. */
export function declarationsFromApi(inputs: readonly DeclarationInput[]): DeclaredDependency[] {
  return inputs.map((input, i) => {
    const field = `dependencies[${i}]`;
    if (!(DEPENDENCY_KINDS as readonly string[]).includes(input.kind)) {
      throw invalid(`${field}.kind must be one of ${DEPENDENCY_KINDS.join(', ')}; got '${input.kind}'`);
    }
    const kind = input.kind as DependencyKind;
    const specifier = (input.specifier ?? '').trim();
    let name = input.name.trim();
    if (kind === 'pypi' || (kind === 'runtime' && name !== 'os')) {
      if (kind === 'pypi') {
        if (PYTHON_NAME.exec(name)?.[0] !== name)
          throw invalid(`${field}.name '${input.name}' is not a Python package name`);
        name = normalisePythonName(name);
      }
      const bad = invalidPep440Clause(specifier);
      if (bad !== null) {
        throw invalid(
          `${field}.specifier: '${bad.text}' at column ${bad.offset + 1} is not a PEP 440 specifier (>=1.2, ==1.4.*, ~=2.2, !=1.5)`,
        );
      }
    }
    if (kind === 'runtime' && !(RUNTIME_NAMES as readonly string[]).includes(name)) {
      throw invalid(`${field}.name must be one of ${RUNTIME_NAMES.join(', ')} for a runtime; got '${input.name}'`);
    }
    if (kind === 'npm') {
      if (!NPM_NAME.test(name)) throw invalid(`${field}.name '${input.name}' is not an npm package name`);
      if (specifier !== '' && !isNpmRange(specifier)) {
        throw invalid(`${field}.specifier '${specifier}' is not an npm semver range (^1.2.3, ~1.2, 1.2.3 - 2.0.0)`);
      }
    }
    if (kind === 'dataset') {
      const columns = [...new Set((input.columns ?? []).map((c) => c.trim()))];
      if (name === '' || columns.length === 0 || columns.includes('')) {
        throw invalid(`${field} of kind dataset needs the dataset's name and the columns it reads`);
      }
      return { kind, name, specifier: '', columns, source: { file: 'api', line: 0, column: 0 } };
    }
    if (input.columns !== undefined) throw invalid(`${field}.columns only applies to a dataset declaration`);
    if (kind === 'image') {
      if (!IMAGE_DIGEST.test(specifier)) throw invalid(`${field}.specifier must look like sha256:<64 hex digits>`);
      name = name === '' ? 'container' : name;
    }
    return {
      kind,
      name,
      specifier: kind === 'npm' || kind === 'runtime' ? specifier : specifier.replace(/\s+/g, ''),
      ...(input.marker ? { marker: input.marker } : {}),
      source: { file: 'api', line: 0, column: 0 },
    };
  });
}
