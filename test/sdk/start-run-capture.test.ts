import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Difference } from '../../src/domain/tracking/reproduction.js';
import { backends } from '../support/backends.js';
import { CLI_BUNDLE } from '../support/cli-bundle.js';
import { useTestServer } from '../support/test-server.js';

const root = join(import.meta.dirname, '../..');
const exec = promisify(execFile);
const TSX = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;
const TIMEOUT = 120_000;

/** A TypeScript training script using the SDK with capture on; prints the id of its run. */
const SCRIPT = `
import { Mnemo } from ${JSON.stringify(pathToFileURL(join(root, 'src/sdk/index.ts')).href)};
const mnemo = new Mnemo({ url: process.env.SERVER_URL! });
const run = await mnemo.startRun({ experimentName: 'sdk-capture', capture: true, params: { lr: 0.1 } });
run.logMetric('loss', 0.25, 1);
await run.end();
console.log(run.id);
`;

const clean = () =>
  Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('MLFLOW_') && !key.startsWith('MNEMO_')),
  );

describe.each(backends)('startRun({ capture: true }) on $name', (backend) => {
  const api = useTestServer(backend);
  let repo: string;
  const git = (...args: string[]) =>
    exec('git', ['-c', 'user.name=Ana', '-c', 'user.email=ana@example.org', ...args], { cwd: repo });
  beforeAll(async () => {
    repo = await mkdtemp(join(tmpdir(), 'mnemo-sdk-capture-'));
    await git('init', '--quiet', '--initial-branch', 'trunk');
    await writeFile(join(repo, 'train.mts'), SCRIPT);
    await git('add', 'train.mts');
    await git('commit', '--quiet', '-m', 'first');
    await writeFile(join(repo, 'train.mts'), `${SCRIPT}\n// an edit not yet committed\n`);
  });
  afterAll(async () => {
    await rm(repo, { recursive: true, force: true });
  });

  it('records code, uncommitted diff, environment and seed as mnemo run does, and reproduce finds them matching', {
    timeout: 3 * TIMEOUT,
  }, async () => {
    const ran = await exec(process.execPath, ['--import', TSX, 'train.mts'], {
      cwd: repo,
      env: { ...clean(), SERVER_URL: api.url, MNEMO_SEED: '42' },
      timeout: TIMEOUT,
    });
    const runId = ran.stdout.trim();
    const { body } = await api.call<{ run: { tags: Record<string, string>; params: Record<string, string> } }>(
      'GET',
      `/api/v1/runs/${runId}`,
    );
    const tags = body.run.tags;
    const diff = (
      await exec('git', ['diff', 'HEAD', '--binary', '--no-color', '--no-ext-diff'], { cwd: repo, encoding: 'buffer' })
    ).stdout;
    expect(tags['mlflow.source.git.commit']).toBe((await git('rev-parse', 'HEAD')).stdout.trim());
    expect(tags['mlflow.source.git.branch']).toBe('trunk');
    expect(tags['mnemo.source.git.dirty']).toBe('true');
    expect(tags['mnemo.source.git.diffDigest']).toBe(`sha256:${createHash('sha256').update(diff).digest('hex')}`);
    expect(tags['mnemo.seed']).toBe('42');
    expect(tags['mnemo.command']).toContain('train.mts');
    expect(body.run.params).toEqual({ lr: '0.1' });

    const patch = await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/code/diff.patch`);
    expect(Buffer.from(await patch.arrayBuffer()).equals(diff)).toBe(true);

    const environmentId = tags['mnemo.environment.id']!;
    const environment = await api.call<{ environment: { runtime: string; hardware: Record<string, unknown> } }>(
      'GET',
      `/api/v1/lineage/environments/${encodeURIComponent(environmentId)}`,
    );
    expect(environment.body.environment.runtime).toBe(`node ${process.version}`);
    const graph = await api.call('GET', `/api/v1/lineage?nodeId=${encodeURIComponent(`run:${runId}`)}&depth=1`);
    expect(JSON.stringify(graph.body)).toContain(`environment:${environmentId}`);

    // The same checkout, still dirty with the same edit: nothing to change before running it again.
    const reproduce = await exec(
      process.execPath,
      [CLI_BUNDLE, 'reproduce', runId, '--json', '--tracking-uri', api.url],
      { cwd: repo, env: clean(), timeout: TIMEOUT },
    );
    const report = JSON.parse(reproduce.stdout) as { recipe: { seed: string }; differences: Difference[] };
    expect(report.recipe.seed).toBe('42');
    expect(report.differences).toEqual([]);
  });
});
