import { CONDA_TOOLING, condaRuntime, parseCondaSpec } from './conda-spec.js';
import type { DeclaredDependencies } from './declared-dependency.js';
import { dependencyFileError } from './dependency-file-error.js';
import { normalisePythonName } from './package-name.js';
import { addRequirementText } from './requirements-txt.js';
import { child, isMap, items, parsePositioned, scalarText } from './yaml-document.js';

const EXPECTED_DOC = 'a conda environment file: a mapping with a dependencies list';

/**
 * Reads a conda environment file (MLflow's `conda.yaml`, or an `environment.yml`) as declarations: conda specs in
 * `dependencies`, pip requirements in its `pip:` sub-list. Conda package names are read as Python package names,
 * which they are for the libraries models import (numpy, scikit-learn, pandas…).
 */
export function readCondaYaml(file: string, content: string): DeclaredDependencies {
  const doc = parsePositioned(file, content, EXPECTED_DOC);
  if (!isMap(doc.root)) throw dependencyFileError(doc.spotOf(doc.root), EXPECTED_DOC);
  const list = child(doc.root, 'dependencies');
  const result: DeclaredDependencies = { dependencies: [], skipped: [] };
  if (list === undefined) return result;
  for (const item of items(list)) {
    const spot = doc.spotOf(item);
    const pip = child(item, 'pip');
    if (pip !== undefined) {
      for (const entry of items(pip)) {
        const text = scalarText(entry);
        const at = doc.spotOf(entry);
        if (text === undefined) throw dependencyFileError(at, 'a pip requirement string');
        addRequirementText(result, text, at);
      }
      continue;
    }
    const text = scalarText(item);
    if (text === undefined) throw dependencyFileError(spot, "a conda package spec or a 'pip:' list");
    const spec = parseCondaSpec(text, spot);
    const runtime = condaRuntime(spec.name);
    if (runtime !== null) {
      result.dependencies.push({ kind: 'runtime', name: runtime, specifier: spec.specifier, source: spot });
    } else if (CONDA_TOOLING.has(spec.name.toLowerCase())) {
      result.skipped.push({ spot, text, why: 'installer tooling' });
    } else {
      result.dependencies.push({
        kind: 'pypi',
        name: normalisePythonName(spec.name),
        specifier: spec.specifier,
        source: spot,
      });
    }
  }
  return result;
}
