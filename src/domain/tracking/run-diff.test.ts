import { describe, expect, it } from 'vitest';
import { bestDirection, diffPackages, diffRuns, type RunSide } from './run-diff.js';

const side = (overrides: Partial<RunSide> = {}): RunSide => ({
  runId: 'a',
  params: { lr: '0.1', epochs: '3' },
  tags: { team: 'vision', 'mlflow.runName': 'brave-owl' },
  metrics: { loss: { final: 0.3, min: 0.2, max: 0.9 }, accuracy: { final: 0.8, min: 0.1, max: 0.85 } },
  code: { commit: 'abc1234', branch: 'main', dirty: false, diffDigest: null },
  environment: { environmentId: 'sha256:1', packages: { numpy: '1.26.0', torch: '2.1.0' } },
  inputs: { train: 'sha256:aa' },
  ...overrides,
});

describe('diffRuns', () => {
  it('finds nothing between a run and itself but its incidental tags', () => {
    const diff = diffRuns(side(), side({ runId: 'b', tags: { team: 'vision', 'mlflow.runName': 'calm-fox' } }));
    expect(diff.identical).toBe(true);
    expect(diff.params).toEqual([]);
    expect(diff.tags).toEqual([]);
    expect(diff.metrics.map((m) => m.key)).toEqual(['accuracy', 'loss']);
  });

  it('names params changed, added and removed', () => {
    const diff = diffRuns(side(), side({ params: { lr: '0.01', seed: '7' } }));
    expect(diff.params).toEqual([
      { key: 'epochs', a: '3', b: null },
      { key: 'lr', a: '0.1', b: '0.01' },
      { key: 'seed', a: null, b: '7' },
    ]);
    expect(diff.identical).toBe(false);
  });

  it('compares final and best values, best by the direction the name implies', () => {
    const diff = diffRuns(
      side(),
      side({ metrics: { loss: { final: 0.25, min: 0.1, max: 0.8 }, accuracy: { final: 0.9, min: 0.2, max: 0.95 } } }),
    );
    const loss = diff.metrics.find((m) => m.key === 'loss')!;
    expect(loss.direction).toBe('min');
    expect(loss.final.a).toBe(0.3);
    expect(loss.final.b).toBe(0.25);
    expect(loss.final.delta).toBeCloseTo(-0.05);
    expect(loss.best).toMatchObject({ a: 0.2, b: 0.1 });
    const accuracy = diff.metrics.find((m) => m.key === 'accuracy')!;
    expect(accuracy.direction).toBe('max');
    expect(accuracy.best).toMatchObject({ a: 0.85, b: 0.95 });
  });

  it('shows a metric only one run logged with nothing to subtract', () => {
    const diff = diffRuns(side(), side({ metrics: { f1: { final: 0.5, min: 0.5, max: 0.5 } } }));
    const f1 = diff.metrics.find((m) => m.key === 'f1')!;
    expect(f1.final).toEqual({ a: null, b: 0.5, delta: null });
    expect(diff.identical).toBe(false);
  });

  it('compares code field by field, and not again as tags', () => {
    const diff = diffRuns(
      side({ tags: { 'mlflow.source.git.commit': 'abc1234' } }),
      side({
        tags: { 'mlflow.source.git.commit': 'def5678' },
        code: { commit: 'def5678', branch: 'main', dirty: true, diffDigest: 'sha256:d1' },
      }),
    );
    expect(diff.code).toEqual([
      { field: 'commit', a: 'abc1234', b: 'def5678' },
      { field: 'dirty', a: 'false', b: 'true' },
      { field: 'diffDigest', a: null, b: 'sha256:d1' },
    ]);
    expect(diff.tags).toEqual([]);
  });

  it('lists packages added, removed and at another version', () => {
    const diff = diffRuns(
      side(),
      side({ environment: { environmentId: 'sha256:2', packages: { NumPy: '2.0.0', pandas: '2.2.0' } } }),
    );
    expect(diff.environment).toEqual({
      a: 'sha256:1',
      b: 'sha256:2',
      packages: {
        added: [{ name: 'pandas', version: '2.2.0' }],
        removed: [{ name: 'torch', version: '2.1.0' }],
        changed: [{ name: 'numpy', a: '1.26.0', b: '2.0.0' }],
      },
    });
  });

  it('has no environment section when neither run has an environment', () => {
    expect(diffRuns(side({ environment: null }), side({ environment: null })).environment).toBeNull();
  });

  it('names inputs whose content changed', () => {
    const diff = diffRuns(side(), side({ inputs: { train: 'sha256:bb', test: 'sha256:cc' } }));
    expect(diff.data).toEqual([
      { key: 'test', a: null, b: 'sha256:cc' },
      { key: 'train', a: 'sha256:aa', b: 'sha256:bb' },
    ]);
  });
});

describe('bestDirection', () => {
  it('minimises losses and errors and maximises the rest', () => {
    expect(bestDirection('val_loss')).toBe('min');
    expect(bestDirection('error_rate')).toBe('min');
    expect(bestDirection('accuracy')).toBe('max');
    expect(bestDirection('f1')).toBe('max');
  });
});

describe('diffPackages', () => {
  it('treats pip spellings of one name as the same package', () => {
    expect(diffPackages({ scikit_learn: '1.4' }, { 'Scikit-Learn': '1.4' })).toEqual({
      added: [],
      removed: [],
      changed: [],
    });
  });
});
