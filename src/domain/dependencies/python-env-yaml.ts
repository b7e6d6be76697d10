import type { DeclaredDependencies } from './declared-dependency.js';
import { dependencyFileError } from './dependency-file-error.js';
import { isPep440Version } from './pep440-specifier.js';
import { addRequirementText } from './requirements-txt.js';
import { child, isMap, items, parsePositioned, scalarText } from './yaml-document.js';

const EXPECTED_DOC = 'an MLflow python_env.yaml: a mapping with python, build_dependencies and dependencies';

/**
 * Reads MLflow's `python_env.yaml`: the Python version becomes a runtime declaration, `dependencies` are pip
 * requirements. `build_dependencies` (pip, setuptools, wheel) only build the environment and are not declared.
 */
export function readPythonEnvYaml(file: string, content: string): DeclaredDependencies {
  const doc = parsePositioned(file, content, EXPECTED_DOC);
  if (!isMap(doc.root)) throw dependencyFileError(doc.spotOf(doc.root), EXPECTED_DOC);
  const result: DeclaredDependencies = { dependencies: [], skipped: [] };
  const python = child(doc.root, 'python');
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
  for (const entry of items(child(doc.root, 'dependencies'))) {
    const text = scalarText(entry);
    const at = doc.spotOf(entry);
    if (text === undefined) throw dependencyFileError(at, 'a pip requirement string');
    addRequirementText(result, text, at);
  }
  return result;
}
