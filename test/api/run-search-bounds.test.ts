import { describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

describe.each(backends)('filters comparing whole-number attributes, on $name', (backend) => {
  const api = useTestServer(backend);

  it('refuses fractions and out-of-range numbers with 400 on every search, the same on both databases', async () => {
    const experiment = await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', {
      name: 'bounds',
    });
    const experimentId = experiment.body.experiment.experimentId;
    for (const value of ['1.5', '9223372036854775808', '-1e300', '1e20']) {
      for (const field of ['attributes.start_time', 'attributes.end_time', 'attributes.created']) {
        const native = await api.call('POST', '/api/v1/runs/search', {
          experimentIds: [experimentId],
          filter: `${field} > ${value}`,
        });
        expect(native.status, `${field} ${value}`).toBe(400);
        expect(native.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: /whole number/ });
        const mlflow = await api.call('POST', '/api/2.0/mlflow/runs/search', {
          experiment_ids: [experimentId],
          filter: `${field} > ${value}`,
        });
        expect(mlflow.status, `${field} ${value}`).toBe(400);
      }
      const experiments = await api.call('POST', '/api/2.0/mlflow/experiments/search', {
        filter: `attributes.creation_time > ${value}`,
        max_results: 10,
      });
      expect(experiments.status, value).toBe(400);
      const versions = await api.call(
        'GET',
        `/api/2.0/mlflow/model-versions/search?filter=${encodeURIComponent(`version_number > ${value}`)}`,
      );
      expect(versions.status, value).toBe(400);
    }
    const fine = await api.call('POST', '/api/v1/runs/search', {
      experimentIds: [experimentId],
      filter: 'attributes.start_time > 1700000000000 and metrics.loss < 1.5',
    });
    expect(fine.status).toBe(200);
  });
});
