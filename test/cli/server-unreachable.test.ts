import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI_BUNDLE } from '../support/cli-bundle.js';

const root = join(import.meta.dirname, '../..');
const run = promisify(execFile);

/** Runs the real `mnemo` with only the tracking variables given here, whatever the test's own environment holds. */
async function mnemo(args: string[], tracking: Record<string, string>) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('MLFLOW_') && !key.startsWith('MNEMO_')),
  );
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI_BUNDLE, ...args], {
      cwd: root,
      env: { ...env, ...tracking },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** A loopback port nothing listens on: connecting to it is refused at once. */
const closedPort = () =>
  new Promise<number>((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = (server.address() as AddressInfo) ?? { port: 0 };
      server.close(() => done(port));
    });
  });

describe('client commands and a server that is not there', () => {
  let url: string;
  beforeAll(async () => {
    url = `http://127.0.0.1:${await closedPort()}`;
  });

  const expectExplained = (result: { code: number; stdout: string; stderr: string }, tried: string) => {
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain(`could not reach a Mnemo server at ${tried}`);
    expect(result.stderr).toContain('ECONNREFUSED');
    for (const way of ['--tracking-uri', 'MNEMO_TRACKING_URI', 'MLFLOW_TRACKING_URI', 'mnemo server']) {
      expect(result.stderr).toContain(way);
    }
  };

  it('mnemo models names the URL it tried and how to set another', { timeout: 120_000 }, async () => {
    expectExplained(await mnemo(['models', 'list', '--tracking-uri', url], {}), url);
    expectExplained(await mnemo(['models', 'get', 'churn'], { MNEMO_TRACKING_URI: url }), url);
  });

  it('mnemo lineage names the URL it tried and how to set another', { timeout: 120_000 }, async () => {
    expectExplained(await mnemo(['lineage', 'upstream', 'run:abc'], { MLFLOW_TRACKING_URI: url }), url);
  });

  it('mnemo audit prove names the URL it tried and how to set another', { timeout: 120_000 }, async () => {
    expectExplained(await mnemo(['audit', 'prove', '--seq', '1', '--tracking-uri', url], {}), url);
  });

  it('mnemo run finds the server as the other commands do, and runs the command spooled when it is not there', {
    timeout: 120_000,
  }, async () => {
    const other = `http://127.0.0.1:${await closedPort()}`;
    const spool = await mkdtemp(join(tmpdir(), 'mnemo-unreachable-spool-'));
    try {
      // MNEMO_TRACKING_URI comes before MLFLOW_TRACKING_URI, for run as for models and lineage.
      const both = { MNEMO_TRACKING_URI: url, MLFLOW_TRACKING_URI: other, MNEMO_SPOOL_DIR: spool };
      const ran = await mnemo(['run', '--', process.execPath, '-e', 'console.log("ran")'], both);
      expect(ran.code, ran.stderr).toBe(0);
      expect(ran.stdout).toContain('ran');
      expect(ran.stderr).toContain(`could not reach a Mnemo server at ${url}`);
      expect(ran.stderr).toContain('mnemo sync');
      expectExplained(await mnemo(['models', 'list'], both), url);
      const second = await mnemo(['run', '--', process.execPath, '-e', '0'], {
        MLFLOW_TRACKING_URI: other,
        MNEMO_SPOOL_DIR: spool,
      });
      expect(second.stderr).toContain(`could not reach a Mnemo server at ${other}`);
      expect(await readdir(spool)).toHaveLength(2);
    } finally {
      await rm(spool, { recursive: true, force: true });
    }
  });
});
