import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mnemo } from '../../src/sdk/index.js';
import { backends } from '../support/backends.js';
import { TYPESCRIPT_NODE_ARGS } from '../support/mnemo-cli.js';
import { useTestServer } from '../support/test-server.js';
import { startFaultProxy } from './fault-proxy.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SDK = pathToFileURL(join(ROOT, 'src/sdk/index.ts')).href;

function runScript(file: string, url: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...TYPESCRIPT_NODE_ARGS, file, url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', fail);
    child.once('close', (code) => done({ code, stdout, stderr }));
  });
}

describe.each(backends)('SDK at process exit on $name', (backend) => {
  const api = useTestServer(backend);
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mnemo-exit-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('sends points a script left buffered without calling end(), and still lets it exit', async () => {
    const script = join(dir, 'forgetful.mts');
    await writeFile(
      script,
      [
        `import { Mnemo } from '${SDK}';`,
        'const mnemo = new Mnemo({ url: process.argv[2]!, flushIntervalMs: 600_000 });',
        "const run = await mnemo.startRun({ experimentName: 'exit' });",
        "for (let step = 0; step < 42; step++) run.logMetric('loss', 1 / (step + 1), step);",
        'console.log(run.id);',
      ].join('\n'),
    );
    const { code, stdout, stderr } = await runScript(script, api.url);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const runId = stdout.trim();
    const mnemo = new Mnemo({ url: api.url });
    expect(await mnemo.metricHistory(runId, 'loss')).toHaveLength(42);
    expect((await mnemo.getRun(runId)).status).toBe('RUNNING');
  }, 120_000);

  it('tries once more at exit, then says which points were lost and still exits', async () => {
    const proxy = await startFaultProxy(api.url, (r) => (r.path.endsWith('/batch') ? 'refuse-503' : 'pass'));
    const script = join(dir, 'stranded.mts');
    await writeFile(
      script,
      [
        `import { Mnemo } from '${SDK}';`,
        'const retry = { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 };',
        'const mnemo = new Mnemo({ url: process.argv[2]!, retry, flushIntervalMs: 600_000 });',
        "const run = await mnemo.startRun({ experimentName: 'exit' });",
        "run.logMetric('loss', 1);",
        'console.log(run.id);',
      ].join('\n'),
    );
    const { code, stdout, stderr } = await runScript(script, proxy.url);
    await proxy.close();
    expect(code).toBe(0);
    const runId = stdout.trim();
    expect(stderr).toContain(`mnemo: 1 metric points of run ${runId} were not sent before exit: POST`);
    expect(stderr).toContain('failed after 2 attempts: injected outage');
    expect(proxy.seen.filter((r) => r.path.endsWith('/batch'))).toHaveLength(2);
    expect((await new Mnemo({ url: api.url }).getRun(runId)).metrics).toEqual([]);
  }, 120_000);
});
