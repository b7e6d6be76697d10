import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

async function until(what: string, check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('npm run dev', () => {
  let dir: string;
  let dev: ChildProcess;
  let ui: string;
  let api: string;
  let output = '';
  const exited = () => new Promise<number | null>((done) => dev.once('exit', (code) => done(code)));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mnemo-dev-'));
    const [apiPort, uiPort] = [await freePort(), await freePort()];
    api = `http://127.0.0.1:${apiPort}`;
    ui = `http://127.0.0.1:${uiPort}`;
    // Its own process group, so the test can stop it the way Ctrl-C in a terminal does.
    dev = spawn('npm', ['run', 'dev'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        MNEMO_PORT: String(apiPort),
        MNEMO_UI_PORT: String(uiPort),
        MNEMO_BACKEND_STORE_URI: join(dir, 'mnemo.db'),
        MNEMO_ARTIFACTS_DESTINATION: join(dir, 'artifacts'),
        MNEMO_SIGNING_KEY_FILE: join(dir, 'key.pem'),
        MNEMO_CHECKPOINT_INTERVAL: '0',
      },
    });
    dev.stdout?.on('data', (chunk) => (output += chunk));
    dev.stderr?.on('data', (chunk) => (output += chunk));
    try {
      await until('the server', () => answers(`${api}/health`), 60_000);
      await until('the UI', () => answers(`${ui}/`), 60_000);
    } catch (error) {
      throw new Error(`${(error as Error).message}; output:\n${output}`);
    }
  }, 130_000);

  afterAll(async () => {
    if (dev.exitCode === null && dev.signalCode === null && dev.pid) {
      const gone = exited();
      process.kill(-dev.pid, 'SIGTERM');
      await gone;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the UI from Vite and proxies the native and MLflow APIs to the server', async () => {
    const page = await (await fetch(`${ui}/`)).text();
    expect(page).toContain('/@vite/client');

    const created = await fetch(`${ui}/api/v1/experiments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'through-the-dev-proxy' }),
    });
    expect(created.status).toBeLessThan(300);
    const byName = await fetch(
      `${ui}/ajax-api/2.0/mlflow/experiments/get-by-name?experiment_name=through-the-dev-proxy`,
    );
    expect(byName.status).toBe(200);
    expect(((await byName.json()) as { experiment: { name: string } }).experiment.name).toBe('through-the-dev-proxy');
    // The same experiment straight from the server: the proxy reached this server, not another.
    const direct = await fetch(`${api}/api/2.0/mlflow/experiments/get-by-name?experiment_name=through-the-dev-proxy`);
    expect(direct.status).toBe(200);
  });

  it('stops the server and the UI together on Ctrl-C', async () => {
    const gone = exited();
    process.kill(-dev.pid!, 'SIGINT');
    await gone;
    await until('both to stop', async () => !(await answers(`${api}/health`)) && !(await answers(`${ui}/`)), 15_000);
  });
});
