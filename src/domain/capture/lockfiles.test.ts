import { describe, expect, it } from 'vitest';
import { isLockfileName, parsePipList } from './lockfiles.js';

describe('isLockfileName', () => {
  it('knows the lockfiles of pip, Poetry, uv, Pipenv, npm and conda', () => {
    for (const name of [
      'requirements.txt',
      'requirements-dev.txt',
      'requirements_gpu.txt',
      'poetry.lock',
      'uv.lock',
      'Pipfile.lock',
      'package-lock.json',
      'environment.yml',
    ]) {
      expect(isLockfileName(name), name).toBe(true);
    }
    for (const name of ['requirements.md', 'package.json', 'Pipfile', 'train.py', 'my-requirements.txt']) {
      expect(isLockfileName(name), name).toBe(false);
    }
  });
});

describe('parsePipList', () => {
  it('maps lower-cased names to versions and skips malformed entries', () => {
    expect(parsePipList('[{"name":"NumPy","version":"1.26.4"},{"name":"pip"},{"version":"1"},null]')).toEqual({
      numpy: '1.26.4',
    });
    expect(() => parsePipList('{}')).toThrow(/list/);
  });
});
