import { describe, expect, it } from 'vitest';
import { isLockfileName } from './lockfiles.js';

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
