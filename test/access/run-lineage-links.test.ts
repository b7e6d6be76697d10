import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineageClient } from '../../src/sdk/index.js';
import { backends } from '../support/backends.js';
import { CLI_TIMEOUT, runMnemo } from '../support/mnemo-cli.js';
import { useTestServer } from '../support/test-server.js';
import { ADMIN_TOKEN, callAs, grant, ok, userWithToken } from './access-fixture.js';

const exec = promisify(execFile);
const ENVIRONMENT = { os: 'Linux', runtime: 'CPython 3.11.9', packages: { numpy: '1.26.4' }, hardware: {} };

/**
 * Whoever may write to a run may record what it ran in and what code it ran, without any role over lineage as a
 * whole: environments and code references are content-addressed, so registering one claims nothing of anyone's.
 */
describe.each(backends)('environment and code of a run, linked by its writers, on $name', (backend) => {
  const api = useTestServer(backend, { server: { auth: { enabled: true, adminToken: ADMIN_TOKEN } } });
  let editor = '';
  let reader = '';
  let experimentId = '';
  let runId = '';
  let repo = '';
  const as = <T = Record<string, unknown>>(token: string, method: string, path: string, body?: unknown) =>
    callAs<T>(api.url, token, method, `/api/v1${path}`, body);

  beforeAll(async () => {
    editor = await userWithToken(api.url, 'edda');
    reader = await userWithToken(api.url, 'rafe');
    const created = await ok(
      as<{ experiment: { experimentId: string } }>(ADMIN_TOKEN, 'POST', '/experiments', { name: 'links' }),
    );
    experimentId = created.experiment.experimentId;
    await grant(api.url, { role: 'editor', user: 'edda', experiment: experimentId });
    await grant(api.url, { role: 'reader', user: 'rafe', experiment: experimentId });
    const run = await ok(as<{ run: { runId: string } }>(editor, 'POST', '/runs', { experimentId }));
    runId = run.run.runId;
    repo = await mkdtemp(join(tmpdir(), 'mnemo-links-repo-'));
  });
  afterAll(async () => {
    await rm(repo, { recursive: true, force: true });
  });

  it("links an environment and a code reference to the editor's run, once however often it is sent", async () => {
    // Registering through the lineage-wide routes needs a role over lineage the editor does not hold.
    expect((await as(editor, 'POST', '/lineage/environments', ENVIRONMENT)).status).toBe(403);
    const first = await as<{ id: string; nodeId: string; created: boolean }>(
      editor,
      'POST',
      `/runs/${runId}/environment`,
      ENVIRONMENT,
    );
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const again = await as<{ id: string; created: boolean }>(editor, 'POST', `/runs/${runId}/environment`, ENVIRONMENT);
    expect([again.status, again.body.id, again.body.created]).toEqual([200, first.body.id, false]);
    const code = await as<{ nodeId: string }>(editor, 'POST', `/runs/${runId}/code-ref`, {
      repository: 'https://git.example.org/ml/churn.git',
      commit: 'a'.repeat(40),
    });
    expect(code.status).toBe(201);

    const upstream = await new LineageClient(api.url, fetch, editor).upstream(`run:${runId}`, { depth: 1 });
    const edges = upstream.nodes.map((n) => [n.id, n.path[0]?.type]).sort();
    expect(edges).toEqual([
      [code.body.nodeId, 'depends_on'],
      [first.body.nodeId, 'depends_on'],
    ]);
  });

  it('refuses a reader of the run, and bad input, changing nothing', async () => {
    const other = { ...ENVIRONMENT, packages: { numpy: '2.0.0' } };
    const refused = await as<{ error_code: string }>(reader, 'POST', `/runs/${runId}/environment`, other);
    expect([refused.status, refused.body.error_code]).toEqual([403, 'PERMISSION_DENIED']);
    const bad = await as<{ error_code: string }>(editor, 'POST', `/runs/${runId}/code-ref`, { repository: 'x' });
    expect(bad.status).toBe(400);
    const missing = await as(editor, 'POST', '/runs/no-such-run/environment', other);
    expect(missing.status).toBe(404);
    const upstream = await new LineageClient(api.url, fetch, ADMIN_TOKEN).upstream(`run:${runId}`, { depth: 1 });
    expect(upstream.nodes).toHaveLength(2);
  });

  it('lets `mnemo run` by an editor record its environment and code without warnings', {
    timeout: CLI_TIMEOUT,
  }, async () => {
    const git = (...args: string[]) => exec('git', args, { cwd: repo });
    await git('init', '--quiet', '--initial-branch', 'main');
    await writeFile(join(repo, 'train.js'), 'console.log("trained")');
    await git('add', '.');
    await git('-c', 'user.name=Ana', '-c', 'user.email=ana@example.org', 'commit', '--quiet', '-m', 'first');
    const result = await runMnemo(
      ['run', '--tracking-uri', api.url, '--experiment', 'links', '--', process.execPath, 'train.js'],
      repo,
      { MNEMO_TRACKING_TOKEN: editor },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('could not record');
    const captured = /run (\w+) in experiment/.exec(result.stderr)![1]!;
    const run = await ok(as<{ run: { tags: Record<string, string> } }>(editor, 'GET', `/runs/${captured}`));
    expect(run.run.tags['mnemo.environment.id']).toMatch(/^sha256:/);
    expect(run.run.tags['mnemo.codeRef.id']).toBeDefined();
  });
});
