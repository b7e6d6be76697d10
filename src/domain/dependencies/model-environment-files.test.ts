import { describe, expect, it } from 'vitest';
import { MnemoError } from '../errors.js';
import { parseCondaSpec } from './conda-spec.js';
import { readCondaYaml } from './conda-yaml.js';
import { readMlmodel } from './mlmodel.js';
import { readPythonEnvYaml } from './python-env-yaml.js';

const at = { file: 'conda.yaml', line: 1, column: 1 };

function refusal(run: () => unknown): MnemoError {
  try {
    run();
  } catch (error) {
    if (error instanceof MnemoError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('parseCondaSpec', () => {
  it.each([
    ['numpy', '', null],
    ['numpy=1.26', '==1.26.*', '1.26'],
    ['numpy==1.26.4', '==1.26.4', '1.26.4'],
    ['numpy=1.26.4=py311h64a7726_0', '==1.26.4', '1.26.4'],
    ['conda-forge::numpy>=1.20,<2', '>=1.20,<2', null],
    ['numpy 1.26.*', '==1.26.*', null],
    ['numpy 1.26.4 py311h_0', '==1.26.4', '1.26.4'],
    ['numpy=1.26.*', '==1.26.*', null],
  ])('%s → %s', (text, specifier, exact) => {
    expect(parseCondaSpec(text, at)).toMatchObject({ specifier, exact });
  });

  it.each(['numpy>=1.0|<0.5', 'numpy=>1', 'numpy[version=">=1"]'])('refuses %s', (text) => {
    expect(refusal(() => parseCondaSpec(text, at)).message).toContain('conda package spec');
  });
});

describe('readCondaYaml', () => {
  it('reads runtimes, conda packages and the pip list; skips installer tooling', () => {
    const text = [
      'name: mlflow-env',
      'channels: [conda-forge]',
      'dependencies:',
      '  - python=3.10.12',
      '  - pip<=23.0',
      '  - cudatoolkit=11.8',
      '  - Scikit-Learn=1.3',
      '  - pip:',
      '    - mlflow==2.9.2',
      '    - numpy>=1.24,<2',
      '    - -r requirements.txt',
    ].join('\n');
    const result = readCondaYaml('conda.yaml', text);
    expect(result.dependencies.map((d) => [d.kind, d.name, d.specifier, d.source.line, d.source.column])).toEqual([
      ['runtime', 'python', '==3.10.12.*', 4, 5],
      ['runtime', 'cuda', '==11.8.*', 6, 5],
      ['pypi', 'scikit-learn', '==1.3.*', 7, 5],
      ['pypi', 'mlflow', '==2.9.2', 9, 7],
      ['pypi', 'numpy', '>=1.24,<2', 10, 7],
    ]);
    expect(result.skipped.map((s) => [s.spot.line, s.why])).toEqual([
      [5, 'installer tooling'],
      [11, 'includes another requirements file'],
    ]);
  });

  it.each([
    ['dependencies:\n  - numpy=>1\n', 2, 10],
    ['dependencies:\n  - pip:\n    - numpy>>1\n', 3, 12],
    ['dependencies: [numpy\n', 2, 1],
    ['- just a list\n', 1, 1],
  ])('refuses %j at %i:%i', (text, line, column) => {
    expect(refusal(() => readCondaYaml('conda.yaml', text)).details).toMatchObject({
      file: 'conda.yaml',
      line,
      column,
    });
  });
});

describe('readPythonEnvYaml', () => {
  it('reads the Python version and the dependencies, not the build tooling', () => {
    const text =
      'python: 3.10.12\nbuild_dependencies:\n  - pip==23.0\ndependencies:\n  - mlflow==2.9.2\n  - torch>=2\n';
    const result = readPythonEnvYaml('python_env.yaml', text);
    expect(result.dependencies.map((d) => [d.kind, d.name, d.specifier, d.source.line])).toEqual([
      ['runtime', 'python', '==3.10.12', 1],
      ['pypi', 'mlflow', '==2.9.2', 5],
      ['pypi', 'torch', '>=2', 6],
    ]);
  });

  it('refuses a Python version that is not a version, at its spot', () => {
    expect(refusal(() => readPythonEnvYaml('python_env.yaml', 'python: three\n')).details).toMatchObject({
      line: 1,
      column: 9,
    });
  });
});

describe('readMlmodel', () => {
  it('reads the pyfunc Python version and names the environment files', () => {
    const text = [
      'artifact_path: model',
      'flavors:',
      '  python_function:',
      '    env:',
      '      conda: conda.yaml',
      '      virtualenv: python_env.yaml',
      '    loader_module: mlflow.sklearn',
      '    python_version: 3.10.12',
      '  sklearn:',
      '    sklearn_version: 1.3.0',
    ].join('\n');
    const result = readMlmodel('MLmodel', text);
    expect(result.environmentFiles).toEqual(['conda.yaml', 'python_env.yaml']);
    expect(result.dependencies).toEqual([
      { kind: 'runtime', name: 'python', specifier: '==3.10.12', source: { file: 'MLmodel', line: 8, column: 21 } },
    ]);
  });

  it('accepts the older single env file and refuses paths outside the model folder', () => {
    expect(readMlmodel('MLmodel', 'flavors:\n  python_function:\n    env: conda.yaml\n').environmentFiles).toEqual([
      'conda.yaml',
    ]);
    expect(
      refusal(() => readMlmodel('MLmodel', 'flavors:\n  python_function:\n    env: ../x.yaml\n')).details,
    ).toMatchObject({
      line: 3,
      column: 10,
    });
    expect(refusal(() => readMlmodel('MLmodel', 'artifact_path: model\n')).message).toContain("'flavors'");
  });
});
