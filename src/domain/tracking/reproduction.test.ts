import { describe, expect, it } from 'vitest';
import { recordedData } from '../capture/recorded-data.js';
import { type CurrentState, type Recipe, reproductionDifferences } from './reproduction.js';

const TRAIN = 'file:///data/train.csv';
const IMAGES = 's3://lake/images';
const digest = (c: string) => `sha256:${c.repeat(64)}`;

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
  inputs: [
    { role: 'input', uri: TRAIN, digest: digest('1') },
    { role: 'input', uri: IMAGES, digest: digest('2') },
  ],
  outputs: [{ role: 'output', uri: 'file:///out/model.pt', digest: digest('3') }],
};
const same: CurrentState = {
  commit: 'a'.repeat(40),
  dirty: false,
  diffDigest: null,
  python: '3.11.4',
  packages: { numpy: '1.26.0', torch: '2.1.0' },
  inputs: { [TRAIN]: { state: 'found', digest: digest('1') }, [IMAGES]: { state: 'found', digest: digest('2') } },
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
      inputs: same.inputs,
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
    const bare: Recipe = { ...recipe, commit: null, dirty: null, runtime: null, packages: null, inputs: [] };
    expect(reproductionDifferences(bare, { ...same, commit: null, dirty: true, inputs: {} })).toEqual([]);
  });

  it('names an input that changed with both digests, one that is missing, and one that could not be read', () => {
    const differences = reproductionDifferences(recipe, {
      ...same,
      inputs: {
        [TRAIN]: { state: 'found', digest: digest('9') },
        [IMAGES]: { state: 'unchecked', reason: 'S3 could not be reached' },
      },
    });
    expect(differences).toEqual([
      { aspect: 'input', what: `${TRAIN} changed since the run read it`, recorded: digest('1'), current: digest('9') },
      {
        aspect: 'input',
        what: `${IMAGES} could not be checked: S3 could not be reached`,
        recorded: digest('2'),
        current: null,
      },
    ]);
    const gone = reproductionDifferences(recipe, {
      ...same,
      inputs: { ...same.inputs, [TRAIN]: { state: 'missing' } },
    });
    expect(gone).toEqual([{ aspect: 'input', what: `${TRAIN} is missing`, recorded: digest('1'), current: null }]);
  });

  it('never takes an input that was not hashed for the same, and leaves outputs to the new run', () => {
    const differences = reproductionDifferences(recipe, { ...same, inputs: { [TRAIN]: same.inputs[TRAIN]! } });
    expect(differences.map((d) => [d.aspect, d.what])).toEqual([
      ['input', `${IMAGES} could not be checked: it was not hashed here`],
    ]);
  });
});

describe('recordedData', () => {
  it('reads inputs and outputs from their tags in the order given, splitting at the last @', () => {
    expect(
      recordedData({
        'mnemo.output.0': `file:///out/model.pt@${digest('3')}`,
        'mnemo.input.10': `s3://lake/a@b/c.csv@${digest('5')}`,
        'mnemo.input.2': `${TRAIN}@${digest('1')}`,
        'mnemo.inputs.3': `${TRAIN}@${digest('1')}`,
        'mnemo.input.4': 'no digest here',
        'mnemo.command': 'python train.py',
      }),
    ).toEqual([
      { role: 'input', uri: TRAIN, digest: digest('1') },
      { role: 'input', uri: 's3://lake/a@b/c.csv', digest: digest('5') },
      { role: 'output', uri: 'file:///out/model.pt', digest: digest('3') },
    ]);
  });
});
