import { dependencyFileError, type FileSpot } from './dependency-file-error.js';
import { invalidPep440Clause } from './pep440-specifier.js';

/**
 * A conda match spec (`numpy`, `numpy=1.26`, `numpy==1.26.4`, `numpy>=1.20,<2`, `numpy 1.26.*`,
 * `conda-forge::numpy=1.26.4=py311h…`) turned into a name and a PEP 440 specifier. Conda's `=1.26` is a fuzzy
 * match meaning `1.26.*`; `==` is exact; a trailing `=build` string is dropped (it pins a build, not a version).
 * `exact` is the one version a spec names, which is what an exported environment lists.
 */
export interface CondaSpec {
  name: string;
  specifier: string;
  /** The version the spec names when it names one without wildcards or ranges. */
  exact: string | null;
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*/;
const EXPECTED = 'a conda package spec such as numpy, numpy=1.26, numpy==1.26.4 or numpy>=1.20,<2';

export function parseCondaSpec(text: string, at: FileSpot): CondaSpec {
  const spotOf = (offset: number): FileSpot => ({ ...at, column: at.column + offset });
  const channel = text.indexOf('::');
  const start = channel < 0 ? 0 : channel + 2;
  const nameMatch = NAME.exec(text.slice(start));
  if (!nameMatch) throw dependencyFileError(spotOf(start), EXPECTED, text);
  const name = nameMatch[0];
  const restOffset = start + name.length;
  const rest = text.slice(restOffset).trim();
  if (rest === '') return { name, specifier: '', exact: null };
  if (rest.includes('|') || rest.includes('[')) {
    throw dependencyFileError(
      spotOf(restOffset),
      `${EXPECTED} (alternatives and bracket options are not supported)`,
      rest,
    );
  }
  let specifier: string;
  let exact: string | null = null;
  if (/^=[^=]/.test(rest)) {
    // `=V=build` pins V; `=V` means `V.*` when declared, and is how `conda env export` writes the installed V.
    const [version = '', build] = rest.slice(1).split('=');
    const wildcard = version.includes('*');
    specifier = wildcard || build !== undefined ? `==${version}` : `==${version}.*`;
    exact = wildcard ? null : version;
  } else if (/^[<>!=~]/.test(rest)) {
    specifier = rest.replace(/\s+/g, '');
    if (/^==[^,*]+$/.test(specifier)) exact = specifier.slice(2);
  } else {
    // `name V [build]`, the space-separated form.
    const version = rest.split(/\s+/)[0] ?? '';
    specifier = `==${version}`;
    exact = version.includes('*') ? null : version;
  }
  const bad = invalidPep440Clause(specifier);
  if (bad !== null) throw dependencyFileError(spotOf(restOffset), EXPECTED, rest);
  return { name, specifier, exact };
}

/** Conda package names that stand for a runtime rather than a library. */
export function condaRuntime(name: string): 'python' | 'cuda' | null {
  const lower = name.toLowerCase();
  if (lower === 'python') return 'python';
  if (['cudatoolkit', 'cuda-version', 'cuda', 'cuda-runtime'].includes(lower)) return 'cuda';
  return null;
}

/** Installer tooling that conda files list but that says nothing about what a model needs at run time. */
export const CONDA_TOOLING = new Set(['pip', 'setuptools', 'wheel']);
