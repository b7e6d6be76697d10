import { describe, expect, it } from 'vitest';
import { checkLoggedModelId, checkStatusChange, parseLoggedModelPath } from './logged-model.js';

const ID = `m-${'ab12'.repeat(8)}`;
const OTHER = `m-${'cd34'.repeat(8)}`;

describe('logged model paths', () => {
  it('reads the model and the file from a path below the artifact root', () => {
    expect(parseLoggedModelPath(`1/models/${ID}/artifacts/MLmodel`)).toEqual({ modelId: ID, relative: 'MLmodel' });
    expect(parseLoggedModelPath(`exp/loc/models/${ID}/artifacts`)).toEqual({ modelId: ID, relative: '' });
  });

  it('takes the first models folder, so a model’s own files may contain one', () => {
    expect(parseLoggedModelPath(`1/models/${ID}/artifacts/copy/models/${OTHER}/artifacts/f`)).toEqual({
      modelId: ID,
      relative: `copy/models/${OTHER}/artifacts/f`,
    });
  });

  it('ignores paths that are not a model folder', () => {
    for (const path of ['1/run/artifacts/x', `1/models/${ID}/other/x`, '1/models/m-123/artifacts/x']) {
      expect(parseLoggedModelPath(path), path).toBeUndefined();
    }
  });
});

describe('logged model status changes', () => {
  it('lets a pending model finish either way and a failed upload be retried', () => {
    expect(() => checkStatusChange('LOGGED_MODEL_PENDING', 'LOGGED_MODEL_READY')).not.toThrow();
    expect(() => checkStatusChange('LOGGED_MODEL_PENDING', 'LOGGED_MODEL_UPLOAD_FAILED')).not.toThrow();
    expect(() => checkStatusChange('LOGGED_MODEL_UPLOAD_FAILED', 'LOGGED_MODEL_READY')).not.toThrow();
    expect(() => checkStatusChange('LOGGED_MODEL_READY', 'LOGGED_MODEL_READY')).not.toThrow();
  });

  it('never takes a ready model back', () => {
    expect(() => checkStatusChange('LOGGED_MODEL_READY', 'LOGGED_MODEL_PENDING')).toThrow(/cannot go from/);
    expect(() => checkStatusChange('LOGGED_MODEL_READY', 'LOGGED_MODEL_UPLOAD_FAILED')).toThrow(/cannot go from/);
  });

  it('checks id shapes', () => {
    expect(checkLoggedModelId(ID)).toBe(ID);
    expect(() => checkLoggedModelId('m-XYZ')).toThrow(/not a logged model id/);
  });
});
