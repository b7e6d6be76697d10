import { describe, expect, it } from 'vitest';
import { environmentDigest } from './environment.js';

const env = {
  os: 'Ubuntu 22.04',
  runtime: 'CPython 3.11.9',
  packages: { numpy: '1.26.4', Pandas: '2.2.2' },
  hardware: { gpus: 1, cpu: 'x86_64' },
  containerImageDigest: `sha256:${'a'.repeat(64)}`,
};

describe('environmentDigest', () => {
  it('is the same for the same content, whatever the key order or package name case', () => {
    const reordered = {
      containerImageDigest: env.containerImageDigest.toUpperCase().replace('SHA256', 'sha256'),
      hardware: { cpu: 'x86_64', gpus: 1 },
      packages: { pandas: ' 2.2.2', numpy: '1.26.4' },
      runtime: 'CPython 3.11.9 ',
      os: 'Ubuntu 22.04',
    };
    expect(environmentDigest(reordered)).toBe(environmentDigest(env));
    expect(environmentDigest(env)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('changes when anything that matters changes', () => {
    const base = environmentDigest(env);
    expect(environmentDigest({ ...env, packages: { ...env.packages, numpy: '2.0.0' } })).not.toBe(base);
    expect(environmentDigest({ ...env, hardware: { gpus: 2, cpu: 'x86_64' } })).not.toBe(base);
    expect(environmentDigest({ ...env, containerImageDigest: null })).not.toBe(base);
  });

  it('refuses malformed image digests and conflicting package versions', () => {
    expect(() => environmentDigest({ ...env, containerImageDigest: 'latest' })).toThrow(/containerImageDigest/);
    expect(() => environmentDigest({ ...env, packages: { numpy: '1', NumPy: '2' } })).toThrow(/numpy/);
  });
});
