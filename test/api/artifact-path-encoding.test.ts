import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { newRun, rawRequest } from '../mlflow/support/mlflow-calls.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

/**
 * Paths encoded twice (`%252e%252e%252f` arrives at the route as `%2e%2e%2f`) are refused by the native artifact
 * routes exactly as by the MLflow artifact proxy: a store, proxy or later tool that decodes once more would see `..`,
 * `/` or `\`. Requests go out byte for byte as written (fetch() would rewrite some of them).
 */
const HOSTILE: [string, string][] = [
  ['double-encoded traversal', '%252e%252e%252fescape.txt'],
  ['double-encoded traversal, upper case', '%252E%252E%252Fescape.txt'],
  ['double-encoded dots with a plain slash', '%252e%252e/escape.txt'],
  ['double-encoded slash', '..%252fescape.txt'],
  ['double-encoded slash inside a name', 'a%252fb.txt'],
  ['double-encoded backslash', '..%255cescape.txt'],
  ['triple-encoded dots', '%25252e%25252e/escape.txt'],
  ['encoded percent sign', 'a%2525b.txt'],
];

describe.each(backends)('double-encoded artifact paths are refused alike on both surfaces, on $name', (backend) => {
  const api = useTestServer(backend);
  let runId = '';
  let root = '';

  beforeAll(async () => {
    const run = await newRun(api, 'encoding/twice');
    runId = run.runId;
    root = `${run.experimentId}/${run.runId}/artifacts`;
    // One ordinary file, so a download or delete that got through would have something to find.
    expect((await rawRequest(api.url, 'PUT', `/api/v1/runs/${runId}/artifacts/present.txt`, 'present')).status).toBe(
      201,
    );
  });

  const routes = (path: string): [string, string, string?][] => [
    ['PUT', `/api/v1/runs/${runId}/artifacts/${path}`, 'planted'],
    ['GET', `/api/v1/runs/${runId}/artifacts/${path}`],
    ['DELETE', `/api/v1/runs/${runId}/artifacts/${path}`],
    ['GET', `/api/v1/runs/${runId}/artifacts?path=${path}`],
    ['PUT', `/api/2.0/mlflow-artifacts/artifacts/${root}/${path}`, 'planted'],
    ['GET', `/api/2.0/mlflow-artifacts/artifacts/${root}/${path}`],
    ['DELETE', `/api/2.0/mlflow-artifacts/artifacts/${root}/${path}`],
    ['GET', `/api/2.0/mlflow-artifacts/artifacts?path=${root}/${path}`],
  ];

  it('answers 400 INVALID_PARAMETER_VALUE on every artifact route of both surfaces', async () => {
    for (const [name, path] of HOSTILE) {
      for (const [method, url, body] of routes(path)) {
        const reply = await rawRequest(api.url, method, url, body);
        const what = `${name}: ${method} ${url} → ${reply.text}`;
        expect(reply.status, what).toBe(400);
        expect(JSON.parse(reply.text), what).toEqual({
          error_code: 'INVALID_PARAMETER_VALUE',
          message: expect.stringMatching(/percent-encoded/),
        });
      }
    }
  });

  it('stores nothing under an encoded name and leaves the run’s files alone', async () => {
    for (const [, path] of HOSTILE) {
      for (const [method, url, body] of routes(path)) await rawRequest(api.url, method, url, body);
    }
    const stored = await readdir(join(api.artifactsDir, root), { recursive: true });
    expect(stored).toEqual(['present.txt']);
    const listed = await api.call<{ files: { path: string }[] }>('GET', `/api/v1/runs/${runId}/artifacts`);
    expect(listed.body.files.map((file) => file.path)).toEqual(['present.txt']);
  });

  it('still serves a file whose name merely contains a percent sign', async () => {
    const put = await rawRequest(api.url, 'PUT', `/api/v1/runs/${runId}/artifacts/50%25%20off.txt`, 'cheap');
    expect(put.status, put.text).toBe(201);
    const native = await rawRequest(api.url, 'GET', `/api/v1/runs/${runId}/artifacts/50%25%20off.txt`);
    const proxied = await rawRequest(api.url, 'GET', `/api/2.0/mlflow-artifacts/artifacts/${root}/50%25%20off.txt`);
    expect([native.status, native.text, proxied.status, proxied.text]).toEqual([200, 'cheap', 200, 'cheap']);
  });
});
