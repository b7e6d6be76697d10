import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { modelSource } from './registry-helpers.js';

/** The request body README shows for a POST to a path ending in `suffix`, as a reader would copy it. */
function readmeBody(suffix: string): unknown {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const example = new RegExp(`POST \\S+/versions/1/${suffix} \\\\\\n(?:.*\\\\\\n)*?\\s*-d '([^']+)'`).exec(readme);
  if (!example) throw new Error(`README shows no body for …/${suffix}`);
  return JSON.parse(example[1]!);
}

describe.each(backends)("README's evaluation examples on $name", (backend) => {
  const api = useTestServer(backend);

  it('records the evaluation results and checks the README shows, as shown', async () => {
    await api.call('POST', '/api/v1/registered-models', { name: 'fraud-detector' });
    const version = await api.call('POST', '/api/v1/registered-models/fraud-detector/versions', {
      source: await modelSource(api, 'readme/fraud'),
    });
    expect(version.status).toBe(201);
    const base = '/api/v1/registered-models/fraud-detector/versions/1';

    const results = await api.call<{ evaluations: { metric: string; slice: string }[] }>(
      'POST',
      `${base}/evaluations`,
      readmeBody('evaluations'),
    );
    expect(results.status).toBe(201);
    expect(results.body.evaluations.map((e) => `${e.metric}@${e.slice}`).sort()).toEqual(['auc@all', 'auc@country=DE']);

    const checks = await api.call<{ checks: { kind: string; passed: boolean }[] }>(
      'POST',
      `${base}/checks`,
      readmeBody('checks'),
    );
    expect(checks.status).toBe(201);
    expect(checks.body.checks).toEqual([expect.objectContaining({ kind: 'fairness', passed: true })]);
  });
});
