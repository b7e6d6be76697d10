import type { DeclaredDependencies } from './declared-dependency.js';
import { dependencyFileError } from './dependency-file-error.js';
import { isPep440Version } from './pep440-specifier.js';
import { child, entries, isMap, parsePositioned, scalarText } from './yaml-document.js';

export interface MlmodelDeclarations extends DeclaredDependencies {
  /** Environment files the MLmodel names beside it (conda.yaml, python_env.yaml), to be read as well. */
  environmentFiles: string[];
}

const EXPECTED_DOC = "an MLflow MLmodel file: a mapping with 'flavors'";

/**
 * Reads an MLflow `MLmodel`: the pyfunc flavor's `python_version` becomes a runtime declaration and its `env`
 * (a file name, or `{conda, virtualenv}`) names the environment files that hold the package declarations.
 */
export function readMlmodel(file: string, content: string): MlmodelDeclarations {
  const doc = parsePositioned(file, content, EXPECTED_DOC);
  if (!isMap(doc.root) || !isMap(child(doc.root, 'flavors'))) {
    throw dependencyFileError(doc.spotOf(doc.root), EXPECTED_DOC);
  }
  const result: MlmodelDeclarations = { dependencies: [], skipped: [], environmentFiles: [] };
  const pyfunc = child(child(doc.root, 'flavors'), 'python_function');
  const python = child(pyfunc, 'python_version');
  if (python !== undefined) {
    const version = scalarText(python);
    if (version === undefined || !isPep440Version(version)) {
      throw dependencyFileError(doc.spotOf(python), 'a Python version such as 3.10.12', version);
    }
    result.dependencies.push({
      kind: 'runtime',
      name: 'python',
      specifier: `==${version}`,
      source: doc.spotOf(python),
    });
  }
  const env = child(pyfunc, 'env');
  const single = scalarText(env);
  const named = single !== undefined ? [single] : entries(env).map(([, node]) => scalarText(node));
  for (const name of named) {
    if (name === undefined || name.includes('/') || name.includes('\\')) {
      throw dependencyFileError(doc.spotOf(env), 'environment file names beside the MLmodel', name);
    }
    if (!result.environmentFiles.includes(name)) result.environmentFiles.push(name);
  }
  return result;
}
