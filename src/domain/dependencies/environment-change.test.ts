import { describe, expect, it } from 'vitest';
import type { DeclaredDependency } from './declared-dependency.js';
import { changesTouching } from './environment-change.js';

const declared = (kind: DeclaredDependency['kind'], name: string, specifier = ''): DeclaredDependency => ({
  kind,
  name,
  specifier,
  source: { file: 'api', line: 0, column: 0 },
});

describe('changesTouching', () => {
  const before = { packages: { numpy: '1.26.4', pandas: '2.2.0', 'npm:left-pad': '1.3.0' }, runtime: 'python 3.11.7' };

  it('lists the declared packages that moved, appeared or went away, and nothing else', () => {
    const after = { packages: { numpy: '2.1.0', pandas: '2.2.0', scipy: '1.14.0' }, runtime: 'python 3.11.7' };
    const model = [
      declared('pypi', 'numpy', '<2'),
      declared('pypi', 'pandas'),
      declared('pypi', 'scipy'),
      declared('npm', 'left-pad', '^1.3.0'),
    ];
    expect(changesTouching(model, before, after)).toEqual([
      'left-pad 1.3.0 → (removed)',
      'numpy 1.26.4 → 2.1.0',
      'scipy (absent) → 1.14.0',
    ]);
  });

  it('names the runtime only for a version that declares one', () => {
    const after = { ...before, runtime: 'python 3.12.1' };
    expect(changesTouching([declared('pypi', 'numpy')], before, after)).toEqual([]);
    expect(changesTouching([declared('runtime', 'python', '>=3.10')], before, after)).toEqual([
      'runtime python 3.11.7 → python 3.12.1',
    ]);
  });

  it('finds nothing when what the version declares stayed as it was', () => {
    const after = { packages: { ...before.packages, requests: '2.32.0' }, runtime: before.runtime };
    expect(changesTouching([declared('pypi', 'numpy'), declared('dataset', 'orders')], before, after)).toEqual([]);
  });
});
