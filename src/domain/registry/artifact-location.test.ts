import { describe, expect, it } from 'vitest';
import { parseArtifactLocation } from './artifact-location.js';

describe('model version source locations', () => {
  it('accepts paths under the artifact root and below a run', () => {
    expect(parseArtifactLocation('mlflow-artifacts:/0/abc/artifacts/model')).toEqual({
      kind: 'root',
      path: '0/abc/artifacts/model',
    });
    expect(parseArtifactLocation('runs:/0123abcd/model/')).toEqual({ kind: 'run', runId: '0123abcd', path: 'model' });
    expect(parseArtifactLocation('runs:/0123abcd')).toEqual({ kind: 'run', runId: '0123abcd', path: '' });
  });

  it.each([
    'file:///etc/',
    '/etc/passwd',
    's3://bucket/model',
    'mlflow-artifacts:/',
    'mlflow-artifacts://other-host/0/x',
    'mlflow-artifacts:/0/../../etc',
    'mlflow-artifacts:/0/%2e%2e/x',
    'runs:/abc/../x',
    'runs:/abc\\..\\x',
    'models:/other/1',
  ])('refuses %s', (source) => {
    expect(() => parseArtifactLocation(source)).toThrow(/Invalid model version source/);
  });
});
