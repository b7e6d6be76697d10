import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { mlflowCalls, newRun, rawRequest } from './support/mlflow-calls.js';

const SECRET = 'outside the artifact root';

/**
 * Every way of naming a file outside the artifact root is refused with a 400 before anything is read or written.
 * Requests go out byte for byte as written here (fetch() would normalise `..` and `%2e%2e` itself).
 */
describe.each(backends)('MLflow artifact paths cannot leave the artifact root on $name', (backend) => {
  const api = useTestServer(backend);
  const mlflow = mlflowCalls(api);
  let runId = '';
  let runRoot = '';

  beforeAll(async () => {
    const run = await newRun(api, 'security/traversal');
    runId = run.runId;
    runRoot = `${run.experimentId}/${run.runId}/artifacts`;
    // A file beside the artifact root that every traversal below aims at.
    await writeFile(join(dirname(api.artifactsDir), 'secret.txt'), SECRET);
    await mkdir(api.artifactsDir, { recursive: true });
  });

  const traversals = (): [string, string][] => [
    ['plain ..', '../secret.txt'],
    ['nested ..', `${runRoot}/../../../../secret.txt`],
    ['encoded %2e%2e', '%2e%2e/secret.txt'],
    ['encoded upper-case with slash %2E%2E%2F', '%2E%2E%2Fsecret.txt'],
    ['double-encoded %252e%252e', '%252e%252e/secret.txt'],
    ['double-encoded slash %252F', `..%252Fsecret.txt`],
    ['absolute', '/etc/passwd'],
    ['encoded absolute', '%2Fetc%2Fpasswd'],
    ['backslashes', '..%5C..%5Csecret.txt'],
    ['NUL byte', 'a%00/../secret.txt'],
  ];

  it('refuses traversal in proxy downloads', async () => {
    for (const [name, path] of traversals()) {
      const reply = await rawRequest(api.url, 'GET', `/api/2.0/mlflow-artifacts/artifacts/${path}`);
      expect(reply.status, name).toBe(400);
      expect(JSON.parse(reply.text), name).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
      expect(reply.text).not.toContain(SECRET);
    }
  });

  it('refuses traversal in proxy uploads and writes nothing outside the root', async () => {
    for (const [name, path] of traversals()) {
      const target = path.replace('secret.txt', 'planted.txt');
      const reply = await rawRequest(api.url, 'PUT', `/api/2.0/mlflow-artifacts/artifacts/${target}`, 'pwned');
      expect(reply.status, name).toBe(400);
    }
    expect(existsSync(join(dirname(api.artifactsDir), 'planted.txt'))).toBe(false);
    expect(existsSync('/planted.txt')).toBe(false);
  });

  it('refuses traversal in proxy deletes and leaves the file beside the root alone', async () => {
    for (const [name, path] of traversals()) {
      const reply = await rawRequest(api.url, 'DELETE', `/api/2.0/mlflow-artifacts/artifacts/${path}`);
      expect(reply.status, name).toBe(400);
    }
    expect(existsSync(join(dirname(api.artifactsDir), 'secret.txt'))).toBe(true);
  });

  it('refuses traversal in the proxy’s directory listing', async () => {
    for (const [name, path] of [...traversals(), ['parent only', '..'], ['encoded parent', '%2e%2e']]) {
      const reply = await rawRequest(api.url, 'GET', `/api/2.0/mlflow-artifacts/artifacts?path=${path}`);
      expect(reply.status, name).toBe(400);
      expect(JSON.parse(reply.text), name).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: expect.any(String),
      });
    }
  });

  it('refuses traversal in artifacts/list', async () => {
    for (const [name, path] of [...traversals(), ['parent only', '..']]) {
      const reply = await rawRequest(api.url, 'GET', `/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=${path}`);
      expect(reply.status, name).toBe(400);
      expect(JSON.parse(reply.text), name).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: expect.any(String),
      });
    }
    const ok = await mlflow.get('artifacts/list', { run_id: runId, path: 'sub/dir' });
    expect(ok.status).toBe(200);
  });
});
