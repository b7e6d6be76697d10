import { describe, expect, it } from 'vitest';
import { type CurrentState, type Recipe, reproductionDifferences } from './reproduction.js';

const recipe: Recipe = {
  runId: 'r1',
  command: 'python train.py',
  commit: 'a'.repeat(40),
  branch: 'main',
  dirty: false,
  diffDigest: null,
  seed: '7',
  params: { lr: '0.1' },
  runtime: 'python 3.11.4',
  packages: { numpy: '1.26.0', torch: '2.1.0' },
};
const same: CurrentState = {
  commit: 'a'.repeat(40),
  dirty: false,
  diffDigest: null,
  python: '3.11.4',
  packages: { numpy: '1.26.0', torch: '2.1.0' },
};

describe('reproductionDifferences', () => {
  it('finds nothing when the checkout and environment match', () => {
    expect(reproductionDifferences(recipe, same)).toEqual([]);
  });

  it('names another commit, uncommitted changes, another Python and every package difference', () => {
    const differences = reproductionDifferences(recipe, {
      commit: 'b'.repeat(40),
      dirty: true,
      diffDigest: 'sha256:ff',
      python: '3.12.1',
      packages: { NumPy: '2.0.0', pandas: '2.2.0' },
    });
    expect(differences.map((d) => [d.aspect, d.recorded, d.current])).toEqual([
      ['commit', 'a'.repeat(40), 'b'.repeat(40)],
      ['uncommitted changes', null, 'sha256:ff'],
      ['python', '3.11.4', '3.12.1'],
      ['package', '2.1.0', null],
      ['package', null, '2.2.0'],
      ['package', '1.26.0', '2.0.0'],
    ]);
  });

  it('asks for the run’s own diff when the run was dirty, and accepts the same diff', () => {
    const dirtyRecipe = { ...recipe, dirty: true, diffDigest: 'sha256:d1' };
    expect(reproductionDifferences(dirtyRecipe, same)[0]).toMatchObject({
      aspect: 'uncommitted changes',
      recorded: 'sha256:d1',
      current: null,
    });
    expect(reproductionDifferences(dirtyRecipe, { ...same, dirty: true, diffDigest: 'sha256:d1' })).toEqual([]);
    expect(reproductionDifferences(dirtyRecipe, { ...same, dirty: true, diffDigest: 'sha256:d2' })[0]).toMatchObject({
      recorded: 'sha256:d1',
      current: 'sha256:d2',
    });
    // A run that recorded only that it was dirty still differs from a clean checkout.
    expect(reproductionDifferences({ ...dirtyRecipe, diffDigest: null }, same)).toHaveLength(1);
  });

  it('says when there is no repository or no Python to compare with', () => {
    const differences = reproductionDifferences(recipe, { ...same, commit: null, python: null, packages: null });
    expect(differences.map((d) => d.what)).toEqual([
      'not in a git repository',
      'no Python found',
      'no Python with pip here to compare packages with',
    ]);
  });

  it('checks nothing a run did not record', () => {
    const bare: Recipe = { ...recipe, commit: null, dirty: null, runtime: null, packages: null };
    expect(reproductionDifferences(bare, { ...same, commit: null, dirty: true })).toEqual([]);
  });
});
