import { describe, expect, it } from 'vitest';
import { guardArtifactPath } from '../../src/api/artifact-path-guard.js';
import { checkMlflowBatchLimits } from '../../src/api/mlflow/batch-limits.js';
import { downloadContentType } from '../../src/api/mlflow/download-content-type.js';
import { parseLoggedModel } from '../../src/api/mlflow/logged-model.js';
import { MLFLOW_STATUS } from '../../src/api/mlflow/status-map.js';
import { metricValueForMlflow, toInteger } from '../../src/api/mlflow/wire-values.js';

describe('MLflow wire values', () => {
  it('reports NaN as "NaN" and infinities as the largest doubles, like MLflow 2.9', () => {
    expect(metricValueForMlflow(Number.NaN)).toBe('NaN');
    expect(metricValueForMlflow(Number.POSITIVE_INFINITY)).toBe(1.7976931348623157e308);
    expect(metricValueForMlflow(Number.NEGATIVE_INFINITY)).toBe(-1.7976931348623157e308);
    expect(metricValueForMlflow(-0.25)).toBe(-0.25);
  });

  it('reads int64 fields sent as numbers or decimal strings', () => {
    expect(toInteger(42, 'x')).toBe(42);
    expect(toInteger('1700000000000', 'x')).toBe(1_700_000_000_000);
    expect(toInteger(undefined, 'x')).toBeUndefined();
    expect(() => toInteger('99999999999999999', 'x')).toThrow(/must be an integer/);
  });
});

describe('MLflow status map', () => {
  it('follows MLflow’s HTTP statuses and never answers 500 for a client’s mistake', () => {
    expect(MLFLOW_STATUS).toEqual({
      INVALID_PARAMETER_VALUE: 400,
      RESOURCE_ALREADY_EXISTS: 400,
      INVALID_STATE: 400,
      RESOURCE_DOES_NOT_EXIST: 404,
      PERMISSION_DENIED: 403,
      UNAUTHENTICATED: 401,
      RESOURCE_EXHAUSTED: 413,
    });
  });
});

describe('checkMlflowBatchLimits', () => {
  it('accepts batches at the limits and refuses one item more of any kind', () => {
    expect(() => checkMlflowBatchLimits({ metrics: 1000, params: 0, tags: 0 })).not.toThrow();
    expect(() => checkMlflowBatchLimits({ metrics: 800, params: 100, tags: 100 })).not.toThrow();
    expect(() => checkMlflowBatchLimits({ metrics: 1001, params: 0, tags: 0 })).toThrow(/at most 1000 metrics/);
    expect(() => checkMlflowBatchLimits({ metrics: 0, params: 101, tags: 0 })).toThrow(/at most 100 params/);
    expect(() => checkMlflowBatchLimits({ metrics: 0, params: 0, tags: 101 })).toThrow(/at most 100 tags/);
    expect(() => checkMlflowBatchLimits({ metrics: 801, params: 100, tags: 100 })).toThrow(/in total/);
  });
});

describe('parseLoggedModel', () => {
  const complete = { artifact_path: 'model', flavors: {}, utc_time_created: 't', run_id: 'r' };

  it('keeps the model description without its signature and input example', () => {
    const entry = parseLoggedModel(
      JSON.stringify({ ...complete, signature: { inputs: '[]' }, saved_input_example_info: {}, mlflow_version: '2.9' }),
    );
    expect(entry).toEqual({ ...complete, mlflow_version: '2.9' });
  });

  it('refuses invalid JSON, non-objects and models missing mandatory fields', () => {
    expect(() => parseLoggedModel('{')).toThrow(/not valid JSON/);
    expect(() => parseLoggedModel('"model"')).toThrow(/JSON object/);
    expect(() => parseLoggedModel(JSON.stringify({ artifact_path: 'm', run_id: 'r' }))).toThrow(
      'Model json is missing mandatory fields: flavors, utc_time_created',
    );
  });
});

describe('guardArtifactPath', () => {
  it('passes plain relative paths through', () => {
    expect(guardArtifactPath('1/abc/artifacts/model/m.txt', 'path')).toBe('1/abc/artifacts/model/m.txt');
    expect(guardArtifactPath('', 'path')).toBe('');
    expect(guardArtifactPath('50% off.txt', 'path')).toBe('50% off.txt');
  });

  it('refuses traversal, absolute paths and anything still percent-encoded', () => {
    for (const path of [
      '../x',
      'a/../../x',
      '/etc/passwd',
      'a\\..\\x',
      '%2e%2e/x',
      '%2E%2E%2Fx',
      '%252e%252e/x',
      'a%5cb',
    ]) {
      expect(() => guardArtifactPath(path, 'path'), path).toThrow();
    }
  });
});

describe('downloadContentType', () => {
  it('serves text as text, active content as plain text and unknown files as bytes', () => {
    expect(downloadContentType('m/model.txt')).toBe('text/plain');
    expect(downloadContentType('MLmodel')).toBe('text/plain');
    expect(downloadContentType('report.HTML')).toBe('text/plain');
    expect(downloadContentType('plot.svg')).toBe('text/plain');
    expect(downloadContentType('a/metrics.json')).toBe('application/json');
    expect(downloadContentType('model.pkl')).toBe('application/octet-stream');
    expect(downloadContentType('.hidden')).toBe('application/octet-stream');
  });
});
