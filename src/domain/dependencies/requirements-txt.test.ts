import { describe, expect, it } from 'vitest';
import { MnemoError } from '../errors.js';
import { readPipFreeze } from './pip-freeze.js';
import { readRequirementsTxt } from './requirements-txt.js';

function errorOf(run: () => unknown): MnemoError {
  try {
    run();
  } catch (error) {
    if (error instanceof MnemoError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('readRequirementsTxt', () => {
  it('reads names, extras, specifiers, markers and URLs, normalising names', () => {
    const text = [
      '# pinned for the model',
      'numpy>=1.20,<2  # inline comment',
      'Scikit_Learn[alldeps] ~= 1.3.0',
      'torch (==2.1.*)',
      'pandas ; python_version < "3.12"',
      'mylib @ https://example.com/mylib-1.0.whl',
      'requests==2.31.0 \\',
      '    --hash=sha256:abc',
      '--pre',
      '-r other.txt',
      '-e ./local',
      '--index-url https://pypi.example/simple',
      './wheels/thing.whl',
    ].join('\n');
    const result = readRequirementsTxt('requirements.txt', text);
    expect(result.dependencies.map((d) => [d.name, d.specifier, d.marker ?? null, d.source.line])).toEqual([
      ['numpy', '>=1.20,<2', null, 2],
      ['scikit-learn', '~=1.3.0', null, 3],
      ['torch', '==2.1.*', null, 4],
      ['pandas', '', 'python_version < "3.12"', 5],
      ['mylib', '', null, 6],
      ['requests', '==2.31.0', null, 7],
    ]);
    expect(result.allowPrereleases).toBe(true);
    expect(result.skipped.map((s) => [s.spot.line, s.why])).toEqual([
      [10, 'includes another requirements file'],
      [11, 'an editable install has no version'],
      [13, 'a path or URL without a package name'],
    ]);
  });

  it.each([
    // [content, line, column, expected fragment]
    ['numpy>=1.0\nscipy=>1.0', 2, 6, 'PEP 440 version specifier'],
    ['numpy >=1.0, ~=2', 1, 14, 'PEP 440 version specifier'],
    ['numpy>=1.0+local', 1, 6, 'PEP 440 version specifier'],
    ['  ==1.0', 1, 3, 'a package name'],
    ['numpy[extra', 1, 6, "']' closing"],
    ['--frobnicate', 1, 1, 'a requirement or a pip option'],
    ['numpy ;', 1, 8, 'an environment marker'],
  ])('refuses %j at %i:%i', (content, line, column, expected) => {
    const error = errorOf(() => readRequirementsTxt('requirements.txt', content));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.details).toMatchObject({ file: 'requirements.txt', line, column });
    expect(error.message).toContain(expected);
  });
});

describe('readPipFreeze', () => {
  it('reads exact pins and reports what has no version', () => {
    const report = readPipFreeze(
      'freeze.txt',
      'numpy==1.26.4\nTorch==2.1.0+cu121\n-e git+https://x/y.git@abc#egg=y\nmylib @ file:///tmp/mylib\n',
    );
    expect(report.packages.map((p) => [p.name, p.version])).toEqual([
      ['numpy', '1.26.4'],
      ['torch', '2.1.0+cu121'],
    ]);
    expect(report.unversioned.map((u) => u.spot.line)).toEqual([3, 4]);
  });

  it.each([
    ['numpy>=1.0', 1, 6],
    ['numpy', 1, 6],
    ['a==1\nnumpy==1.*', 2, 6],
  ])('refuses %j: a freeze pins every package', (content, line, column) => {
    const error = errorOf(() => readPipFreeze('freeze.txt', content));
    expect(error.details).toMatchObject({ line, column });
    expect(error.message).toContain('exact pin');
  });
});
